// Twin of assembly/winograd.ts and assembly/winograd4.ts: the same transforms, tile by tile in
// float64 (rounded once when stored), reading the input with bounds checks instead of through a
// padded copy, and the channel sums as plain loops instead of matrix products; it needs no scratch.
import { readGeometry } from '../conv-geometry.js';
import { outSize } from './im2col.js';
import type { Heap, KernelPart } from './part.js';
import { poolKernels } from './pool.js';

/** The matrices of Winograd F(m×m, 3×3): G (n × 3), Bᵀ (n × n), Aᵀ (m × n), n = m + 2. */
export interface WinogradTransform { m: number; n: number; G: number[][]; BT: number[][]; AT: number[][] }

export const F2: WinogradTransform = {
  m: 2, n: 4,
  G: [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
  BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
  AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
};

export const F4: WinogradTransform = {
  m: 4, n: 6,
  G: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
  BT: [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
  AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
};

const transformOf = (tile: number) => (tile === 4 ? F4 : F2);

export function winogradKernels(heap: Heap) {
  const { f32_maxpool_fwd: maxpoolFwd, f32_maxpool_bwd: maxpoolBwd } = poolKernels(heap);
  let tileV = new Float64Array(0); // one tile's V for every channel: n² × C
  // out (N, FO, OH, OW) = the 3×3 convolution of x (N, CI, H, W) padded by pad with the filters U, + b
  function convolve(x: number, u: number, b: number, out: number, N: number, CI: number, H: number, W: number, FO: number, pad: number,
                    tile: number): void {
    const h = heap();
    const t = transformOf(tile), { m: mt, n: nt, AT } = t, n2 = nt * nt;
    const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
    const plane = FO * CI;
    if (tileV.length < n2 * CI) tileV = new Float64Array(n2 * CI);
    const V = tileV, m = new Float64Array(n2);
    for (let n = 0; n < N; n++) {
      const xn = (x >> 2) + n * CI * H * W, on = (out >> 2) + n * FO * OH * OW;
      for (let oy = 0; oy < OH; oy += mt) {
        for (let ox = 0; ox < OW; ox += mt) {
          inputTile(h, xn, CI, H, W, oy - pad, ox - pad, V, t);
          for (let f = 0; f < FO; f++) {
            for (let xi = 0; xi < n2; xi++) {
              let s = 0;
              const uf = (u >> 2) + xi * plane + f * CI;
              for (let c = 0; c < CI; c++) s += h[uf + c]! * V[xi * CI + c]!;
              m[xi] = s;
            }
            const bias = b ? h[(b >> 2) + f]! : 0;
            // Aᵀ M A, cropped
            for (let i = 0; i < mt && oy + i < OH; i++) {
              for (let j = 0; j < mt && ox + j < OW; j++) {
                let y = 0;
                for (let p = 0; p < nt; p++) for (let q = 0; q < nt; q++) y += AT[i]![p]! * m[nt * p + q]! * AT[j]![q]!;
                h[on + (f * OH + oy + i) * OW + ox + j] = y + bias;
              }
            }
          }
        }
      }
    }
}
  const kernels = {
    // U's entries [e0, e0 + count) of each U[ξ]: entry f·C + c, or c·FN + f with flip
    f32_winograd_filter(w, u, FN, C, flip, tile, e0, count) {
      const h = heap();
      const { n, G: g6 } = transformOf(tile);
      const plane = FN * C;
      const g = new Float64Array(9);
      for (let e = e0; e < e0 + count; e++) {
        const f = flip ? e % FN : Math.floor(e / C), c = flip ? Math.floor(e / FN) : e % C;
        const src = (w >> 2) + (f * C + c) * 9;
        for (let i = 0; i < 9; i++) g[i] = h[src + (flip ? 8 - i : i)]; // 180° rotation: reversed
        const dst = (u >> 2) + e;
        // U = G g Gᵀ
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) s += g6[i]![r]! * g[3 * r + k]! * g6[j]![k]!;
            h[dst + (n * i + j) * plane] = s;
          }
        }
      }
    },
    f32_winograd_fwd(x, u, b, out, _scratch, N, g) {
      const { C, H, W, FN, pad, tile } = readGeometry(heap().buffer, g);
      convolve(x, u, b, out, N, C, H, W, FN, pad, tile);
    },
    f32_winograd_scratch_bytes() {
      return 0;
    },
    // The pooled passes, one sample at a time through `scratch`.
    f32_winograd_maxpool_fwd(x, u, b, y, argmax, scratch, N, g) {
      const { C: CI, H, W, FN: FO, pad, poolH: PH, poolW: PW, poolStride, poolPad, relu, tile } = readGeometry(heap().buffer, g);
      const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
      const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
      for (let n = 0; n < N; n++) {
        convolve(x + n * CI * H * W * 4, u, b, scratch, 1, CI, H, W, FO, pad, tile);
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
    f32_maxpool_winograd_bwd_data(u, dy, argmax, dx, scratch, N, g) {
      const { C, H, W, FN, pad, poolH: PH, poolW: PW, poolStride, poolPad, tile } = readGeometry(heap().buffer, g);
      const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
      const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
      for (let n = 0; n < N; n++) {
        maxpoolBwd(dy + n * FN * pooled * 4, argmax + n * FN * pooled * 4, scratch, 1, FN, OH, OW, PH, PW, poolStride, poolPad);
        convolve(scratch, u, 0, dx + n * C * H * W * 4, 1, FN, OH, OW, C, 2 - pad, tile);
      }
    },
    f32_winograd_pooled_scratch_bytes(CI, H, W, FO, pad) {
      return Math.max(CI * H * W, FO * (H + 2 * pad - 2) * (W + 2 * pad - 2)) * 4;
    },
  } satisfies KernelPart;

  return kernels;
}

// V[ξ][c] (n² × C) = Bᵀ d B of the n × n tile d at (iy0, ix0) of sample xn (C, H, W), zeros outside.
export function inputTile(h: Float32Array, xn: number, C: number, H: number, W: number, iy0: number, ix0: number,
                          V: Float64Array, t: WinogradTransform = F2): void {
  const { n, BT } = t, d = new Float64Array(n * n), e = new Float64Array(n * n);
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < n; k++) {
        const iy = iy0 + r, ix = ix0 + k;
        d[n * r + k] = iy >= 0 && iy < H && ix >= 0 && ix < W ? h[xn + (c * H + iy) * W + ix]! : 0;
      }
    }
    for (let r = 0; r < n; r++) { // e = d B
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let q = 0; q < n; q++) s += d[n * r + q]! * BT[k]![q]!;
        e[n * r + k] = s;
      }
    }
    for (let i = 0; i < n; i++) { // Bᵀ e
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += BT[i]![r]! * e[n * r + k]!;
        V[(n * i + k) * C + c] = s;
      }
    }
  }
}
