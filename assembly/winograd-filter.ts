// The filter gradient of a 3×3, stride-1 convolution by Winograd F(2×2, 3×3) (assembly/winograd.ts):
// the forward pass's V of each input tile, the gradient's 2×2 blocks taken back to 4×4 by A dy Aᵀ,
// their products summed over the tiles of every sample (16 matrix products), then Gᵀ dU G.
import { addChannel, storeChannelSums } from './conv-parts';
import { f32_gemm, f32_gemm_workspace_bytes } from './gemm';
import { outSize } from './geometry';
import { f32_maxpool_bwd } from './pool';
import { chunkSamples, filterFromWinograd, gradientTransform, inputTransform, padSample, roundUp, tiles } from './winograd-tiles';

@inline function off(i: i32): usize { return <usize>i << 2; }

// dW[f0 : f0 + fCount] (FN, C, 3, 3) and db[f0 : f0 + fCount] of the convolution of x (N, C, H, W)
// padded by pad, from its gradient dout (N, FN, OH, OW): dU[ξ] (fCount, C) = Σ_tiles dM[ξ] · V[ξ]ᵀ with
// dM = A dy Aᵀ of each 2×2 block of dout (zeros past its edges), then dW = Gᵀ dU G. db is
// f32_conv_bwd_filter's, bit for bit. Threads split the filters, so every sum runs over the
// samples in the same order as on one thread.
// NOTE (rounding): 2 roundings in dM, 2 in V, one per tile summed and one per chunk merged, 4 in
// Gᵀ dU G: |error| ≤ γ(N·T + N + 8)·S, T tiles per sample, S the computation on absolute values.
export function f32_winograd_bwd_filter(x: usize, dout: usize, dw: usize, db: usize, scratch: usize, N: i32, C: i32, H: i32, W: i32,
                                        FN: i32, pad: i32, f0: i32, fCount: i32): void {
  filterGradient(x, dout, 0, dw, db, scratch, N, C, H, W, FN, pad, 0, 0, 0, 0, f0, fCount);
}

// f32_winograd_bwd_filter where the convolution was followed by a max pooling: dy and argmax are
// the pooling's, and each sample's dout planes [f0, f0 + fCount) are rebuilt from them in scratch.
export function f32_maxpool_winograd_bwd_filter(x: usize, dy: usize, argmax: usize, dw: usize, db: usize, scratch: usize, N: i32, C: i32, H: i32, W: i32,
                                                FN: i32, pad: i32, PH: i32, PW: i32, poolStride: i32, poolPad: i32, f0: i32, fCount: i32): void {
  filterGradient(x, dy, argmax, dw, db, scratch, N, C, H, W, FN, pad, PH, PW, poolStride, poolPad, f0, fCount);
}

// Bytes of scratch the two passes above need.
export function f32_winograd_bwd_filter_scratch_bytes(C: i32, H: i32, W: i32, FN: i32, pad: i32): i32 {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const TH = tiles(OH), TW = tiles(OW), T = TH * TW;
  const nb = chunkSamples(T), ld = nb * T + 4;
  const Hp = 2 * TH + 2, Wp = 2 * roundUp(TW, 4) + 2;
  const floats = C * Hp * Wp + 16 * C * ld + 16 * FN * ld + 2 * TH * Wp + FN * OH * OW + 16 * FN * C + 5 * FN;
  return (floats << 2) + 48 + f32_gemm_workspace_bytes(FN, C, nb * T);
}

@inline function filterGradient(x: usize, dout: usize, argmax: usize, dw: usize, db: usize, scratch: usize, N: i32, C: i32, H: i32, W: i32,
                                FN: i32, pad: i32, PH: i32, PW: i32, poolStride: i32, poolPad: i32, f0: i32, fCount: i32): void {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const TH = tiles(OH), TW = tiles(OW), T = TH * TW;
  const nb = chunkSamples(T), ld = nb * T + 4;
  const Hp = 2 * TH + 2, Wp = 2 * roundUp(TW, 4) + 2;
  const pooled = argmax ? outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad) : 0;
  const padded = scratch;
  const v = padded + off(C * Hp * Wp);
  const dm = v + off(16 * C * ld);
  const dyPlane = dm + off(16 * FN * ld); // one plane of dout, zero past its edges: 2·TH rows of Wp
  const rebuilt = dyPlane + off(2 * TH * Wp);
  const du = rebuilt + off(FN * OH * OW);
  const sums = du + off(16 * FN * C);
  const tmp = sums + off(5 * FN);
  const work = tmp + 48;
  memory.fill(sums, 0, off(5 * fCount));
  for (let n0 = 0; n0 < N; n0 += nb) {
    const count = min(nb, N - n0);
    for (let s = 0; s < count; s++) {
      const n = n0 + s;
      padSample(x + <usize>n * off(C * H * W), padded, C, H, W, pad, Hp, Wp);
      inputTransform(padded, v, C, Hp, Wp, TH, TW, s * T, ld);
      let doutN = dout + off((n * FN + f0) * OH * OW);
      if (argmax) {
        const o = off((n * FN + f0) * pooled);
        f32_maxpool_bwd(dout + o, argmax + o, rebuilt, 1, fCount, OH, OW, PH, PW, poolStride, poolPad);
        doutN = rebuilt;
      }
      for (let f = 0; f < fCount; f++) {
        const plane = doutN + <usize>f * off(OH * OW);
        addChannel(plane, OH * OW, sums + off(5 * f));
        padSample(plane, dyPlane, 1, OH, OW, 0, 2 * TH, Wp);
        gradientTransform(dyPlane, dm + off(f * ld + s * T), fCount, ld, TH, TW, Wp);
      }
    }
    // dU[ξ] (+)= dM[ξ] (fCount, count·T) · V[ξ]ᵀ (count·T, C)
    const beta: f32 = n0 > 0 ? 1 : 0;
    for (let xi = 0; xi < 16; xi++) {
      f32_gemm(0, 1, fCount, C, count * T, 1, dm + off(xi * fCount * ld), ld, v + off(xi * C * ld), ld, beta, du + off(xi * fCount * C), C, work);
    }
  }
  storeChannelSums(sums, db + off(f0), fCount);
  filterFromWinograd(du, dw + off(f0 * C * 9), fCount * C, tmp);
}
