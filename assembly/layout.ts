// Where the module's own static data ends. The host allocator hands out tensor memory only above
// this address (rounded up to its reserve), so kernels and tensors never overlap.
export function heap_base(): usize {
  return __heap_base;
}
