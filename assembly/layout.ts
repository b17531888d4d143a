// Where the module's own static data ends. The host allocator hands out tensor memory only above
// this address (rounded up to its reserve), so kernels and tensors never overlap.
export function heap_base(): usize {
  return __heap_base;
}

// 1 in the relaxed-SIMD builds, whose matrix products multiply-add fused (assembly/gemm.ts).
export function build_fma(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
