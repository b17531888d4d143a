// Batch normalization over the rows of a (rows, cols) matrix: statistics per column (feature),
// as the book's BatchNormalization (a 4-D input is flattened to (N, C·H·W) by the host).
// Vectorized across columns: each row is a contiguous run of features.

import { f32_scale } from './elementwise';

@inline function off(i: i32): usize { return <usize>i << 2; }

// mean[c] = Σ_r x[r, c] / rows; variance[c] = Σ_r (x[r, c] - mean[c])² / rows (biased, as numpy's
// var). Two passes: subtracting the mean before squaring keeps the variance accurate.
export function f32_col_mean_var(x: usize, mean: usize, variance: usize, rows: i32, cols: i32): void {
  memory.fill(mean, 0, off(cols));
  memory.fill(variance, 0, off(cols));
  for (let r = 0; r < rows; r++) {
    const xr = x + off(r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) v128.store(mean + off(c), f32x4.add(v128.load(mean + off(c)), v128.load(xr + off(c))));
    for (; c < cols; c++) store<f32>(mean + off(c), load<f32>(mean + off(c)) + load<f32>(xr + off(c)));
  }
  const inv = <f32>1 / <f32>rows;
  f32_scale(mean, mean, cols, inv);
  for (let r = 0; r < rows; r++) {
    const xr = x + off(r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const d = f32x4.sub(v128.load(xr + off(c)), v128.load(mean + off(c)));
      v128.store(variance + off(c), f32x4.add(v128.load(variance + off(c)), f32x4.mul(d, d)));
    }
    for (; c < cols; c++) {
      const d = load<f32>(xr + off(c)) - load<f32>(mean + off(c));
      store<f32>(variance + off(c), load<f32>(variance + off(c)) + d * d);
    }
  }
  f32_scale(variance, variance, cols, inv);
}

// xn = (x - mean) / √(variance + eps); y = gamma·xn + beta. xn is stored only if its offset is
// not 0 (the backward pass needs it; test mode and standardization do not).
export function f32_batchnorm_fwd(x: usize, mean: usize, variance: usize, gamma: usize, beta: usize,
                                  xn: usize, y: usize, rows: i32, cols: i32, eps: f32): void {
  const veps = f32x4.splat(eps), one = f32x4.splat(1);
  for (let r = 0; r < rows; r++) {
    const xr = x + off(r * cols), yr = y + off(r * cols), nr = xn + off(r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const inv = f32x4.div(one, f32x4.sqrt(f32x4.add(v128.load(variance + off(c)), veps)));
      const vn = f32x4.mul(f32x4.sub(v128.load(xr + off(c)), v128.load(mean + off(c))), inv);
      if (xn) v128.store(nr + off(c), vn);
      v128.store(yr + off(c), f32x4.add(f32x4.mul(v128.load(gamma + off(c)), vn), v128.load(beta + off(c))));
    }
    for (; c < cols; c++) {
      const inv = <f32>1 / Mathf.sqrt(load<f32>(variance + off(c)) + eps);
      const vn = (load<f32>(xr + off(c)) - load<f32>(mean + off(c))) * inv;
      if (xn) store<f32>(nr + off(c), vn);
      store<f32>(yr + off(c), load<f32>(gamma + off(c)) * vn + load<f32>(beta + off(c)));
    }
  }
}

// dbeta = Σ_r dy; dgamma = Σ_r dy·xn; dx = gamma/√(variance + eps) · (dy - dbeta/N - xn·dgamma/N).
// NOTE: the book's step-by-step backward (dxc, dstd, dvar, dmu) simplifies to this closed form.
export function f32_batchnorm_bwd(dy: usize, xn: usize, variance: usize, gamma: usize, dx: usize,
                                  dgamma: usize, dbeta: usize, rows: i32, cols: i32, eps: f32): void {
  memory.fill(dgamma, 0, off(cols));
  memory.fill(dbeta, 0, off(cols));
  for (let r = 0; r < rows; r++) {
    const gr = dy + off(r * cols), nr = xn + off(r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const g = v128.load(gr + off(c));
      v128.store(dbeta + off(c), f32x4.add(v128.load(dbeta + off(c)), g));
      v128.store(dgamma + off(c), f32x4.add(v128.load(dgamma + off(c)), f32x4.mul(g, v128.load(nr + off(c)))));
    }
    for (; c < cols; c++) {
      const g = load<f32>(gr + off(c));
      store<f32>(dbeta + off(c), load<f32>(dbeta + off(c)) + g);
      store<f32>(dgamma + off(c), load<f32>(dgamma + off(c)) + g * load<f32>(nr + off(c)));
    }
  }
  const invN = <f32>1 / <f32>rows;
  const vinvN = f32x4.splat(invN), veps = f32x4.splat(eps);
  for (let r = 0; r < rows; r++) {
    const gr = dy + off(r * cols), nr = xn + off(r * cols), dr = dx + off(r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const scale = f32x4.div(v128.load(gamma + off(c)), f32x4.sqrt(f32x4.add(v128.load(variance + off(c)), veps)));
      const centered = f32x4.sub(
        f32x4.sub(v128.load(gr + off(c)), f32x4.mul(v128.load(dbeta + off(c)), vinvN)),
        f32x4.mul(v128.load(nr + off(c)), f32x4.mul(v128.load(dgamma + off(c)), vinvN)));
      v128.store(dr + off(c), f32x4.mul(scale, centered));
    }
    for (; c < cols; c++) {
      const scale = load<f32>(gamma + off(c)) / Mathf.sqrt(load<f32>(variance + off(c)) + eps);
      const centered = (load<f32>(gr + off(c)) - load<f32>(dbeta + off(c)) * invN) -
        load<f32>(nr + off(c)) * (load<f32>(dgamma + off(c)) * invN);
      store<f32>(dr + off(c), scale * centered);
    }
  }
}

// running = m·running + (1 - m)·batch (the running mean and variance of batch norm)
export function f32_ema(batch: usize, running: usize, n: i32, momentum: f32): void {
  const vm = f32x4.splat(momentum), v1m = f32x4.splat(<f32>1 - momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(running + off(i), f32x4.add(f32x4.mul(vm, v128.load(running + off(i))), f32x4.mul(v1m, v128.load(batch + off(i)))));
  }
  for (; i < n; i++) store<f32>(running + off(i), momentum * load<f32>(running + off(i)) + (<f32>1 - momentum) * load<f32>(batch + off(i)));
}
