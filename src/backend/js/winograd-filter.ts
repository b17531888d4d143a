// Twin of assembly/winograd-filter.ts: the filter gradient tile by tile in float64 (rounded once
// when stored), dU summed over every sample and tile, then Gᵀ dU G.
import { outSize } from './im2col.js';
import type { Heap, KernelPart } from './part.js';
import { poolKernels } from './pool.js';
import { G, inputTile } from './winograd.js';

export function winogradFilterKernels(heap: Heap) {
  const { f32_maxpool_bwd: maxpoolBwd } = poolKernels(heap);
  // The filter gradient of filters [f0, f0 + fCount), whose gradient planes for sample n start at
  // doutOf(n) (fCount planes of OH × OW).
  function filterGradient(x: number, doutOf: (n: number) => number, dw: number, db: number, N: number, C: number, H: number, W: number,
                          pad: number, f0: number, fCount: number): void {
    const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
    const dU = new Float64Array(fCount * C * 16), sums = new Float64Array(fCount);
    const V = new Float64Array(16 * C), dm = new Float64Array(16);
    for (let n = 0; n < N; n++) {
      const h = heap();
      const xn = (x >> 2) + n * C * H * W, dn = doutOf(n) >> 2;
      for (let f = 0; f < fCount; f++) for (let i = 0; i < OH * OW; i++) sums[f] += h[dn + f * OH * OW + i];
      for (let oy = 0; oy < OH; oy += 2) {
        for (let ox = 0; ox < OW; ox += 2) {
          inputTile(h, xn, C, H, W, oy - pad, ox - pad, V);
          for (let f = 0; f < fCount; f++) {
            // the 2×2 block [a b; c0 d0] of dout (zeros past its edges), then A block Aᵀ
            const at = (i: number, j: number) => (oy + i < OH && ox + j < OW ? h[dn + (f * OH + oy + i) * OW + ox + j] : 0);
            const a = at(0, 0), b = at(0, 1), c0 = at(1, 0), d0 = at(1, 1);
            const rows = [[a, b], [a + c0, b + d0], [a - c0, b - d0], [-c0, -d0]];
            for (let i = 0; i < 4; i++) {
              const [p, q] = rows[i];
              dm[4 * i] = p; dm[4 * i + 1] = p + q; dm[4 * i + 2] = p - q; dm[4 * i + 3] = -q;
            }
            for (let c = 0; c < C; c++) for (let xi = 0; xi < 16; xi++) dU[(f * C + c) * 16 + xi] += dm[xi] * V[xi * C + c];
          }
        }
      }
    }
    const h = heap();
    for (let f = 0; f < fCount; f++) {
      h[(db >> 2) + f0 + f] = sums[f];
      for (let c = 0; c < C; c++) {
        const u = dU.subarray((f * C + c) * 16, (f * C + c + 1) * 16);
        const dst = (dw >> 2) + ((f0 + f) * C + c) * 9;
        // Gᵀ dU G: row a of Gᵀ is row a of G's transpose
        for (let r = 0; r < 3; r++) {
          for (let k = 0; k < 3; k++) {
            let v = 0;
            for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) v += G[i][r] * u[4 * i + j] * G[j][k];
            h[dst + r * 3 + k] = v;
          }
        }
      }
    }
  }


  return {
    // dU[f][c] = Σ over samples and tiles of (A dy Aᵀ) ⊙ (Bᵀ d B) in float64, then dW = Gᵀ dU G
    f32_winograd_bwd_filter(x, dout, dw, db, _scratch, N, C, H, W, FN, pad, f0, fCount) {
      filterGradient(x, (n) => dout + (n * FN + f0) * (H + 2 * pad - 2) * (W + 2 * pad - 2) * 4, dw, db, N, C, H, W, pad, f0, fCount);
    },
    f32_maxpool_winograd_bwd_filter(x, dy, argmax, dw, db, scratch, N, C, H, W, FN, pad, PH, PW, poolStride, poolPad, f0, fCount) {
      const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
      const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
      filterGradient(x, (n) => {
        const o = (n * FN + f0) * pooled * 4;
        maxpoolBwd(dy + o, argmax + o, scratch, 1, fCount, OH, OW, PH, PW, poolStride, poolPad);
        return scratch;
      }, dw, db, N, C, H, W, pad, f0, fCount);
    },
    f32_winograd_bwd_filter_scratch_bytes(C, H, W, FN, pad) {
      return FN * (H + 2 * pad - 2) * (W + 2 * pad - 2) * 4; // the pooled pass's rebuilt gradient
    },
  } satisfies KernelPart;
}
