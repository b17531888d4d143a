// The tile transforms of Winograd F(4×4, 3×3) (assembly/winograd4.ts), four tiles side by side in
// the lanes of a vector; not exported from the module. Multiplications by 2, 4 and 8 are exact.

@inline function off(i: i32): usize { return <usize>i << 2; }
@inline export function tiles4(out: i32): i32 { return (out + 3) >> 2; }
// Floats per row of the rows inputTransform4 builds: 4 per tile, whole groups of four tiles, and the
// 4 floats past a group's 16 that its loads reach.
@inline export function rowFloats4(TW: i32): i32 { return 16 * ((TW + 3) >> 2) + 4; }

// The first `n` (1…3) floats at p, zeros after.
@inline function loadPart(p: usize, n: i32): v128 {
  let v = v128.load32_lane(p, f32x4.splat(0), 0);
  if (n > 1) v = v128.load32_lane(p + 4, v, 1);
  if (n > 2) v = v128.load32_lane(p + 8, v, 2);
  return v;
}

// The first `n` (0…4) lanes of v to p.
@inline export function storePart(p: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(p, v); return; }
  if (n > 0) v128.store32_lane(p, v, 0);
  if (n > 1) v128.store32_lane(p + 4, v, 1);
  if (n > 2) v128.store32_lane(p + 8, v, 2);
}

// V[ξ][c][t0 + ty·TW + tx] = (Bᵀ d B)[ξ], ξ = 6·i + k, of the 6 × 6 tile d at (4·ty − pad, 4·tx − pad)
// of the sample x (C, H, W), zeros outside it. Per channel and row of tiles, Bᵀ first combines
// the tiles' 6 input rows into `rows` (6 rows of Wp floats, whose columns outside [pad, pad + W)
// the caller has zeroed; rows outside the input are read from `zero`, W floats of zeros), then
// each row times B, four tiles (lanes) at a time.
// NOTE: a row's last group may run past TW: its extra lanes land on the next row's first tiles
// (or, after the chunk's last row, in the 4 spare columns of ld), which are written after them.
export function inputTransform4(x: usize, v: usize, C: i32, H: i32, W: i32, pad: i32, TH: i32, TW: i32, t0: i32, ld: i32,
                                rows: usize, zero: usize): void {
  const plane = <usize>C * ld << 2; // bytes of one V[ξ]
  const Wp = rowFloats4(TW), rowBytes = off(Wp);
  for (let c = 0; c < C; c++) {
    for (let ty = 0; ty < TH; ty++) {
      const iy0 = 4 * ty - pad;
      const r0 = inputRow(x, zero, c, H, W, iy0), r1 = inputRow(x, zero, c, H, W, iy0 + 1), r2 = inputRow(x, zero, c, H, W, iy0 + 2);
      const r3 = inputRow(x, zero, c, H, W, iy0 + 3), r4 = inputRow(x, zero, c, H, W, iy0 + 4), r5 = inputRow(x, zero, c, H, W, iy0 + 5);
      const dst = rows + off(pad);
      let col = 0;
      for (; col + 4 <= W; col += 4) {
        const o = off(col);
        combineRows(dst + o, rowBytes, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), v128.load(r4 + o), v128.load(r5 + o), 4);
      }
      const n = W - col;
      if (n > 0) {
        const o = off(col);
        combineRows(dst + o, rowBytes, loadPart(r0 + o, n), loadPart(r1 + o, n), loadPart(r2 + o, n), loadPart(r3 + o, n),
                    loadPart(r4 + o, n), loadPart(r5 + o, n), n);
      }
      for (let i = 0; i < 6; i++) {
        const row = rows + <usize>i * rowBytes;
        for (let tx = 0; tx < TW; tx += 4) {
          // columns 4·lane + k of the four tiles: a 4 × 4 transpose, then two shifted by one tile
          const p = row + off(4 * tx);
          const a0 = v128.load(p), a1 = v128.load(p, 16), a2 = v128.load(p, 32), a3 = v128.load(p, 48), a4 = v128.load(p, 64);
          const s0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), s1 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7);
          const s2 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), s3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
          const d0 = v128.shuffle<f32>(s0, s2, 0, 1, 4, 5), d1 = v128.shuffle<f32>(s0, s2, 2, 3, 6, 7);
          const d2 = v128.shuffle<f32>(s1, s3, 0, 1, 4, 5), d3 = v128.shuffle<f32>(s1, s3, 2, 3, 6, 7);
          const d4 = v128.shuffle<f32>(d0, a4, 1, 2, 3, 4), d5 = v128.shuffle<f32>(d1, a4, 1, 2, 3, 5);
          const q = v + off(c * ld + t0 + ty * TW + tx) + <usize>(6 * i) * plane;
          v128.store(q, bt0(d0, d2, d4));
          v128.store(q + plane, bt1(d1, d2, d3, d4));
          v128.store(q + 2 * plane, bt2(d1, d2, d3, d4));
          v128.store(q + 3 * plane, bt3(d1, d2, d3, d4));
          v128.store(q + 4 * plane, bt4(d1, d2, d3, d4));
          v128.store(q + 5 * plane, bt5(d1, d3, d5));
        }
      }
    }
  }
}

