// Float64 references for the Winograd tests: direct 3×3 convolutions and their filter gradient,
// with the Winograd computations on absolute values (S) that bound the rounding errors.
import { expect } from 'vitest';

const U = 2 ** -24;
export const gamma = (n: number) => (n * U) / (1 - n * U);

export const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];
export const BT = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]];
export const AT = [[1, 1, 1, 0], [0, 1, -1, -1]];
// F(4×4, 3×3) (Lavin & Gray, points 0, ±1, ±2): Aᵀ ((G g) ⊙ (Bᵀ d)) is the correlation of d (6) with g (3)
const G4 = [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]];
const BT4 = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]];
const AT4 = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]];
const MATRICES = { 2: { G, BT, AT }, 4: { G: G4, BT: BT4, AT: AT4 } } as const;

export interface Ref { y: Float64Array; winogradMag: Float64Array; directMag: Float64Array }

/** Float64 direct 3×3 convolution of x (N, C, H, W), w (FN, C, 3, 3), pad, + b; and for each output
 *  the Winograd F(tile×tile, 3×3) computation on absolute values (S) and Σ|w||x| + |b|. */
export function reference(x: Float32Array, w: Float32Array, b: Float32Array | undefined, N: number, C: number, H: number, W: number, FN: number, pad: number,
                          tile: 2 | 4 = 2): Ref {
  const { G, BT, AT } = MATRICES[tile], nt = tile + 2;
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const at = (n: number, c: number, iy: number, ix: number) => (iy >= 0 && iy < H && ix >= 0 && ix < W ? x[((n * C + c) * H + iy) * W + ix] : 0);
  const y = new Float64Array(N * FN * OH * OW), winogradMag = new Float64Array(y.length), directMag = new Float64Array(y.length);
  // |G||g||G|ᵀ per filter
  const absU = (f: number, c: number) => {
    const g = (r: number, k: number) => Math.abs(w[((f * C + c) * 3 + r) * 3 + k]);
    return G.map((gi) => G.map((gj) => gi.reduce((s, a, r) => s + Math.abs(a) * gj.reduce((t, bb, k) => t + g(r, k) * Math.abs(bb), 0), 0)));
  };
  const us = Array.from({ length: FN * C }, (_, i) => absU(Math.floor(i / C), i % C));
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < FN; f++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const o = ((n * FN + f) * OH + oy) * OW + ox;
          let sum = b ? b[f] : 0, mag = b ? Math.abs(b[f]) : 0;
          for (let c = 0; c < C; c++) {
            for (let r = 0; r < 3; r++) {
              for (let k = 0; k < 3; k++) {
                const p = w[((f * C + c) * 3 + r) * 3 + k] * at(n, c, oy - pad + r, ox - pad + k);
                sum += p;
                mag += Math.abs(p);
              }
            }
          }
          y[o] = sum;
          directMag[o] = mag;
          // S: |Aᵀ| (Σ_c |U| ⊙ |Bᵀ||d||B|) |A| for this output's place in its tile
          const ty = oy - (oy % tile) - pad, tx = ox - (ox % tile) - pad, i = oy % tile, j = ox % tile;
          let s = b ? Math.abs(b[f]) : 0;
          for (let c = 0; c < C; c++) {
            const u = us[f * C + c]!;
            for (let p = 0; p < nt; p++) {
              for (let q = 0; q < nt; q++) {
                if (!AT[i]![p] || !AT[j]![q]) continue;
                let v = 0;
                for (let r = 0; r < nt; r++) for (let k = 0; k < nt; k++) v += Math.abs(BT[p]![r]! * BT[q]![k]! * at(n, c, ty + r, tx + k));
                s += Math.abs(AT[i]![p]! * AT[j]![q]!) * u[p]![q]! * v;
              }
            }
          }
          winogradMag[o] = s;
        }
      }
    }
  }
  return { y, winogradMag, directMag };
}

