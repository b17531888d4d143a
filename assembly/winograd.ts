// Winograd F(2×2, 3×3) for 3×3, stride-1 convolutions (Lavin & Gray 2016): each 2×2 block of the
// output comes from a 4×4 tile of the (padded) input with 16 multiplications per channel instead of
// 36. With U = G g Gᵀ (the filter), V = Bᵀ d Bᵀᵀ (the input tile) and M = Σ_c U ⊙ V, the block is
// Aᵀ M A. The 16 channel sums are 16 matrix products M[ξ] (FN, tiles) = U[ξ] (FN, C) · V[ξ] (C, tiles).
//
//   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
//
// NOTE (rounding): every value passes through at most 4 roundings in U (two sums of three terms;
// the halving is exact), 2 in V, C in the channel sum (f32_gemm), 4 in Aᵀ M A and 1 for the bias:
// |error| ≤ γ(C + 11)·S, γ(n) = n·u / (1 − n·u), u = 2⁻²⁴, where S is the same computation on the
// absolute values (|Aᵀ| (Σ_c |G||g||Gᵀ| ⊙ |Bᵀ||d||B|) |A| + |b|). test/winograd.test.ts asserts it.
// The direct path's bound is γ(9C + 1)·Σ|w||x|; S is at most 4× that sum's size here.
//
// Every export takes the tile: 4 runs F(4×4, 3×3) (assembly/winograd4.ts) instead, any other value
// F(2×2, 3×3); the filters must have been transformed for the same tile.
//
// Samples are processed in chunks of about TILES tiles, so each product has enough columns; a
// chunk's size depends only on the shapes, and an output element's sum never depends on which
// columns share its product: results are bit-identical for any split of the samples between threads.
import { f32_gemm, f32_gemm_workspace_bytes } from './gemm';
import { field, outSize } from './geometry';
import {
  GEOMETRY_C, GEOMETRY_FN, GEOMETRY_H, GEOMETRY_PAD, GEOMETRY_POOL_H, GEOMETRY_POOL_PAD, GEOMETRY_POOL_STRIDE, GEOMETRY_POOL_W,
  GEOMETRY_RELU, GEOMETRY_TILE, GEOMETRY_W,
} from '../src/backend/conv-layout';
import { f32_maxpool_bwd, f32_maxpool_fwd } from './pool';
import { reluKeepingArgmax } from './conv-parts';
import { chunkSamples, inputTransform, outputTransform, padSample, roundUp, tiles } from './winograd-tiles';
import { chunkSamples4, winograd4, winogradFilter4, winogradScratchBytes4 } from './winograd4';

@inline function off(i: i32): usize { return <usize>i << 2; }

// U (16, FO, CI) from W (FN, C, 3, 3): flip = 0: U[ξ][f][c] = (G W[f, c] Gᵀ)[ξ], FO = FN, CI = C.
// flip = 1 transforms the filters of the backward-data convolution: W[f, c] rotated 180°, placed at
// U[ξ][c][f] (FO = C, CI = FN). For tile 4: U (36, FO, CI), winogradFilter4's. Only U's entries
// [e0, e0 + count) of each U[ξ] (entry f·C + c, or c·FN + f with flip), so that threads can share
// the work.
export function f32_winograd_filter(w: usize, u: usize, FN: i32, C: i32, flip: i32, tile: i32, e0: i32, count: i32): void {
  if (tile == 4) {
    winogradFilter4(w, u, FN, C, flip, e0, e0 + count);
    return;
  }
  const plane = <usize>FN * C << 2; // bytes of one U[ξ]
  for (let e = e0; e < e0 + count; e++) {
    const f = flip ? e % FN : e / C, c = flip ? e / FN : e % C;
    const g = w + off((f * C + c) * 9);
    const d = u + off(e);
    // t = G g (4 × 3), column by column
    const g00 = tap(g, 0, 0, flip), g01 = tap(g, 0, 1, flip), g02 = tap(g, 0, 2, flip);
    const g10 = tap(g, 1, 0, flip), g11 = tap(g, 1, 1, flip), g12 = tap(g, 1, 2, flip);
    const g20 = tap(g, 2, 0, flip), g21 = tap(g, 2, 1, flip), g22 = tap(g, 2, 2, flip);
    const t10 = half(g00, g10, g20), t11 = half(g01, g11, g21), t12 = half(g02, g12, g22);
    const t20 = halfDiff(g00, g10, g20), t21 = halfDiff(g01, g11, g21), t22 = halfDiff(g02, g12, g22);
    // U = t Gᵀ, row by row
    storeRow(d, plane, 0, g00, g01, g02);
    storeRow(d, plane, 1, t10, t11, t12);
    storeRow(d, plane, 2, t20, t21, t22);
    storeRow(d, plane, 3, g20, g21, g22);
  }
}

