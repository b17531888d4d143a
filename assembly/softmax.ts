// Softmax and cross-entropy over rows of a (rows, cols) matrix, as the book's SoftmaxWithLoss.
// Labels live in float tensors: integer class indices (rows) or one-hot rows (rows, cols).
// The host checks labels are in [0, cols) before calling.
import { exp_f32x4, exp_f32 } from './vmath';
import { f32_scale } from './elementwise';

@inline function off(i: i32): usize { return <usize>i << 2; }

// y[r] = softmax(x[r]); subtracting the row max keeps e^x finite for large logits. y may alias x.
export function f32_softmax_fwd(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + off(r * cols);
    const yr = y + off(r * cols);
    let vmax = f32x4.splat(-Infinity);
    let c = 0;
    for (; c + 4 <= cols; c += 4) vmax = f32x4.max(vmax, v128.load(xr + off(c)));
    let m = max(max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)),
                max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
    for (; c < cols; c++) m = max(m, load<f32>(xr + off(c)));
    const vm = f32x4.splat(m);
    let vsum = f32x4.splat(0);
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const e = exp_f32x4(f32x4.sub(v128.load(xr + off(c)), vm));
      v128.store(yr + off(c), e);
      vsum = f32x4.add(vsum, e);
    }
    let sum = (f32x4.extract_lane(vsum, 0) + f32x4.extract_lane(vsum, 1)) +
              (f32x4.extract_lane(vsum, 2) + f32x4.extract_lane(vsum, 3));
    for (; c < cols; c++) {
      const e = exp_f32(load<f32>(xr + off(c)) - m);
      store<f32>(yr + off(c), e);
      sum += e;
    }
    const vinv = f32x4.splat(<f32>1 / sum);
    c = 0;
    for (; c + 4 <= cols; c += 4) v128.store(yr + off(c), f32x4.mul(v128.load(yr + off(c)), vinv));
    for (; c < cols; c++) store<f32>(yr + off(c), load<f32>(yr + off(c)) * (<f32>1 / sum));
  }
}

// NOTE: the book adds 1e-7 inside the log so a zero probability costs 16.1, not infinity.
// Summed in f64 and returned as a sum; the host divides by the batch size.
export function f32_xent_labels_fwd(y: usize, t: usize, rows: i32, cols: i32): f64 {
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const label = <i32>load<f32>(t + off(r));
    loss -= Math.log(<f64>load<f32>(y + off(r * cols + label)) + 1e-7);
  }
  return loss;
}

// One-hot labels: the book takes the argmax of each row of t (first maximum) as the class.
export function f32_xent_onehot_fwd(y: usize, t: usize, rows: i32, cols: i32): f64 {
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const label = argmaxRow(t + off(r * cols), cols);
    loss -= Math.log(<f64>load<f32>(y + off(r * cols + label)) + 1e-7);
  }
  return loss;
}

// dx = (y - onehot(t))·scale, with t integer labels; dx may alias y
export function f32_softmax_xent_labels_bwd(y: usize, t: usize, dx: usize, rows: i32, cols: i32, scale: f32): void {
  f32_scale(y, dx, rows * cols, scale);
  for (let r = 0; r < rows; r++) {
    const p = dx + off(r * cols + <i32>load<f32>(t + off(r)));
    store<f32>(p, load<f32>(p) - scale);
  }
}

// dx = (y - t)·scale, with t one-hot (or any target distribution); dx may alias y or t
export function f32_softmax_xent_onehot_bwd(y: usize, t: usize, dx: usize, rows: i32, cols: i32, scale: f32): void {
  const n = rows * cols;
  const vs = f32x4.splat(scale);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(dx + off(i), f32x4.mul(f32x4.sub(v128.load(y + off(i)), v128.load(t + off(i))), vs));
  }
  for (; i < n; i++) store<f32>(dx + off(i), (load<f32>(y + off(i)) - load<f32>(t + off(i))) * scale);
}

// out[r] = index of the first maximum of x[r], as a float (the accuracy's prediction)
export function f32_argmax_rows(x: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) store<f32>(out + off(r), <f32>argmaxRow(x + off(r * cols), cols));
}

@inline function argmaxRow(xr: usize, cols: i32): i32 {
  let best = 0;
  let m = load<f32>(xr);
  for (let c = 1; c < cols; c++) {
    const v = load<f32>(xr + off(c));
    if (v > m) { m = v; best = c; }
  }
  return best;
}
