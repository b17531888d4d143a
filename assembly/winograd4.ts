// Winograd F(4×4, 3×3) for 3×3, stride-1 convolutions (Lavin & Gray 2016), the larger tile of
// assembly/winograd.ts: each 4×4 block of the output comes from a 6×6 tile of the input with 36
// multiplications per channel instead of 144 (F(2×2): 64), in 36 matrix products
// M[ξ] (FO, tiles) = U[ξ] (FO, CI) · V[ξ] (CI, tiles), then Aᵀ M A. Interpolation points 0, ±1, ±2:
//
//   G = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
//
// NOTE (rounding): every value passes through at most 6 roundings in U (per side two sums and one
// division by 6 or 24; ¼ and the factors 2, 4, 8 are exact), 4 in V, C in the channel sum
// (f32_gemm), 6 in Aᵀ M A and 1 for the bias: |error| ≤ γ(C + 17)·S, γ(n) = n·u / (1 − n·u),
// u = 2⁻²⁴, S the same computation on absolute values (|Aᵀ| (Σ_c |G||g||Gᵀ| ⊙ |Bᵀ||d||B|) |A| + |b|).
// S is larger than F(2×2)'s (Bᵀ's and Aᵀ's entries reach 5 and 8): on random data the errors are
// about 10× F(2×2)'s. test/winograd.test.ts asserts the bound.
//
// Chunks of samples as in assembly/winograd.ts: a chunk's size depends only on the shapes, so results
// are bit-identical for any split of the samples between threads.
import { f32_gemm, f32_gemm_workspace_bytes } from './gemm';
import { inputTransform4, outputTransform4, rowFloats4, storePart, tiles4 } from './winograd4-tiles';

// Tiles per chunk of samples, the columns of each product. NOTE: against 64, the 16→16 28×28
// forward ran 1.10× faster (98 tiles a product instead of 49); 256 was slower.
const TILES = 128;

@inline function off(i: i32): usize { return <usize>i << 2; }

// Samples per chunk for an output of OH × OW.
@inline export function chunkSamples4(OH: i32, OW: i32): i32 { return max(1, TILES / (tiles4(OH) * tiles4(OW))); }

// U (36, FO, CI) from W (FN, C, 3, 3) as f32_winograd_filter gives it for F(2×2) (flip: the filters
// of the backward-data convolution, U[ξ][c][f] from W[f, c] rotated 180°), four filters (lanes) at
// a time: those of U's entries q … q + 3 in each U[ξ].
// NOTE: one filter at a time took 2.4 ms of DeepConvNet's 80 ms step (16 000 filters, 24 divisions each).
// Entries [q0, qEnd) only.
export function winogradFilter4(w: usize, u: usize, FN: i32, C: i32, flip: i32, q0: i32, qEnd: i32): void {
  const plane = <usize>FN * C << 2; // bytes of one U[ξ]
  for (let q = q0; q < qEnd; q += 4) {
    const n = min(4, qEnd - q);
    // lanes past the last filter repeat it; they are not stored
    const s0 = source(w, q, FN, C, flip), s1 = source(w, q + min(1, n - 1), FN, C, flip);
    const s2 = source(w, q + min(2, n - 1), FN, C, flip), s3 = source(w, q + min(3, n - 1), FN, C, flip);
    const g00 = taps(s0, s1, s2, s3, 0, 0, flip), g01 = taps(s0, s1, s2, s3, 0, 1, flip), g02 = taps(s0, s1, s2, s3, 0, 2, flip);
    const g10 = taps(s0, s1, s2, s3, 1, 0, flip), g11 = taps(s0, s1, s2, s3, 1, 1, flip), g12 = taps(s0, s1, s2, s3, 1, 2, flip);
    const g20 = taps(s0, s1, s2, s3, 2, 0, flip), g21 = taps(s0, s1, s2, s3, 2, 1, flip), g22 = taps(s0, s1, s2, s3, 2, 2, flip);
    // row i of t = G g (6 × 3), then row i of U = t Gᵀ
    for (let i = 0; i < 6; i++) {
      const a = gRow(i, g00, g10, g20), b = gRow(i, g01, g11, g21), e = gRow(i, g02, g12, g22);
      const d = u + off(q) + <usize>(6 * i) * plane;
      for (let j = 0; j < 6; j++) storePart(d + <usize>j * plane, gRow(j, a, b, e), n);
    }
  }
}

