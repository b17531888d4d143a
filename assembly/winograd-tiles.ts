// The tile transforms of Winograd F(2×2, 3×3) (assembly/winograd.ts, assembly/winograd-filter.ts),
// four tiles side by side in the lanes of a vector; not exported from the module.

const TILES = 256; // tiles per chunk of samples: V and M of a chunk stay in L2

@inline function off(i: i32): usize { return <usize>i << 2; }
@inline export function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }
@inline export function tiles(out: i32): i32 { return (out + 1) >> 1; }
@inline export function chunkSamples(T: i32): i32 { return max(1, TILES / T); }

// The sample's planes with `pad` zeros before them and zeros after, out to Hp × Wp: every tile
// the transforms read, the ragged last ones included, lies inside.
@inline export function padSample(x: usize, padded: usize, C: i32, H: i32, W: i32, pad: i32, Hp: i32, Wp: i32): void {
  memory.fill(padded, 0, off(C * Hp * Wp));
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < H; r++) {
      memory.copy(padded + off((c * Hp + r + pad) * Wp + pad), x + off((c * H + r) * W), off(W));
    }
  }
}

// V[ξ][c][t0 + ty·TW + tx] = (Bᵀ d B)[ξ] of the tile at (2·ty, 2·tx), four tiles (lanes) at a time.
// NOTE: a row's last group may run past TW: its extra lanes land on the next row's first tiles
// (or, after the chunk's last row, in the 4 spare columns of ld), which are written after them.
@inline export function inputTransform(padded: usize, v: usize, C: i32, Hp: i32, Wp: i32, TH: i32, TW: i32, t0: i32, ld: i32): void {
  const plane = <usize>C * ld << 2; // bytes of one V[ξ]
  for (let c = 0; c < C; c++) {
    for (let ty = 0; ty < TH; ty++) {
      const row = padded + off((c * Hp + 2 * ty) * Wp);
      for (let tx = 0; tx < TW; tx += 4) {
        const p = row + off(2 * tx);
        const rowBytes = off(Wp);
        // each row along x: lanes are tiles, e_k = (d B)[k]
        let a = v128.load(p), b = v128.load(p, 16), a2 = v128.load(p, 8), b2 = v128.load(p, 24);
        const d00 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), d01 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        const d02 = v128.shuffle<f32>(a2, b2, 0, 2, 4, 6), d03 = v128.shuffle<f32>(a2, b2, 1, 3, 5, 7);
        const e00 = f32x4.sub(d00, d02), e01 = f32x4.add(d01, d02), e02 = f32x4.sub(d02, d01), e03 = f32x4.sub(d01, d03);
        a = v128.load(p + rowBytes); b = v128.load(p + rowBytes, 16); a2 = v128.load(p + rowBytes, 8); b2 = v128.load(p + rowBytes, 24);
        const d10 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), d11 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        const d12 = v128.shuffle<f32>(a2, b2, 0, 2, 4, 6), d13 = v128.shuffle<f32>(a2, b2, 1, 3, 5, 7);
        const e10 = f32x4.sub(d10, d12), e11 = f32x4.add(d11, d12), e12 = f32x4.sub(d12, d11), e13 = f32x4.sub(d11, d13);
        a = v128.load(p + 2 * rowBytes); b = v128.load(p + 2 * rowBytes, 16); a2 = v128.load(p + 2 * rowBytes, 8); b2 = v128.load(p + 2 * rowBytes, 24);
        const d20 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), d21 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        const d22 = v128.shuffle<f32>(a2, b2, 0, 2, 4, 6), d23 = v128.shuffle<f32>(a2, b2, 1, 3, 5, 7);
        const e20 = f32x4.sub(d20, d22), e21 = f32x4.add(d21, d22), e22 = f32x4.sub(d22, d21), e23 = f32x4.sub(d21, d23);
        a = v128.load(p + 3 * rowBytes); b = v128.load(p + 3 * rowBytes, 16); a2 = v128.load(p + 3 * rowBytes, 8); b2 = v128.load(p + 3 * rowBytes, 24);
        const d30 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), d31 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        const d32 = v128.shuffle<f32>(a2, b2, 0, 2, 4, 6), d33 = v128.shuffle<f32>(a2, b2, 1, 3, 5, 7);
        const e30 = f32x4.sub(d30, d32), e31 = f32x4.add(d31, d32), e32 = f32x4.sub(d32, d31), e33 = f32x4.sub(d31, d33);
        // then along y: V[4·i + k] = (Bᵀ e)[i][k]
        const q = v + off(c * ld + t0 + ty * TW + tx);
        storeColumn(q, plane, 0, e00, e10, e20, e30);
        storeColumn(q, plane, 1, e01, e11, e21, e31);
        storeColumn(q, plane, 2, e02, e12, e22, e32);
        storeColumn(q, plane, 3, e03, e13, e23, e33);
      }
    }
  }
}

