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

// addChannel over `count` consecutive channels of P floats at x, their lanes and tails at s (five
// floats each), four channels at a time: four independent chains of additions instead of one, each
// channel's in addChannel's order. NOTE: one chain waits on the adder's latency; SimpleConvNet's
// filter gradient pass (100 samples, 30 channels of 576): 3.14-3.33 -> 2.97-3.17 ms (best of 300).
@inline export function addChannels(x: usize, P: i32, s: usize, count: i32): void {
  let f = 0;
  for (; f + 4 <= count; f += 4) {
    const x0 = x + <usize>f * off(P), x1 = x0 + off(P), x2 = x1 + off(P), x3 = x2 + off(P);
    const s0 = s + off(5 * f);
    let acc0 = v128.load(s0), acc1 = v128.load(s0, 20), acc2 = v128.load(s0, 40), acc3 = v128.load(s0, 60);
    let i = 0;
    for (; i + 4 <= P; i += 4) {
      acc0 = f32x4.add(acc0, v128.load(x0 + off(i)));
      acc1 = f32x4.add(acc1, v128.load(x1 + off(i)));
      acc2 = f32x4.add(acc2, v128.load(x2 + off(i)));
      acc3 = f32x4.add(acc3, v128.load(x3 + off(i)));
    }
    v128.store(s0, acc0); v128.store(s0, acc1, 20); v128.store(s0, acc2, 40); v128.store(s0, acc3, 60);
    if (i < P) {
      for (let c = 0; c < 4; c++) {
        const xc = x0 + <usize>c * off(P), sc = s0 + off(5 * c);
        let tail = load<f32>(sc, 16);
        for (let j = i; j < P; j++) tail += load<f32>(xc + off(j));
        store<f32>(sc, tail, 16);
      }
    }
  }
  for (; f < count; f++) addChannel(x + <usize>f * off(P), P, s + off(5 * f));
}

// db[f] for the fCount channels whose lanes and tails addChannel filled at sums (five floats each)
@inline export function storeChannelSums(sums: usize, db: usize, fCount: i32): void {
  for (let f = 0; f < fCount; f++) {
    const s = sums + off(5 * f);
    store<f32>(db + off(f), (load<f32>(s) + load<f32>(s, 4)) + (load<f32>(s, 8) + load<f32>(s, 12)) + load<f32>(s, 16));
  }
}