// g[r, k] of the filter at g, or of its 180° rotation
@inline function tap(g: usize, r: i32, k: i32, flip: i32): f32 {
  return flip ? load<f32>(g + off((2 - r) * 3 + (2 - k))) : load<f32>(g + off(r * 3 + k));
}

// G's middle rows applied to (a, b, c): ((a + c) + b)·½ and ((a + c) − b)·½ (the halving is exact)
@inline function half(a: f32, b: f32, c: f32): f32 { return ((a + c) + b) * 0.5; }
@inline function halfDiff(a: f32, b: f32, c: f32): f32 { return ((a + c) - b) * 0.5; }

// U[4·i + 0…3] at d (one U[ξ] every `plane` bytes) = row i of t times Gᵀ
@inline function storeRow(d: usize, plane: usize, i: i32, a: f32, b: f32, c: f32): void {
  const p = d + <usize>(4 * i) * plane;
  store<f32>(p, a);
  store<f32>(p + plane, half(a, b, c));
  store<f32>(p + 2 * plane, halfDiff(a, b, c));
  store<f32>(p + 3 * plane, c);
}

// out (N, FO, OH, OW) = the 3×3 convolution, stride 1, of x (N, CI, H, W) padded by pad, whose
// filters U are f32_winograd_filter's, + b[f] (b = 0: no bias); OH = H + 2·pad − 2.
export function f32_winograd_fwd(x: usize, u: usize, b: usize, out: usize, scratch: usize, N: i32, g: usize): void {
  const CI = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FO = field(g, GEOMETRY_FN),
    pad = field(g, GEOMETRY_PAD), tile = field(g, GEOMETRY_TILE);
  convolve(x, u, b, out, scratch, N, CI, H, W, FO, pad, tile);
}

@inline function convolve(x: usize, u: usize, b: usize, out: usize, scratch: usize, N: i32, CI: i32, H: i32, W: i32,
                          FO: i32, pad: i32, tile: i32): void {
  if (tile == 4) winograd4(x, u, b, out, scratch, N, CI, H, W, FO, pad);
  else winograd(x, u, b, out, scratch, N, CI, H, W, FO, pad);
}

// Samples per chunk of a convolution whose output is OH × OW.
@inline function samplesPerChunk(OH: i32, OW: i32, tile: i32): i32 {
  return tile == 4 ? chunkSamples4(OH, OW) : chunkSamples(tiles(OH) * tiles(OW));
}

// f32_winograd_fwd, then a max pooling of PH × PW at poolStride with poolPad over each chunk's output
// (kept in scratch, never written out) and, with relu = 1, a ReLU: y and argmax as
// f32_conv_maxpool_fwd gives them for the same convolution output.
export function f32_winograd_maxpool_fwd(x: usize, u: usize, b: usize, y: usize, argmax: usize, scratch: usize,
                                         N: i32, g: usize): void {
  const CI = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FO = field(g, GEOMETRY_FN),
    pad = field(g, GEOMETRY_PAD), PH = field(g, GEOMETRY_POOL_H), PW = field(g, GEOMETRY_POOL_W),
    poolStride = field(g, GEOMETRY_POOL_STRIDE), poolPad = field(g, GEOMETRY_POOL_PAD), relu = field(g, GEOMETRY_RELU),
    tile = field(g, GEOMETRY_TILE);
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const nb = samplesPerChunk(OH, OW, tile);
  const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
  const planes = scratch + <usize>f32_winograd_scratch_bytes(CI, H, W, FO, pad, tile);
  for (let n0 = 0; n0 < N; n0 += nb) {
    const count = min(nb, N - n0);
    convolve(x + <usize>n0 * off(CI * H * W), u, b, planes, scratch, count, CI, H, W, FO, pad, tile);
    const o = <usize>n0 * off(FO * pooled);
    f32_maxpool_fwd(planes, y + o, argmax + o, count, FO, OH, OW, PH, PW, poolStride, poolPad);
    if (relu) reluKeepingArgmax(y + o, argmax + o, count * FO * pooled);
  }
}

