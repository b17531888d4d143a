// NCHW geometries shared by the convolution and pooling suites: an N × C × H × W input and a
// window (filter or pool) of FH × FW at `stride` with `pad`.
import { createRng } from '../src/rng.js';

export interface Geom { N: number; C: number; H: number; W: number; FH: number; FW: number; stride: number; pad: number }

/** The window fits the padded input (OH, OW >= 1), as the layers require; the stride need not divide the rest. */
export const fits = (g: Geom) => g.H + 2 * g.pad - g.FH >= 0 && g.W + 2 * g.pad - g.FW >= 0;
/** Floored as the book's `//`: rows and columns past the last whole window are in none. */
export const dims = (g: Geom) => ({
  OH: Math.floor((g.H + 2 * g.pad - g.FH) / g.stride) + 1,
  OW: Math.floor((g.W + 2 * g.pad - g.FW) / g.stride) + 1,
});
/** Whether the stride leaves rows or columns that no window covers. */
export const leavesRest = (g: Geom) => (g.H + 2 * g.pad - g.FH) % g.stride !== 0 || (g.W + 2 * g.pad - g.FW) % g.stride !== 0;
/** The kernels' trailing arguments (N, C, H, W, FH, FW, stride, pad). */
export const args = (g: Geom) => [g.N, g.C, g.H, g.W, g.FH, g.FW, g.stride, g.pad] as const;
export const name = (g: Geom) => JSON.stringify(g);
/** Floats in the image and in its im2col matrix (either layout). */
export const imageSize = (g: Geom) => g.N * g.C * g.H * g.W;
export const colSize = (g: Geom) => { const { OH, OW } = dims(g); return g.N * g.C * g.FH * g.FW * OH * OW; };

/** `count` random geometries that fit (N 1–3, C 1–4, H and W 1–maxSize, windows 1–5, strides 1–3, pads 0–2). */
export function randomGeoms(seed: number, count: number, maxSize: number): Geom[] {
  const r = createRng(seed);
  const out: Geom[] = [];
  while (out.length < count) {
    const g = {
      N: 1 + r.int(3), C: 1 + r.int(4), H: 1 + r.int(maxSize), W: 1 + r.int(maxSize),
      FH: 1 + r.int(5), FW: 1 + r.int(5), stride: 1 + r.int(3), pad: r.int(3),
    };
    if (!fits(g)) continue;
    out.push(g);
  }
  return out;
}
