// The filter gradient of a 3×3, stride-1 convolution by Winograd F(2×2, 3×3) (assembly/winograd.ts),
// or F(4×4, 3×3) for tile = 4 (assembly/winograd4.ts, winograd4-filter.ts): the forward pass's V of
// each input tile, the gradient's 2×2 (4×4) blocks taken back to 4×4 (6×6) by A dy Aᵀ, their
// products summed over the tiles of every sample (16 or 36 matrix products), then Gᵀ dU G.
import { addChannel, storeChannelSums } from './conv-parts';
import { f32_gemm, f32_gemm_workspace_bytes } from './gemm';
import { field, outSize } from './geometry';
import {
  GEOMETRY_C, GEOMETRY_FN, GEOMETRY_H, GEOMETRY_PAD, GEOMETRY_POOL_H, GEOMETRY_POOL_PAD, GEOMETRY_POOL_STRIDE, GEOMETRY_POOL_W,
  GEOMETRY_TILE, GEOMETRY_W,
} from '../src/backend/conv-layout';
import { f32_maxpool_bwd } from './pool';
import { chunkSamples, filterFromWinograd, gradientTransform, inputTransform, padSample, roundUp, tiles } from './winograd-tiles';
import { chunkSamples4 } from './winograd4';
import { filterFromWinograd4, gradientTransform4 } from './winograd4-filter';
import { inputTransform4, rowFloats4, tiles4 } from './winograd4-tiles';

@inline function off(i: i32): usize { return <usize>i << 2; }

// dW[f0 : f0 + fCount] (FN, C, 3, 3) and db[f0 : f0 + fCount] of the convolution of x (N, C, H, W)
// padded by pad, from its gradient dout (N, FN, OH, OW): dU[ξ] (fCount, C) = Σ_tiles dM[ξ] · V[ξ]ᵀ with
// dM = A dy Aᵀ of each 2×2 block of dout (zeros past its edges), then dW = Gᵀ dU G. db is
// f32_conv_bwd_filter's, bit for bit. Threads split the filters, so every sum runs over the
// samples in the same order as on one thread.
// NOTE (rounding): 2 roundings in dM, 2 in V, one per tile summed and one per chunk merged, 4 in
// Gᵀ dU G: |error| ≤ γ(N·T + N + 8)·S, T tiles per sample, S the computation on absolute values
// (F(4×4): assembly/winograd4-filter.ts).
export function f32_winograd_bwd_filter(x: usize, dout: usize, dw: usize, db: usize, scratch: usize,
                                        N: i32, g: usize, f0: i32, fCount: i32): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    pad = field(g, GEOMETRY_PAD), tile = field(g, GEOMETRY_TILE);
  filterGradient(x, dout, 0, dw, db, scratch, N, C, H, W, FN, pad, 0, 0, 0, 0, f0, fCount, tile);
}

// f32_winograd_bwd_filter where the convolution was followed by a max pooling: dy and argmax are
// the pooling's, and each sample's dout planes [f0, f0 + fCount) are rebuilt from them in scratch.
export function f32_maxpool_winograd_bwd_filter(x: usize, dy: usize, argmax: usize, dw: usize, db: usize, scratch: usize,
                                                N: i32, g: usize, f0: i32, fCount: i32): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    pad = field(g, GEOMETRY_PAD), PH = field(g, GEOMETRY_POOL_H), PW = field(g, GEOMETRY_POOL_W),
    poolStride = field(g, GEOMETRY_POOL_STRIDE), poolPad = field(g, GEOMETRY_POOL_PAD), tile = field(g, GEOMETRY_TILE);
  filterGradient(x, dy, argmax, dw, db, scratch, N, C, H, W, FN, pad, PH, PW, poolStride, poolPad, f0, fCount, tile);
}

// The tiling of a filter gradient by tile m (2 or 4 outputs a side): tiles along an output side,
// samples per chunk, floats of the input's scratch (F(2×2)'s padded copy; F(4×4)'s combined rows
// and a zero row), and the rows and columns of one plane of dout (zero past its edges).
@inline function tilesOf(out: i32, m: i32): i32 { return m == 4 ? tiles4(out) : tiles(out); }
@inline function chunkOf(OH: i32, OW: i32, m: i32): i32 { return m == 4 ? chunkSamples4(OH, OW) : chunkSamples(tiles(OH) * tiles(OW)); }
@inline function inputFloats(C: i32, W: i32, TH: i32, TW: i32, m: i32): i32 {
  return m == 4 ? 6 * rowFloats4(TW) + (W + 4 & ~3) : C * (2 * TH + 2) * (2 * roundUp(TW, 4) + 2);
}
@inline function dyColumns(TW: i32, m: i32): i32 { return m == 4 ? 4 * roundUp(TW, 4) : 2 * roundUp(TW, 4) + 2; }

