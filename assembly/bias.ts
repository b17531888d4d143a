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
