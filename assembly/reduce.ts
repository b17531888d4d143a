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