// Bytes of scratch the two passes above need.
export function f32_winograd_bwd_filter_scratch_bytes(C: i32, H: i32, W: i32, FN: i32, pad: i32, tile: i32): i32 {
  const m = tile == 4 ? 4 : 2, planes = (m + 2) * (m + 2);
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const TH = tilesOf(OH, m), TW = tilesOf(OW, m), T = TH * TW;
  const nb = chunkOf(OH, OW, m), ld = nb * T + 4;
  const floats = inputFloats(C, W, TH, TW, m) + planes * C * ld + planes * FN * ld + m * TH * dyColumns(TW, m) + FN * OH * OW + planes * FN * C + 5 * FN;
  return (floats << 2) + 384 + f32_gemm_workspace_bytes(FN, C, nb * T);
}

@inline function filterGradient(x: usize, dout: usize, argmax: usize, dw: usize, db: usize, scratch: usize, N: i32, C: i32, H: i32, W: i32,
                                FN: i32, pad: i32, PH: i32, PW: i32, poolStride: i32, poolPad: i32, f0: i32, fCount: i32, tile: i32): void {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const four = tile == 4, m = four ? 4 : 2, planes = (m + 2) * (m + 2);
  const TH = tilesOf(OH, m), TW = tilesOf(OW, m), T = TH * TW;
  const nb = chunkOf(OH, OW, m), ld = nb * T + 4;
  const Hp = 2 * TH + 2, Wp = 2 * roundUp(TW, 4) + 2; // F(2×2)'s padded copy
  const Dh = m * TH, Dw = dyColumns(TW, m), inputBytes = off(inputFloats(C, W, TH, TW, m));
  const pooled = argmax ? outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad) : 0;
  const input = scratch;
  const v = input + inputBytes;
  const dm = v + off(planes * C * ld);
  const dyPlane = dm + off(planes * FN * ld);
  const rebuilt = dyPlane + off(Dh * Dw); // one plane of dout, zero past its edges
  const du = rebuilt + off(FN * OH * OW);
  const sums = du + off(planes * FN * C);
  const tmp = sums + off(5 * FN);
  const work = tmp + 384;
  memory.fill(sums, 0, off(5 * fCount));
  if (four) memory.fill(input, 0, inputBytes);
  for (let n0 = 0; n0 < N; n0 += nb) {
    const count = min(nb, N - n0);
    for (let s = 0; s < count; s++) {
      const n = n0 + s;
      if (four) {
        inputTransform4(x + <usize>n * off(C * H * W), v, C, H, W, pad, TH, TW, s * T, ld, input, input + off(6 * rowFloats4(TW)));
      } else {
        padSample(x + <usize>n * off(C * H * W), input, C, H, W, pad, Hp, Wp);
        inputTransform(input, v, C, Hp, Wp, TH, TW, s * T, ld);
      }
      let doutN = dout + off((n * FN + f0) * OH * OW);
      if (argmax) {
        const o = off((n * FN + f0) * pooled);
        f32_maxpool_bwd(dout + o, argmax + o, rebuilt, 1, fCount, OH, OW, PH, PW, poolStride, poolPad);
        doutN = rebuilt;
      }
      for (let f = 0; f < fCount; f++) {
        const plane = doutN + <usize>f * off(OH * OW);
        addChannel(plane, OH * OW, sums + off(5 * f));
        padSample(plane, dyPlane, 1, OH, OW, 0, Dh, Dw);
        if (four) gradientTransform4(dyPlane, dm + off(f * ld + s * T), fCount, ld, TH, TW, Dw, tmp);
        else gradientTransform(dyPlane, dm + off(f * ld + s * T), fCount, ld, TH, TW, Dw);
      }
    }
    // dU[ξ] (+)= dM[ξ] (fCount, count·T) · V[ξ]ᵀ (count·T, C)
    const beta: f32 = n0 > 0 ? 1 : 0;
    for (let xi = 0; xi < planes; xi++) {
      f32_gemm(0, 1, fCount, C, count * T, 1, dm + off(xi * fCount * ld), ld, v + off(xi * C * ld), ld, beta, du + off(xi * fCount * C), C, work);
    }
  }
  storeChannelSums(sums, db + off(f0), fCount);
  if (four) filterFromWinograd4(du, dw + off(f0 * C * 9), fCount * C);
  else filterFromWinograd(du, dw + off(f0 * C * 9), fCount * C, tmp);
}
