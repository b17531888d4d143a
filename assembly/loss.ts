// The forward sums of the mean-squared-error and sigmoid cross-entropy losses (byte offsets),
// each returned as a float64 sum over the batch; the host divides by the batch size. Their
// backward passes, (y − t)·scale, are softmax.ts's f32_softmax_xent_*_bwd.
// NOTE: a loss reads N·C floats once per step (a few thousand), so these are plain float64
// loops: no vector code to keep in step with a twin, and no float32 rounding in the sum.

@inline function off(i: i32): usize { return <usize>i << 2; }

// Σ 0.5·(y − t)² over n floats, t real targets of y's shape.
export function f32_mse_fwd(y: usize, t: usize, n: i32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const d = <f64>load<f32>(y + off(i)) - <f64>load<f32>(t + off(i));
    sum += 0.5 * d * d;
  }
  return sum;
}

// Σ 0.5·(y − onehot(t))² over a (rows, cols) y, t integer labels (rows) the host has checked.
export function f32_mse_labels_fwd(y: usize, t: usize, rows: i32, cols: i32): f64 {
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const label = <i32>load<f32>(t + off(r));
    for (let c = 0; c < cols; c++) {
      const d = <f64>load<f32>(y + off(r * cols + c)) - (c == label ? 1.0 : 0.0);
      sum += 0.5 * d * d;
    }
  }
  return sum;
}

// Σ of the binary cross-entropy −[t·log σ(x) + (1 − t)·log(1 − σ(x))] over n logits x, t in [0, 1].
// NOTE: computed from the logits as softplus(x) − t·x = max(x, 0) − t·x + log(1 + e^−|x|), which
// is the same quantity without ever forming σ(x): log σ(x) underflows to −∞ in float32 once
// x < −88 (and 1 − σ(x) rounds to 0 once x > 17), where this stays finite and exact.
export function f32_sigmoid_xent_fwd(x: usize, t: usize, n: i32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(x + off(i)), target = <f64>load<f32>(t + off(i));
    sum += max(v, 0.0) - target * v + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return sum;
}
