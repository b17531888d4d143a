// Twin of assembly/winograd.ts: the same transforms, tile by tile in float64 (rounded once when
// stored), reading the input with bounds checks instead of from a padded copy, and the channel sums
// as plain loops instead of matrix products; it needs no scratch.
import { outSize } from './im2col.js';
import type { Heap, KernelPart } from './part.js';
import { poolKernels } from './pool.js';

export function winogradKernels(heap: Heap) {
  const { f32_maxpool_fwd: maxpoolFwd, f32_maxpool_bwd: maxpoolBwd } = poolKernels(heap);
  let tileV = new Float64Array(0); // one tile's V for every channel: 16 × C
  const kernels = {
    f32_winograd_filter(w, u, FN, C, flip) {
      const h = heap();
      const plane = FN * C;
      const g = new Float64Array(9);
      for (let f = 0; f < FN; f++) {
        for (let c = 0; c < C; c++) {
          const src = (w >> 2) + (f * C + c) * 9;
          for (let i = 0; i < 9; i++) g[i] = h[src + (flip ? 8 - i : i)]; // 180° rotation: reversed
          const dst = (u >> 2) + (flip ? c * FN + f : f * C + c);
          // t = G g (rows of 3), then U = t Gᵀ
          const t = [0, 1, 2, 3].map((i) => [0, 1, 2].map((k) => gRow(i, g[k], g[3 + k], g[6 + k])));
          for (let i = 0; i < 4; i++) {
            for (let j = 0; j < 4; j++) h[dst + (4 * i + j) * plane] = gRow(j, t[i][0], t[i][1], t[i][2]);
          }
        }
      }
    },
    f32_winograd_fwd(x, u, b, out, _scratch, N, CI, H, W, FO, pad) {
      const h = heap();
      const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
      const plane = FO * CI;
      if (tileV.length < 16 * CI) tileV = new Float64Array(16 * CI);
      const V = tileV, d = new Float64Array(16), e = new Float64Array(16), m = new Float64Array(16);
      for (let n = 0; n < N; n++) {
        const xn = (x >> 2) + n * CI * H * W, on = (out >> 2) + n * FO * OH * OW;
        for (let oy = 0; oy < OH; oy += 2) {
          for (let ox = 0; ox < OW; ox += 2) {
            inputTile(h, xn, CI, H, W, oy - pad, ox - pad, d, e, V);
            for (let f = 0; f < FO; f++) {
              for (let xi = 0; xi < 16; xi++) {
                let s = 0;
                const uf = (u >> 2) + xi * plane + f * CI;
                for (let c = 0; c < CI; c++) s += h[uf + c] * V[xi * CI + c];
                m[xi] = s;
              }
              const bias = b ? h[(b >> 2) + f] : 0;
              for (let i = 0; i < 2 && oy + i < OH; i++) {
                // (Aᵀ M)[i][k], then times A
                const r0 = aRow(i, m[0], m[4], m[8], m[12]), r1 = aRow(i, m[1], m[5], m[9], m[13]);
                const r2 = aRow(i, m[2], m[6], m[10], m[14]), r3 = aRow(i, m[3], m[7], m[11], m[15]);
                for (let j = 0; j < 2 && ox + j < OW; j++) h[on + (f * OH + oy + i) * OW + ox + j] = aRow(j, r0, r1, r2, r3) + bias;
              }
            }
          }
        }
      }
    },
    f32_winograd_scratch_bytes() {
      return 0;
    },
    // The pooled passes, one sample at a time through `scratch`.
    f32_winograd_maxpool_fwd(x, u, b, y, argmax, scratch, N, CI, H, W, FO, pad, PH, PW, poolStride, poolPad, relu) {
      const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
      const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
      for (let n = 0; n < N; n++) {
        kernels.f32_winograd_fwd(x + n * CI * H * W * 4, u, b, scratch, 0, 1, CI, H, W, FO, pad);
        maxpoolFwd(scratch, y + n * FO * pooled * 4, argmax + n * FO * pooled * 4, 1, FO, OH, OW, PH, PW, poolStride, poolPad);
      }
      if (!relu) return;
      // the ReLU after the pooling: its values, and no gradient where it gives none
      const h = heap(), arg = new Int32Array(h.buffer, argmax, N * FO * pooled);
      for (let i = 0, o = y >> 2; i < N * FO * pooled; i++, o++) {
        const v = h[o];
        h[o] = v < 0 ? 0 : v;
        if (!(v > 0)) arg[i] = -1;
      }
    },
    f32_maxpool_winograd_bwd_data(u, dy, argmax, dx, scratch, N, C, H, W, FN, pad, PH, PW, poolStride, poolPad) {
      const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
      const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
      for (let n = 0; n < N; n++) {
        maxpoolBwd(dy + n * FN * pooled * 4, argmax + n * FN * pooled * 4, scratch, 1, FN, OH, OW, PH, PW, poolStride, poolPad);
        kernels.f32_winograd_fwd(scratch, u, 0, dx + n * C * H * W * 4, 0, 1, FN, OH, OW, C, 2 - pad);
      }
    },
    f32_winograd_pooled_scratch_bytes(CI, H, W, FO, pad) {
      return Math.max(CI * H * W, FO * (H + 2 * pad - 2) * (W + 2 * pad - 2)) * 4;
    },
  } satisfies KernelPart;

  return kernels;
}

export const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];

// V[ξ][c] (16 × C) = Bᵀ d B of the 4 × 4 tile at (iy0, ix0) of sample xn (C, H, W), zeros outside;
// d and e are 16-float scratch.
export function inputTile(h: Float32Array, xn: number, C: number, H: number, W: number, iy0: number, ix0: number,
                   d: Float64Array, e: Float64Array, V: Float64Array): void {
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < 4; r++) {
      for (let k = 0; k < 4; k++) {
        const iy = iy0 + r, ix = ix0 + k;
        d[4 * r + k] = iy >= 0 && iy < H && ix >= 0 && ix < W ? h[xn + (c * H + iy) * W + ix] : 0;
      }
    }
    for (let r = 0; r < 4; r++) { // e = d B, row by row
      const d0 = d[4 * r], d1 = d[4 * r + 1], d2 = d[4 * r + 2], d3 = d[4 * r + 3];
      for (let k = 0; k < 4; k++) e[4 * r + k] = bRow(k, d0, d1, d2, d3);
    }
    for (let i = 0; i < 4; i++) {
      for (let k = 0; k < 4; k++) V[(4 * i + k) * C + c] = bRow(i, e[k], e[4 + k], e[8 + k], e[12 + k]);
    }
  }
}

// Row i of G (4 × 3) times (a, b, c)
function gRow(i: number, a: number, b: number, c: number): number {
  return i === 0 ? a : i === 1 ? (a + b + c) / 2 : i === 2 ? (a - b + c) / 2 : c;
}

// Row i of Bᵀ (4 × 4) times (d0, d1, d2, d3)
function bRow(i: number, d0: number, d1: number, d2: number, d3: number): number {
  return i === 0 ? d0 - d2 : i === 1 ? d1 + d2 : i === 2 ? d2 - d1 : d1 - d3;
}

// Row i of Aᵀ (2 × 4) times (m0, m1, m2, m3)
function aRow(i: number, m0: number, m1: number, m2: number, m3: number): number {
  return i === 0 ? m0 + m1 + m2 : m1 - m2 - m3;
}