/** W (FN, C, 3, 3) rotated 180° with its channel axes swapped: (C, FN, 3, 3). */
export function flipped(w: Float32Array, FN: number, C: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let f = 0; f < FN; f++) for (let c = 0; c < C; c++) for (let i = 0; i < 9; i++) out[(c * FN + f) * 9 + i] = w[(f * C + c) * 9 + 8 - i];
  return out;
}

export function expectWithin(got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number, label: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol(i))) throw new Error(`${label}: element ${i}: got ${got[i]}, expected ${want[i]} ± ${tol(i)}`);
  }
}

/** Float64 filter gradient of the 3×3 convolution of x (N, C, H, W) padded by pad, from dout
 *  (N, FN, OH, OW): dW (FN, C, 3, 3) and db, with Σ|dout||x| per dW entry (the im2col path's bound)
 *  and S = |Gᵀ| (Σ_{n, tiles} |A||dy||Aᵀ| ⊙ |Bᵀ||d||B|) |G| (the Winograd path's). */
export function filterReference(x: Float32Array, dout: Float32Array, N: number, C: number, H: number, W: number, FN: number, pad: number,
                                tile: 2 | 4 = 2) {
  const { G, BT, AT } = MATRICES[tile], nt = tile + 2;
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const at = (n: number, c: number, iy: number, ix: number) => (iy >= 0 && iy < H && ix >= 0 && ix < W ? x[((n * C + c) * H + iy) * W + ix] : 0);
  const dy = (n: number, f: number, oy: number, ox: number) => (oy < OH && ox < OW ? dout[((n * FN + f) * OH + oy) * OW + ox] : 0);
  const dW = new Float64Array(FN * C * 9), directMag = new Float64Array(dW.length), winogradMag = new Float64Array(dW.length);
  const db = new Float64Array(FN);
  for (let f = 0; f < FN; f++) {
    for (let n = 0; n < N; n++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) db[f] += dy(n, f, oy, ox);
    for (let c = 0; c < C; c++) {
      for (let r = 0; r < 3; r++) {
        for (let k = 0; k < 3; k++) {
          let s = 0, m = 0;
          for (let n = 0; n < N; n++) {
            for (let oy = 0; oy < OH; oy++) {
              for (let ox = 0; ox < OW; ox++) {
                const p = dy(n, f, oy, ox) * at(n, c, oy - pad + r, ox - pad + k);
                s += p;
                m += Math.abs(p);
              }
            }
          }
          dW[(f * C + c) * 9 + r * 3 + k] = s;
          directMag[(f * C + c) * 9 + r * 3 + k] = m;
        }
      }
      // |dU| = Σ |A dy Aᵀ| ⊙ |Bᵀ d B| on absolute values, then |Gᵀ| |dU| |G|
      const dU = new Float64Array(nt * nt);
      for (let n = 0; n < N; n++) {
        for (let oy = 0; oy < OH; oy += tile) {
          for (let ox = 0; ox < OW; ox += tile) {
            for (let p = 0; p < nt; p++) {
              for (let q = 0; q < nt; q++) {
                let g = 0, v = 0;
                for (let i = 0; i < tile; i++) for (let j = 0; j < tile; j++) g += Math.abs(AT[i]![p]! * AT[j]![q]! * dy(n, f, oy + i, ox + j));
                for (let r = 0; r < nt; r++) for (let k = 0; k < nt; k++) v += Math.abs(BT[p]![r]! * BT[q]![k]! * at(n, c, oy - pad + r, ox - pad + k));
                dU[nt * p + q] += g * v;
              }
            }
          }
        }
      }
      for (let r = 0; r < 3; r++) {
        for (let k = 0; k < 3; k++) {
          let s = 0;
          for (let p = 0; p < nt; p++) for (let q = 0; q < nt; q++) s += Math.abs(G[p]![r]!) * dU[nt * p + q]! * Math.abs(G[q]![k]!);
          winogradMag[(f * C + c) * 9 + r * 3 + k] = s;
        }
      }
    }
  }
  return { dW, db, directMag, winogradMag };
}