// Row iy of channel c of x, or the zero row outside the input
@inline function inputRow(x: usize, zero: usize, c: i32, H: i32, W: i32, iy: i32): usize {
  return iy >= 0 && iy < H ? x + off((c * H + iy) * W) : zero;
}

// rows[i] at p (rows rowBytes apart) = (Bᵀ (d0 … d5))[i] for n (1…4) columns
@inline function combineRows(p: usize, rowBytes: usize, d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, n: i32): void {
  storePart(p, bt0(d0, d2, d4), n);
  storePart(p + rowBytes, bt1(d1, d2, d3, d4), n);
  storePart(p + 2 * rowBytes, bt2(d1, d2, d3, d4), n);
  storePart(p + 3 * rowBytes, bt3(d1, d2, d3, d4), n);
  storePart(p + 4 * rowBytes, bt4(d1, d2, d3, d4), n);
  storePart(p + 5 * rowBytes, bt5(d1, d3, d5), n);
}

// The rows of Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
// each value through at most 2 roundings
@inline function x4(a: v128): v128 { return f32x4.mul(a, f32x4.splat(4)); }
@inline function x2(a: v128): v128 { return f32x4.add(a, a); }
@inline function bt0(d0: v128, d2: v128, d4: v128): v128 { return f32x4.add(x4(f32x4.sub(d0, d2)), f32x4.sub(d4, d2)); }
@inline function bt1(d1: v128, d2: v128, d3: v128, d4: v128): v128 { return f32x4.sub(f32x4.add(d3, d4), x4(f32x4.add(d1, d2))); }
@inline function bt2(d1: v128, d2: v128, d3: v128, d4: v128): v128 { return f32x4.add(f32x4.sub(d4, d3), x4(f32x4.sub(d1, d2))); }
@inline function bt3(d1: v128, d2: v128, d3: v128, d4: v128): v128 { return f32x4.add(f32x4.sub(d4, d2), x2(f32x4.sub(d3, d1))); }
@inline function bt4(d1: v128, d2: v128, d3: v128, d4: v128): v128 { return f32x4.sub(f32x4.sub(d4, d2), x2(f32x4.sub(d3, d1))); }
@inline function bt5(d1: v128, d3: v128, d5: v128): v128 { return f32x4.add(x4(f32x4.sub(d1, d3)), f32x4.sub(d5, d3)); }

