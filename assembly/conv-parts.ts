// Pieces shared by the convolution passes of assembly/conv.ts and assembly/winograd.ts (not
// exported from the module).

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

// Adds the P floats at x to the lanes and tail at s, in f32_sum_channels's order.
@inline export function addChannel(x: usize, P: i32, s: usize): void {
  let acc = v128.load(s);
  let tail = load<f32>(s, 16);
  let i = 0;
  for (; i + 4 <= P; i += 4) acc = f32x4.add(acc, v128.load(x + off(i)));
  for (; i < P; i++) tail += load<f32>(x + off(i));
  v128.store(s, acc);
  store<f32>(s, tail, 16);
}

// db[f] for the fCount channels whose lanes and tails addChannel filled at sums (five floats each)
@inline export function storeChannelSums(sums: usize, db: usize, fCount: i32): void {
  for (let f = 0; f < fCount; f++) {
    const s = sums + off(5 * f);
    store<f32>(db + off(f), (load<f32>(s) + load<f32>(s, 4)) + (load<f32>(s, 8) + load<f32>(s, 12)) + load<f32>(s, 16));
  }
}
