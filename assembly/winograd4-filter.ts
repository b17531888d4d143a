// The F(4×4, 3×3) transforms of the filter gradient (assembly/winograd-filter.ts): the gradient's
// 4×4 blocks taken to 6×6 by A dy Aᵀ, and dW = Gᵀ dU G; not exported from the module.
// NOTE (rounding): 4 roundings in dM (two per side), 4 in V, one per tile summed and one per chunk
// merged, 8 in Gᵀ dU G (four per side: sums, divisions by 6, 12 or 24; ¼ and 2, 4 are exact):
// |error| ≤ γ(N·T + N + 16)·S, T tiles per sample, S the computation on absolute values.
@inline function off(i: i32): usize { return <usize>i << 2; }

// dM[ξ][t] (one dM[ξ] every fCount·ld floats, ξ = 6·p + q) = (A dy Aᵀ)[p][q] of the 4×4 blocks of
// the plane at src (rows Wp floats apart, zero past the output's edges), four tiles (lanes) at a
// time, (dy Aᵀ) kept in the 24 vectors at tmp. The extra lanes of a row's last group land where
// inputTransform4's do, and are overwritten the same way.
export function gradientTransform4(src: usize, dm: usize, fCount: i32, ld: i32, TH: i32, TW: i32, Wp: i32, tmp: usize): void {
  const plane = <usize>fCount * ld << 2;
  for (let ty = 0; ty < TH; ty++) {
    for (let tx = 0; tx < TW; tx += 4) {
      // row r of each block times Aᵀ: e[r][q], after a 4 × 4 transpose (lanes to tiles)
      for (let r = 0; r < 4; r++) {
        const p = src + off((4 * ty + r) * Wp + 4 * tx);
        const a0 = v128.load(p), a1 = v128.load(p, 16), a2 = v128.load(p, 32), a3 = v128.load(p, 48);
        const s0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), s1 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7);
        const s2 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), s3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
        const d0 = v128.shuffle<f32>(s0, s2, 0, 1, 4, 5), d1 = v128.shuffle<f32>(s0, s2, 2, 3, 6, 7);
        const d2 = v128.shuffle<f32>(s1, s3, 0, 1, 4, 5), d3 = v128.shuffle<f32>(s1, s3, 2, 3, 6, 7);
        storeA(tmp + <usize>(96 * r), 16, d0, d1, d2, d3);
      }
      // then A times each column q
      const q = dm + off(ty * TW + tx);
      for (let k = 0; k < 6; k++) {
        const t = tmp + (<usize>k << 4);
        storeA(q + <usize>k * plane, 6 * plane, v128.load(t), v128.load(t, 96), v128.load(t, 192), v128.load(t, 288));
      }
    }
  }
}

// (A (d0, d1, d2, d3))[p] to dst + p·step, p = 0 … 5; A = (Aᵀ)ᵀ, each value through at most 2 roundings
@inline function storeA(dst: usize, step: usize, d0: v128, d1: v128, d2: v128, d3: v128): void {
  const even = f32x4.add(d0, d2), odd = f32x4.add(d1, d3);
  const even4 = f32x4.add(d0, f32x4.mul(d2, f32x4.splat(4))), odd4 = f32x4.add(d1, f32x4.mul(d3, f32x4.splat(4)));
  v128.store(dst, d0);
  v128.store(dst + step, f32x4.add(even, odd));
  v128.store(dst + 2 * step, f32x4.sub(even, odd));
  v128.store(dst + 3 * step, f32x4.add(even4, f32x4.add(odd4, odd4)));
  v128.store(dst + 4 * step, f32x4.sub(even4, f32x4.add(odd4, odd4)));
  v128.store(dst + 5 * step, d3);
}

