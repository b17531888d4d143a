// Shared by the passes joined with a max pooling (assembly/conv.ts, assembly/winograd.ts); not
// exported from the module.

@inline function off(i: i32): usize { return <usize>i << 2; }

// y = pmax(y, 0) (f32_relu_fwd), argmax = −1 where y is not > 0 (f32_relu_bwd's zero gradients)
@inline export function reluKeepingArgmax(y: usize, argmax: usize, n: i32): void {
  const zero = f32x4.splat(0), none = i32x4.splat(-1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(y + off(i));
    v128.store(y + off(i), f32x4.pmax(v, zero));
    v128.store(argmax + off(i), v128.bitselect(v128.load(argmax + off(i)), none, f32x4.gt(v, zero)));
  }
  for (; i < n; i++) {
    const v = load<f32>(y + off(i));
    store<f32>(y + off(i), v < 0 ? 0 : v);
    if (!(v > 0)) store<i32>(argmax + off(i), -1);
  }
}
