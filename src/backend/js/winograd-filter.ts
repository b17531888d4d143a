// Twin of assembly/winograd-filter.ts: the filter gradient tile by tile in float64 (rounded once
// when stored), dU summed over every sample and tile, then Gᵀ dU G; F(2×2) or F(4×4) by `tile`.
import { readGeometry } from '../conv-geometry.js';
import { outSize } from './im2col.js';
import type { Heap, KernelPart } from './part.js';
import { poolKernels } from './pool.js';
import { F2, F4, inputTile } from './winograd.js';

export function winogradFilterKernels(heap: Heap) {
  const { f32_maxpool_bwd: maxpoolBwd } = poolKernels(heap);
  // The filter gradient of filters [f0, f0 + fCount), whose gradient planes for sample n start at
  // doutOf(n) (fCount planes of OH × OW).
  function filterGradient(x: number, doutOf: (n: number) => number, dw: number, db: number, N: number, C: number, H: number, W: number,
                          pad: number, f0: number, fCount: number, tile: number): void {
    const t = tile === 4 ? F4 : F2, { m: mt, n: nt, AT, G } = t, n2 = nt * nt;
    const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
    const dU = new Float64Array(fCount * C * n2), sums = new Float64Array(fCount);
    const V = new Float64Array(n2 * C), dm = new Float64Array(n2);
    for (let n = 0; n < N; n++) {
      const h = heap();
      const xn = (x >> 2) + n * C * H * W, dn = doutOf(n) >> 2;
      for (let f = 0; f < fCount; f++) for (let i = 0; i < OH * OW; i++) sums[f] += h[dn + f * OH * OW + i]!;
      for (let oy = 0; oy < OH; oy += mt) {
        for (let ox = 0; ox < OW; ox += mt) {
          inputTile(h, xn, C, H, W, oy - pad, ox - pad, V, t);
          for (let f = 0; f < fCount; f++) {
            // the block of dout (zeros past its edges), then A block Aᵀ
            const at = (i: number, j: number) => (oy + i < OH && ox + j < OW ? h[dn + (f * OH + oy + i) * OW + ox + j]! : 0);
            for (let p = 0; p < nt; p++) {
              for (let q = 0; q < nt; q++) {
                let v = 0;
                for (let i = 0; i < mt; i++) for (let j = 0; j < mt; j++) v += AT[i]![p]! * at(i, j) * AT[j]![q]!;
                dm[nt * p + q] = v;
              }
            }
            for (let c = 0; c < C; c++) for (let xi = 0; xi < n2; xi++) dU[(f * C + c) * n2 + xi] += dm[xi]! * V[xi * C + c]!;
          }
        }
      }
    }
    const h = heap();
    for (let f = 0; f < fCount; f++) {
      h[(db >> 2) + f0 + f] = sums[f]!;
      for (let c = 0; c < C; c++) {
        const u = dU.subarray((f * C + c) * n2, (f * C + c + 1) * n2);
        const dst = (dw >> 2) + ((f0 + f) * C + c) * 9;
        // Gᵀ dU G: row a of Gᵀ is row a of G's transpose
        for (let r = 0; r < 3; r++) {
          for (let k = 0; k < 3; k++) {
            let v = 0;
            for (let i = 0; i < nt; i++) for (let j = 0; j < nt; j++) v += G[i]![r]! * u[nt * i + j]! * G[j]![k]!;
            h[dst + r * 3 + k] = v;
          }
        }
      }
    }
  }

  return {
    // dU[f][c] = Σ over samples and tiles of (A dy Aᵀ) ⊙ (Bᵀ d B) in float64, then dW = Gᵀ dU G
    f32_winograd_bwd_filter(x, dout, dw, db, _scratch, N, g, f0, fCount) {
      const { C, H, W, FN, pad, tile } = readGeometry(heap().buffer, g);
      filterGradient(x, (n) => dout + (n * FN + f0) * (H + 2 * pad - 2) * (W + 2 * pad - 2) * 4, dw, db, N, C, H, W, pad, f0, fCount, tile);
    },
    f32_maxpool_winograd_bwd_filter(x, dy, argmax, dw, db, scratch, N, g, f0, fCount) {
      const { C, H, W, FN, pad, poolH: PH, poolW: PW, poolStride, poolPad, tile } = readGeometry(heap().buffer, g);
      const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
      const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
      filterGradient(x, (n) => {
        const o = (n * FN + f0) * pooled * 4;
        maxpoolBwd(dy + o, argmax + o, scratch, 1, fCount, OH, OW, PH, PW, poolStride, poolPad);
        return scratch;
      }, dw, db, N, C, H, W, pad, f0, fCount, tile);
    },
    f32_winograd_bwd_filter_scratch_bytes(C, H, W, FN, pad) {
      return FN * (H + 2 * pad - 2) * (W + 2 * pad - 2) * 4; // the pooled pass's rebuilt gradient
    },
  } satisfies KernelPart;
}