// V[4·i + k] at q (one V[ξ] every `plane` bytes) = (Bᵀ (r0, r1, r2, r3))[i]
@inline function storeColumn(q: usize, plane: usize, k: i32, r0: v128, r1: v128, r2: v128, r3: v128): void {
  v128.store(q + <usize>k * plane, f32x4.sub(r0, r2));
  v128.store(q + <usize>(4 + k) * plane, f32x4.add(r1, r2));
  v128.store(q + <usize>(8 + k) * plane, f32x4.sub(r2, r1));
  v128.store(q + <usize>(12 + k) * plane, f32x4.sub(r1, r3));
}

// out[f][2·ty + i][2·tx + j] = (Aᵀ M A)[i][j] + b[f], cropped to OH × OW; four tiles at a time.
@inline export function outputTransform(m: usize, b: usize, out: usize, edge: usize, FO: i32, OH: i32, OW: i32, TH: i32, TW: i32, t0: i32, ld: i32): void {
  const plane = <usize>FO * ld << 2; // bytes of one M[ξ]
  for (let f = 0; f < FO; f++) {
    const bias = b ? f32x4.splat(load<f32>(b + off(f))) : f32x4.splat(0);
    const outF = out + off(f * OH * OW);
    for (let ty = 0; ty < TH; ty++) {
      for (let tx = 0; tx < TW; tx += 4) {
        const q = m + off(f * ld + t0 + ty * TW + tx);
        // r_i,k = (Aᵀ M)[i][k], then y_ij = (r A)[i][j]
        const r00 = outRow0(q, plane, 0), r01 = outRow0(q, plane, 1), r02 = outRow0(q, plane, 2), r03 = outRow0(q, plane, 3);
        const r10 = outRow1(q, plane, 0), r11 = outRow1(q, plane, 1), r12 = outRow1(q, plane, 2), r13 = outRow1(q, plane, 3);
        let y0 = f32x4.add(f32x4.add(r00, r01), r02), y1 = f32x4.sub(f32x4.sub(r01, r02), r03);
        if (b) { y0 = f32x4.add(y0, bias); y1 = f32x4.add(y1, bias); }
        const cols = min(8, OW - 2 * tx);
        storeOut(outF + off(2 * ty * OW + 2 * tx), y0, y1, cols, edge);
        if (2 * ty + 1 < OH) {
          y0 = f32x4.add(f32x4.add(r10, r11), r12);
          y1 = f32x4.sub(f32x4.sub(r11, r12), r13);
          if (b) { y0 = f32x4.add(y0, bias); y1 = f32x4.add(y1, bias); }
          storeOut(outF + off((2 * ty + 1) * OW + 2 * tx), y0, y1, cols, edge);
        }
      }
    }
  }
}

// (Aᵀ M)[0][k] = (M[k] + M[4 + k]) + M[8 + k]; (Aᵀ M)[1][k] = (M[4 + k] − M[8 + k]) − M[12 + k]
@inline function outRow0(q: usize, plane: usize, k: i32): v128 {
  return f32x4.add(f32x4.add(v128.load(q + <usize>k * plane), v128.load(q + <usize>(4 + k) * plane)), v128.load(q + <usize>(8 + k) * plane));
}
@inline function outRow1(q: usize, plane: usize, k: i32): v128 {
  return f32x4.sub(f32x4.sub(v128.load(q + <usize>(4 + k) * plane), v128.load(q + <usize>(8 + k) * plane)), v128.load(q + <usize>(12 + k) * plane));
}

// Four tiles' two columns (y0: even, y1: odd) interleaved into `cols` (≤ 8) output floats at p.
@inline function storeOut(p: usize, y0: v128, y1: v128, cols: i32, edge: usize): void {
  const lo = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), hi = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7);
  if (cols == 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
    return;
  }
  v128.store(edge, lo);
  v128.store(edge, hi, 16);
  memory.copy(p, edge, off(cols));
}

