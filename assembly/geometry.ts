// Window geometry shared by the convolution and pooling kernels (not exported to the host).

// 1 + (size + 2·pad − filter) / stride, or 0 when the window does not fit the padded size
@inline export function outSize(size: i32, filter: i32, stride: i32, pad: i32): i32 {
  const room = size + 2 * pad - filter;
  return room < 0 ? 0 : room / stride + 1;
}

// Field i of a params block at p (src/backend/conv-layout.ts gives the indices)
@inline export function field(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
