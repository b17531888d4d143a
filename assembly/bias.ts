// Row-broadcast bias: the Affine layer's forward (+ b) and backward (db = Σ_rows dy).
// x, y are (rows, cols) row-major; b is (cols).

@inline function off(i: i32): usize { return <usize>i << 2; }

// y[r, c] = x[r, c] + b[c]; y may alias x
export function f32_bias_add_rows(x: usize, b: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + off(r * cols);
    const yr = y + off(r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) v128.store(yr + off(c), f32x4.add(v128.load(xr + off(c)), v128.load(b + off(c))));
    for (; c < cols; c++) store<f32>(yr + off(c), load<f32>(xr + off(c)) + load<f32>(b + off(c)));
  }
}

// out[c] = Σ_r x[r, c]; out must not alias x
export function f32_sum_rows(x: usize, out: usize, rows: i32, cols: i32): void {
  memory.fill(out, 0, off(cols));
  for (let r = 0; r < rows; r++) {
    const xr = x + off(r * cols);
    let c = 0;
    for (; c + 4 <= cols; c += 4) v128.store(out + off(c), f32x4.add(v128.load(out + off(c)), v128.load(xr + off(c))));
    for (; c < cols; c++) store<f32>(out + off(c), load<f32>(out + off(c)) + load<f32>(xr + off(c)));
  }
}

// Per-channel bias of an NCHW tensor (a convolution's output): y[n, c, :] = x[n, c, :] + b[c].
// y may alias x.
export function f32_bias_add_channels(x: usize, b: usize, y: usize, N: i32, C: i32, HW: i32): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const start = off((n * C + c) * HW);
      const vb = v128.load32_splat(b + off(c));
      const bc = load<f32>(b + off(c));
      let i = 0;
      for (; i + 4 <= HW; i += 4) v128.store(y + start + off(i), f32x4.add(v128.load(x + start + off(i)), vb));
      for (; i < HW; i++) store<f32>(y + start + off(i), load<f32>(x + start + off(i)) + bc);
    }
  }
}

// out[c] = Σ_{n, i} x[n, c, i]: the bias gradient of a convolution. out must not alias x.
export function f32_sum_channels(x: usize, out: usize, N: i32, C: i32, HW: i32): void {
  for (let c = 0; c < C; c++) {
    let acc = f32x4.splat(0);
    let tail: f32 = 0;
    for (let n = 0; n < N; n++) {
      const start = x + off((n * C + c) * HW);
      let i = 0;
      for (; i + 4 <= HW; i += 4) acc = f32x4.add(acc, v128.load(start + off(i)));
      for (; i < HW; i++) tail += load<f32>(start + off(i));
    }
    store<f32>(out + off(c), (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
                             (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)) + tail);
  }
}