// dM[ξ][t] (one dM[ξ] every fCount·ld floats) = (A dy Aᵀ)[ξ] of the 2×2 blocks of the plane at p
// (rows Wp floats apart, zero past the output's edges), four tiles (lanes) at a time. The extra
// lanes of a row's last group land where inputTransform's do, and are overwritten the same way.
@inline export function gradientTransform(p: usize, dm: usize, fCount: i32, ld: i32, TH: i32, TW: i32, Wp: i32): void {
  const plane = <usize>fCount * ld << 2;
  for (let ty = 0; ty < TH; ty++) {
    const row = p + off(2 * ty * Wp);
    for (let tx = 0; tx < TW; tx += 4) {
      const r = row + off(2 * tx);
      const u0 = v128.load(r), u1 = v128.load(r, 16), w0 = v128.load(r + off(Wp)), w1 = v128.load(r + off(Wp), 16);
      // the block [a b; c d] of each tile: A dy = [a b; a+c b+d; a−c b−d; −c −d], then each row
      // (p, q) times Aᵀ = [p, p + q, p − q, −q]
      const a = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6), b = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7);
      const c = v128.shuffle<f32>(w0, w1, 0, 2, 4, 6), d = v128.shuffle<f32>(w0, w1, 1, 3, 5, 7);
      const q = dm + off(ty * TW + tx);
      storeGradientRow(q, plane, 0, a, b);
      storeGradientRow(q, plane, 1, f32x4.add(a, c), f32x4.add(b, d));
      storeGradientRow(q, plane, 2, f32x4.sub(a, c), f32x4.sub(b, d));
      storeGradientRow(q, plane, 3, f32x4.neg(c), f32x4.neg(d));
    }
  }
}

@inline function storeGradientRow(q: usize, plane: usize, i: i32, p: v128, r: v128): void {
  v128.store(q + <usize>(4 * i) * plane, p);
  v128.store(q + <usize>(4 * i + 1) * plane, f32x4.add(p, r));
  v128.store(q + <usize>(4 * i + 2) * plane, f32x4.sub(p, r));
  v128.store(q + <usize>(4 * i + 3) * plane, f32x4.neg(r));
}

// dW (count filter-channel pairs, 3 × 3 each) = Gᵀ dU G, from dU (16, count), through 12 floats
// at tmp; Gᵀ's rows [1 ½ ½ 0], [0 ½ −½ 0], [0 ½ ½ 1] are applied as gt0, gt1, gt2.
@inline export function filterFromWinograd(du: usize, dw: usize, count: i32, tmp: usize): void {
  const plane = <usize>count << 2;
  for (let i = 0; i < count; i++) {
    const src = du + off(i), dst = dw + off(9 * i);
    // s (4 × 3) = dU G: row r is Gᵀ applied to dU's row r
    for (let r = 0; r < 4; r++) {
      const m0 = load<f32>(src + <usize>(4 * r) * plane), m1 = load<f32>(src + <usize>(4 * r + 1) * plane);
      const m2 = load<f32>(src + <usize>(4 * r + 2) * plane), m3 = load<f32>(src + <usize>(4 * r + 3) * plane);
      store<f32>(tmp + off(3 * r), gt0(m0, m1, m2));
      store<f32>(tmp + off(3 * r + 1), gt1(m1, m2));
      store<f32>(tmp + off(3 * r + 2), gt2(m1, m2, m3));
    }
    // dW = Gᵀ s, column by column
    for (let j = 0; j < 3; j++) {
      const s0 = load<f32>(tmp + off(j)), s1 = load<f32>(tmp + off(3 + j)), s2 = load<f32>(tmp + off(6 + j)), s3 = load<f32>(tmp + off(9 + j));
      store<f32>(dst + off(j), gt0(s0, s1, s2));
      store<f32>(dst + off(3 + j), gt1(s1, s2));
      store<f32>(dst + off(6 + j), gt2(s1, s2, s3));
    }
  }
}

@inline function gt0(m0: f32, m1: f32, m2: f32): f32 { return m0 + (m1 + m2) * 0.5; }
@inline function gt1(m1: f32, m2: f32): f32 { return (m1 - m2) * 0.5; }
@inline function gt2(m1: f32, m2: f32, m3: f32): f32 { return (m1 + m2) * 0.5 + m3; }
