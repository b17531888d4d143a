// Reductions to a scalar.

@inline function off(i: i32): usize { return <usize>i << 2; }

// Σ x[i]² (weight decay's 0.5·λ·ΣW²). Four float32 partial sums, combined in f64.
export function f32_sum_squares(x: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + off(i));
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  let sum = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) +
            <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const v = load<f32>(x + off(i));
    sum += <f64>(v * v);
  }
  return sum;
}

// 1 when every one of the n floats at x is finite, else 0 (a NaN or ±Infinity: all exponent bits
// set). NOTE: a network checks each input batch with it: f32_sum_squares did the same in one
// dependent chain of additions (3.4 cycles per vector; 18 µs for a batch of 100 MNIST images, 4 %
// of a TwoLayerNet step). This ORs independent lane masks, 16 floats a step: 6 µs.
export function f32_all_finite(x: usize, n: i32): i32 {
  const exponent = i32x4.splat(0x7f800000);
  let bad0 = i32x4.splat(0), bad1 = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + off(i);
    bad0 = v128.or(bad0, i32x4.eq(v128.and(v128.load(p), exponent), exponent));
    bad1 = v128.or(bad1, i32x4.eq(v128.and(v128.load(p, 16), exponent), exponent));
    bad0 = v128.or(bad0, i32x4.eq(v128.and(v128.load(p, 32), exponent), exponent));
    bad1 = v128.or(bad1, i32x4.eq(v128.and(v128.load(p, 48), exponent), exponent));
  }
  for (; i + 4 <= n; i += 4) bad0 = v128.or(bad0, i32x4.eq(v128.and(v128.load(x + off(i)), exponent), exponent));
  let finite = !v128.any_true(v128.or(bad0, bad1));
  for (; i < n; i++) finite = finite && (load<u32>(x + off(i)) & 0x7f800000) != 0x7f800000;
  return finite ? 1 : 0;
}