// The filter whose transform is U's entry q: W[q / C, q % C], or for flip W[q % FN, q / FN]
@inline function source(w: usize, q: i32, FN: i32, C: i32, flip: i32): usize {
  return w + off(9 * (flip ? (q % FN) * C + q / FN : q));
}

// g[r, k] of the four filters, or of their 180° rotations
@inline function taps(s0: usize, s1: usize, s2: usize, s3: usize, r: i32, k: i32, flip: i32): v128 {
  const o = off(flip ? (2 - r) * 3 + (2 - k) : r * 3 + k);
  let v = f32x4.splat(load<f32>(s0 + o));
  v = f32x4.replace_lane(v, 1, load<f32>(s1 + o));
  v = f32x4.replace_lane(v, 2, load<f32>(s2 + o));
  return f32x4.replace_lane(v, 3, load<f32>(s3 + o));
}

// Row i of G times (a, b, c)
@inline function gRow(i: i32, a: v128, b: v128, c: v128): v128 {
  switch (i) {
    case 0: return f32x4.mul(a, f32x4.splat(0.25));
    case 1: return f32x4.div(f32x4.add(f32x4.add(a, c), b), f32x4.splat(-6));
    case 2: return f32x4.div(f32x4.sub(f32x4.add(a, c), b), f32x4.splat(-6));
    case 3: return f32x4.div(f32x4.add(f32x4.add(a, f32x4.mul(c, f32x4.splat(4))), f32x4.add(b, b)), f32x4.splat(24));
    case 4: return f32x4.div(f32x4.sub(f32x4.add(a, f32x4.mul(c, f32x4.splat(4))), f32x4.add(b, b)), f32x4.splat(24));
    default: return c;
  }
}

// out (N, FO, OH, OW) = the 3×3 convolution, stride 1, of x (N, CI, H, W) padded by pad, whose
// filters U are winogradFilter4's, + b[f] (b = 0: no bias); OH = H + 2·pad − 2.
export function winograd4(x: usize, u: usize, b: usize, out: usize, scratch: usize, N: i32, CI: i32, H: i32, W: i32,
                          FO: i32, pad: i32): void {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const TH = tiles4(OH), TW = tiles4(OW), T = TH * TW;
  const nb = chunkSamples4(OH, OW), ld = nb * T + 4;
  const rows = scratch, Wp = rowFloats4(TW);
  const zero = rows + off(6 * Wp);
  const v = zero + off(W + 4 & ~3);
  const m = v + off(36 * CI * ld);
  const tmp = m + off(36 * FO * ld);
  const work = tmp + 384;
  memory.fill(rows, 0, off(6 * Wp + W));
  for (let n0 = 0; n0 < N; n0 += nb) {
    const count = min(nb, N - n0);
    for (let s = 0; s < count; s++) {
      inputTransform4(x + <usize>(n0 + s) * off(CI * H * W), v, CI, H, W, pad, TH, TW, s * T, ld, rows, zero);
    }
    for (let xi = 0; xi < 36; xi++) {
      f32_gemm(0, 0, FO, count * T, CI, 1, u + off(xi * FO * CI), CI, v + off(xi * CI * ld), ld, 0, m + off(xi * FO * ld), ld, work);
    }
    for (let s = 0; s < count; s++) {
      outputTransform4(m, b, out + <usize>(n0 + s) * off(FO * OH * OW), tmp, FO, OH, OW, TH, TW, s * T, ld);
    }
  }
}

// Bytes of scratch winograd4 needs: the combined rows and a zero row, V and M of a chunk, the
// output transform's 24 vectors, the GEMM's workspace.
export function winogradScratchBytes4(CI: i32, H: i32, W: i32, FO: i32, pad: i32): i32 {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const T = tiles4(OH) * tiles4(OW), ld = chunkSamples4(OH, OW) * T + 4;
  return ((6 * rowFloats4(tiles4(OW)) + (W + 4 & ~3) + 36 * CI * ld + 36 * FO * ld) << 2) + 384 +
    f32_gemm_workspace_bytes(FO, chunkSamples4(OH, OW) * T, CI);
}