// dx (N, C, H, W) of f32_winograd_maxpool_fwd's convolution (C, H, W, FN and pad are its), from the
// pooling's dy and argmax: per chunk of samples, the convolution's gradient rebuilt in scratch
// (f32_maxpool_bwd), then its dx by Winograd with the filters f32_winograd_filter gave with flip = 1.
export function f32_maxpool_winograd_bwd_data(u: usize, dy: usize, argmax: usize, dx: usize, scratch: usize,
                                              N: i32, g: usize): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    pad = field(g, GEOMETRY_PAD), PH = field(g, GEOMETRY_POOL_H), PW = field(g, GEOMETRY_POOL_W),
    poolStride = field(g, GEOMETRY_POOL_STRIDE), poolPad = field(g, GEOMETRY_POOL_PAD), tile = field(g, GEOMETRY_TILE);
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const nb = samplesPerChunk(H, W, tile);
  const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
  const planes = scratch + <usize>f32_winograd_scratch_bytes(FN, OH, OW, C, 2 - pad, tile);
  for (let n0 = 0; n0 < N; n0 += nb) {
    const count = min(nb, N - n0);
    const o = <usize>n0 * off(FN * pooled);
    f32_maxpool_bwd(dy + o, argmax + o, planes, count, FN, OH, OW, PH, PW, poolStride, poolPad);
    convolve(planes, u, 0, dx + <usize>n0 * off(C * H * W), scratch, count, FN, OH, OW, C, 2 - pad, tile);
  }
}

// Bytes of scratch the pooled passes need, called with the arguments their Winograd convolution
// gets (the forward's; for dx: FN, OH, OW, C, 2 − pad): f32_winograd_scratch_bytes', then a chunk
// of that convolution's outputs or inputs.
export function f32_winograd_pooled_scratch_bytes(CI: i32, H: i32, W: i32, FO: i32, pad: i32, tile: i32): i32 {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const nb = samplesPerChunk(OH, OW, tile);
  return f32_winograd_scratch_bytes(CI, H, W, FO, pad, tile) + ((nb * max(CI * H * W, FO * OH * OW)) << 2);
}

@inline function winograd(x: usize, u: usize, b: usize, out: usize, scratch: usize, N: i32, CI: i32, H: i32, W: i32,
                          FO: i32, pad: i32): void {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const TH = tiles(OH), TW = tiles(OW), T = TH * TW;
  const nb = chunkSamples(T), ld = nb * T + 4;
  const Hp = 2 * TH + 2, Wp = 2 * roundUp(TW, 4) + 2;
  const padded = scratch;
  const v = padded + off(CI * Hp * Wp);
  const m = v + off(16 * CI * ld);
  const edge = m + off(16 * FO * ld);
  const work = edge + 32;
  for (let n0 = 0; n0 < N; n0 += nb) {
    const count = min(nb, N - n0);
    for (let s = 0; s < count; s++) {
      padSample(x + <usize>(n0 + s) * off(CI * H * W), padded, CI, H, W, pad, Hp, Wp);
      inputTransform(padded, v, CI, Hp, Wp, TH, TW, s * T, ld);
    }
    for (let xi = 0; xi < 16; xi++) {
      f32_gemm(0, 0, FO, count * T, CI, 1, u + off(xi * FO * CI), CI, v + off(xi * CI * ld), ld, 0, m + off(xi * FO * ld), ld, work);
    }
    for (let s = 0; s < count; s++) {
      outputTransform(m, b, out + <usize>(n0 + s) * off(FO * OH * OW), edge, FO, OH, OW, TH, TW, s * T, ld);
    }
  }
}

// Bytes of scratch f32_winograd_fwd needs: a padded sample, V and M of a chunk, the GEMM's workspace.
export function f32_winograd_scratch_bytes(CI: i32, H: i32, W: i32, FO: i32, pad: i32, tile: i32): i32 {
  if (tile == 4) return winogradScratchBytes4(CI, H, W, FO, pad);
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const TH = tiles(OH), TW = tiles(OW), T = TH * TW;
  const nb = chunkSamples(T), ld = nb * T + 4;
  const Hp = 2 * TH + 2, Wp = 2 * roundUp(TW, 4) + 2;
  return ((CI * Hp * Wp + 16 * CI * ld + 16 * FO * ld) << 2) + 32 + f32_gemm_workspace_bytes(FO, nb * T, CI);
}