// out[f][4·ty + i][4·tx + j] = (Aᵀ M A)[i][j] + b[f] (b = 0: no bias), cropped to OH × OW; four
// tiles at a time, (Aᵀ M) kept in the 24 vectors at tmp.
export function outputTransform4(m: usize, b: usize, out: usize, tmp: usize, FO: i32, OH: i32, OW: i32, TH: i32, TW: i32, t0: i32, ld: i32): void {
  const plane = <usize>FO * ld << 2; // bytes of one M[ξ]
  for (let f = 0; f < FO; f++) {
    const bias = b ? f32x4.splat(load<f32>(b + off(f))) : f32x4.splat(0);
    const outF = out + off(f * OH * OW);
    for (let ty = 0; ty < TH; ty++) {
      const rowsLeft = min(4, OH - 4 * ty);
      for (let tx = 0; tx < TW; tx += 4) {
        const q = m + off(f * ld + t0 + ty * TW + tx);
        // r[i][k] = (Aᵀ M)[i][k], column by column
        for (let k = 0; k < 6; k++) {
          const p = q + <usize>k * plane;
          const m0 = v128.load(p), m1 = v128.load(p + 6 * plane), m2 = v128.load(p + 12 * plane);
          const m3 = v128.load(p + 18 * plane), m4 = v128.load(p + 24 * plane), m5 = v128.load(p + 30 * plane);
          const t = tmp + (<usize>k << 4);
          v128.store(t, at0(m0, m1, m2, m3, m4));
          v128.store(t, at1(m1, m2, m3, m4), 96);
          v128.store(t, at2(m1, m2, m3, m4), 192);
          v128.store(t, at3(m1, m2, m3, m4, m5), 288);
        }
        // y[i][j] = (r A)[i][j]; lanes (tiles) to columns by a 4 × 4 transpose
        const cols = OW - 4 * tx;
        for (let i = 0; i < rowsLeft; i++) {
          const t = tmp + <usize>(96 * i);
          const r0 = v128.load(t), r1 = v128.load(t, 16), r2 = v128.load(t, 32), r3 = v128.load(t, 48), r4 = v128.load(t, 64), r5 = v128.load(t, 80);
          let y0 = at0(r0, r1, r2, r3, r4), y1 = at1(r1, r2, r3, r4), y2 = at2(r1, r2, r3, r4), y3 = at3(r1, r2, r3, r4, r5);
          if (b) { y0 = f32x4.add(y0, bias); y1 = f32x4.add(y1, bias); y2 = f32x4.add(y2, bias); y3 = f32x4.add(y3, bias); }
          const s0 = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), s1 = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7);
          const s2 = v128.shuffle<f32>(y2, y3, 0, 4, 1, 5), s3 = v128.shuffle<f32>(y2, y3, 2, 6, 3, 7);
          const o = outF + off((4 * ty + i) * OW + 4 * tx);
          if (cols >= 16) {
            v128.store(o, v128.shuffle<f32>(s0, s2, 0, 1, 4, 5));
            v128.store(o, v128.shuffle<f32>(s0, s2, 2, 3, 6, 7), 16);
            v128.store(o, v128.shuffle<f32>(s1, s3, 0, 1, 4, 5), 32);
            v128.store(o, v128.shuffle<f32>(s1, s3, 2, 3, 6, 7), 48);
          } else {
            storePart(o, v128.shuffle<f32>(s0, s2, 0, 1, 4, 5), cols);
            storePart(o + 16, v128.shuffle<f32>(s0, s2, 2, 3, 6, 7), cols - 4);
            storePart(o + 32, v128.shuffle<f32>(s1, s3, 0, 1, 4, 5), cols - 8);
            storePart(o + 48, v128.shuffle<f32>(s1, s3, 2, 3, 6, 7), cols - 12);
          }
        }
      }
    }
  }
}

// The rows of Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1], each value through at
// most 3 roundings
@inline function at0(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128): v128 {
  return f32x4.add(m0, f32x4.add(f32x4.add(m1, m2), f32x4.add(m3, m4)));
}
@inline function at1(m1: v128, m2: v128, m3: v128, m4: v128): v128 { return f32x4.add(f32x4.sub(m1, m2), x2(f32x4.sub(m3, m4))); }
@inline function at2(m1: v128, m2: v128, m3: v128, m4: v128): v128 { return f32x4.add(f32x4.add(m1, m2), x4(f32x4.add(m3, m4))); }
@inline function at3(m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): v128 {
  return f32x4.add(f32x4.add(f32x4.sub(m1, m2), f32x4.mul(f32x4.sub(m3, m4), f32x4.splat(8))), m5);
}
