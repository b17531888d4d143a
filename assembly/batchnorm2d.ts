// Per-channel (spatial) batch normalization of an (N, C, HW) tensor, as PyTorch's BatchNorm2d:
// statistics per channel over N and the HW positions. Vectorized along each HW run.

@inline function off(i: i32): usize { return <usize>i << 2; }

// The sum of n floats at p: four lanes, reduced in f64.
@inline function sum(p: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, v128.load(p + off(i)));
  let s = <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) +
          <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < n; i++) s += <f64>load<f32>(p + off(i));
  return s;
}

// mean[c] and variance[c] (biased) of x (N, C, HW) over N and HW. NOTE: two passes (the mean first,
// then squares of x - mean), each run's partial sums in f32 lanes and the runs added in f64.
export function f32_bn2d_stats(x: usize, mean: usize, variance: usize, N: i32, C: i32, HW: i32): void {
  const count = <f64>N * <f64>HW;
  for (let c = 0; c < C; c++) {
    let s: f64 = 0;
    for (let n = 0; n < N; n++) s += sum(x + off((n * C + c) * HW), HW);
    const mu = <f32>(s / count);
    const vmu = f32x4.splat(mu);
    let s2: f64 = 0;
    for (let n = 0; n < N; n++) {
      const p = x + off((n * C + c) * HW);
      let acc = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= HW; i += 4) {
        const d = f32x4.sub(v128.load(p + off(i)), vmu);
        acc = f32x4.add(acc, f32x4.mul(d, d));
      }
      s2 += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) +
            <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
      for (; i < HW; i++) {
        const d = load<f32>(p + off(i)) - mu;
        s2 += <f64>(d * d);
      }
    }
    store<f32>(mean + off(c), mu);
    store<f32>(variance + off(c), <f32>(s2 / count));
  }
}

// xn = (x - mean[c]) / √(variance[c] + eps); y = gamma[c]·xn + beta[c]. xn is stored only if its
// offset is not 0 (backward needs it; eval mode does not).
export function f32_bn2d_fwd(x: usize, mean: usize, variance: usize, gamma: usize, beta: usize,
                             xn: usize, y: usize, N: i32, C: i32, HW: i32, eps: f32): void {
  for (let c = 0; c < C; c++) {
    const inv = <f32>1 / Mathf.sqrt(load<f32>(variance + off(c)) + eps);
    const mu = load<f32>(mean + off(c)), g = load<f32>(gamma + off(c)), b = load<f32>(beta + off(c));
    const vinv = f32x4.splat(inv), vmu = f32x4.splat(mu), vg = f32x4.splat(g), vb = f32x4.splat(b);
    for (let n = 0; n < N; n++) {
      const at = off((n * C + c) * HW);
      let i = 0;
      for (; i + 4 <= HW; i += 4) {
        const vn = f32x4.mul(f32x4.sub(v128.load(x + at + off(i)), vmu), vinv);
        if (xn) v128.store(xn + at + off(i), vn);
        v128.store(y + at + off(i), f32x4.add(f32x4.mul(vg, vn), vb));
      }
      for (; i < HW; i++) {
        const vn = (load<f32>(x + at + off(i)) - mu) * inv;
        if (xn) store<f32>(xn + at + off(i), vn);
        store<f32>(y + at + off(i), g * vn + b);
      }
    }
  }
}

// Per channel c, with M = N·HW: dbeta = Σ dy; dgamma = Σ dy·xn; then
// dx = gamma/√(variance + eps) · (dy − dbeta/M − xn·dgamma/M) over the same channel while it is in cache.
export function f32_bn2d_bwd(dy: usize, xn: usize, variance: usize, gamma: usize, dx: usize,
                             dgamma: usize, dbeta: usize, N: i32, C: i32, HW: i32, eps: f32): void {
  const invM = <f32>(<f64>1 / (<f64>N * <f64>HW));
  for (let c = 0; c < C; c++) {
    let sb: f64 = 0, sg: f64 = 0;
    for (let n = 0; n < N; n++) {
      const at = off((n * C + c) * HW);
      let ab = f32x4.splat(0), ag = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= HW; i += 4) {
        const g = v128.load(dy + at + off(i));
        ab = f32x4.add(ab, g);
        ag = f32x4.add(ag, f32x4.mul(g, v128.load(xn + at + off(i))));
      }
      sb += <f64>f32x4.extract_lane(ab, 0) + <f64>f32x4.extract_lane(ab, 1) + <f64>f32x4.extract_lane(ab, 2) + <f64>f32x4.extract_lane(ab, 3);
      sg += <f64>f32x4.extract_lane(ag, 0) + <f64>f32x4.extract_lane(ag, 1) + <f64>f32x4.extract_lane(ag, 2) + <f64>f32x4.extract_lane(ag, 3);
      for (; i < HW; i++) {
        const g = load<f32>(dy + at + off(i));
        sb += <f64>g;
        sg += <f64>(g * load<f32>(xn + at + off(i)));
      }
    }
    const db = <f32>sb, dg = <f32>sg;
    store<f32>(dbeta + off(c), db);
    store<f32>(dgamma + off(c), dg);
    const scale = load<f32>(gamma + off(c)) / Mathf.sqrt(load<f32>(variance + off(c)) + eps);
    const mb = db * invM, mg = dg * invM;
    const vs = f32x4.splat(scale), vmb = f32x4.splat(mb), vmg = f32x4.splat(mg);
    for (let n = 0; n < N; n++) {
      const at = off((n * C + c) * HW);
      let i = 0;
      for (; i + 4 <= HW; i += 4) {
        const centered = f32x4.sub(f32x4.sub(v128.load(dy + at + off(i)), vmb), f32x4.mul(v128.load(xn + at + off(i)), vmg));
        v128.store(dx + at + off(i), f32x4.mul(vs, centered));
      }
      for (; i < HW; i++) {
        store<f32>(dx + at + off(i), scale * ((load<f32>(dy + at + off(i)) - mb) - load<f32>(xn + at + off(i)) * mg));
      }
    }
  }
}

// y[r] = mean of the HW floats of row r of x (rows = N·C): global average pooling.
export function f32_gap_fwd(x: usize, y: usize, rows: i32, HW: i32): void {
  const inv = <f64>1 / <f64>HW;
  for (let r = 0; r < rows; r++) store<f32>(y + off(r), <f32>(sum(x + off(r * HW), HW) * inv));
}

// dx[r, i] = dy[r] / HW: each position of a row gets an equal share of its mean's gradient.
export function f32_gap_bwd(dy: usize, dx: usize, rows: i32, HW: i32): void {
  const inv = <f32>1 / <f32>HW;
  for (let r = 0; r < rows; r++) {
    const g = load<f32>(dy + off(r)) * inv;
    const vg = f32x4.splat(g);
    const p = dx + off(r * HW);
    let i = 0;
    for (; i + 4 <= HW; i += 4) v128.store(p + off(i), vg);
    for (; i < HW; i++) store<f32>(p + off(i), g);
  }
}