// dW (count filter-channel pairs, 3 × 3 each) = Gᵀ dU G, from dU (36, count), four pairs (lanes)
// at a time; Gᵀ's rows are applied as gt0, gt1, gt2.
export function filterFromWinograd4(du: usize, dw: usize, count: i32): void {
  const plane = <usize>count << 2;
  for (let i = 0; i < count; i += 4) {
    const n = min(4, count - i);
    const src = du + off(i);
    // s (6 × 3) = dU G: row r is Gᵀ applied to dU's row r
    let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00, s20 = s00, s21 = s00, s22 = s00;
    let s30 = s00, s31 = s00, s32 = s00, s40 = s00, s41 = s00, s42 = s00, s50 = s00, s51 = s00, s52 = s00;
    for (let r = 0; r < 6; r++) {
      const p = src + <usize>(6 * r) * plane;
      const m0 = v128.load(p), m1 = v128.load(p + plane), m2 = v128.load(p + 2 * plane);
      const m3 = v128.load(p + 3 * plane), m4 = v128.load(p + 4 * plane), m5 = v128.load(p + 5 * plane);
      const a = gt0(m0, m1, m2, m3, m4), b = gt1(m1, m2, m3, m4), c = gt2(m1, m2, m3, m4, m5);
      if (r == 0) { s00 = a; s01 = b; s02 = c; }
      else if (r == 1) { s10 = a; s11 = b; s12 = c; }
      else if (r == 2) { s20 = a; s21 = b; s22 = c; }
      else if (r == 3) { s30 = a; s31 = b; s32 = c; }
      else if (r == 4) { s40 = a; s41 = b; s42 = c; }
      else { s50 = a; s51 = b; s52 = c; }
    }
    // dW = Gᵀ s, column by column; lanes are pairs, 9 floats apart in dW
    const dst = dw + off(9 * i);
    storeLanes(dst, 0, gt0(s00, s10, s20, s30, s40), n);
    storeLanes(dst, 3, gt1(s10, s20, s30, s40), n);
    storeLanes(dst, 6, gt2(s10, s20, s30, s40, s50), n);
    storeLanes(dst, 1, gt0(s01, s11, s21, s31, s41), n);
    storeLanes(dst, 4, gt1(s11, s21, s31, s41), n);
    storeLanes(dst, 7, gt2(s11, s21, s31, s41, s51), n);
    storeLanes(dst, 2, gt0(s02, s12, s22, s32, s42), n);
    storeLanes(dst, 5, gt1(s12, s22, s32, s42), n);
    storeLanes(dst, 8, gt2(s12, s22, s32, s42, s52), n);
  }
}

// Lane l of v to dst + 9·l + j floats, for the first n lanes
@inline function storeLanes(dst: usize, j: i32, v: v128, n: i32): void {
  const p = dst + off(j);
  v128.store32_lane(p, v, 0);
  if (n > 1) v128.store32_lane(p + 36, v, 1);
  if (n > 2) v128.store32_lane(p + 72, v, 2);
  if (n > 3) v128.store32_lane(p + 108, v, 3);
}

// The rows of Gᵀ = [¼ −⅙ −⅙ 1/24 1/24 0; 0 −⅙ ⅙ 1/12 −1/12 0; 0 −⅙ −⅙ ⅙ ⅙ 1]
@inline function gt0(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128): v128 {
  return f32x4.add(f32x4.sub(f32x4.mul(m0, f32x4.splat(0.25)), f32x4.div(f32x4.add(m1, m2), f32x4.splat(6))),
                   f32x4.div(f32x4.add(m3, m4), f32x4.splat(24)));
}
@inline function gt1(m1: v128, m2: v128, m3: v128, m4: v128): v128 {
  return f32x4.add(f32x4.div(f32x4.sub(m2, m1), f32x4.splat(6)), f32x4.div(f32x4.sub(m3, m4), f32x4.splat(12)));
}
@inline function gt2(m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): v128 {
  return f32x4.add(f32x4.div(f32x4.sub(f32x4.add(m3, m4), f32x4.add(m1, m2)), f32x4.splat(6)), m5);
}
