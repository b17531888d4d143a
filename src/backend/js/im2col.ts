// Twin of assembly/im2col.ts: the same loops one float at a time. Copies are exact, and col2im
// adds in the same order as the wasm kernel, so both backends give the same bits.
import type { Heap, KernelPart } from './part.js';

/** 1 + (size + 2·pad − filter) / stride, or 0 when the filter does not fit the padded size. */
export function outSize(size: number, filter: number, stride: number, pad: number): number {
  const room = size + 2 * pad - filter;
  return room < 0 ? 0 : Math.floor(room / stride) + 1;
}

/** x is (N, C, H, W); the window FH × FW moves by stride over x padded by pad. */
type Geometry = [N: number, C: number, H: number, W: number, FH: number, FW: number, stride: number, pad: number];

/**
 * The index space shared by the four kernels: for one sample, per float of its columns in memory
 * order, the offset within the sample's C·H·W image of the pixel it stands for, or −1 in the
 * padding. Element (c, ky, kx; oy, ox) sits at row (oy, ox), column (c, ky, kx) of the book layout,
 * (OH·OW, C·FH·FW), and at row (c, ky, kx), column (oy, ox) of the transposed one, (C·FH·FW, OH·OW).
 * Empty when no window fits.
 */
function columnPixels(transposed: boolean, ...[, C, H, W, FH, FW, stride, pad]: Geometry): Int32Array {
  const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
  const K = C * FH * FW, P = OH * OW;
  const map = new Int32Array(K * P);
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < FH; ky++) {
      for (let kx = 0; kx < FW; kx++) {
        const k = (c * FH + ky) * FW + kx;
        for (let oy = 0; oy < OH; oy++) {
          const iy = oy * stride - pad + ky;
          const rowIn = iy >= 0 && iy < H;
          for (let ox = 0; ox < OW; ox++) {
            const ix = ox * stride - pad + kx, p = oy * OW + ox;
            map[transposed ? k * P + p : p * K + k] = rowIn && ix >= 0 && ix < W ? (c * H + iy) * W + ix : -1;
          }
        }
      }
    }
  }
  return map;
}

// NOTE: a convolution calls these kernels once per sample with the same geometry, so each map is
// built once and kept (a handful of shapes per network), not rebuilt and reallocated per call.
const maps = new Map<string, Int32Array>();
const MAX_MAPS = 32;

function cachedColumnPixels(transposed: boolean, g: Geometry): Int32Array {
  const key = `${+transposed}:${g.slice(1).join(',')}`; // N does not change the per-sample map
  let map = maps.get(key);
  if (!map) {
    if (maps.size >= MAX_MAPS) maps.clear();
    map = columnPixels(transposed, ...g);
    maps.set(key, map);
  }
  return map;
}

/** im2col in either layout: col, written front to back, copies x's pixels, 0 in the padding. */
function gather(h: Float32Array, x: number, col: number, transposed: boolean, g: Geometry): void {
  const [N, C, H, W] = g;
  const map = cachedColumnPixels(transposed, g);
  if (map.length === 0) return;
  let d = col >>> 2;
  for (let n = 0; n < N; n++) {
    const image = (x >>> 2) + n * C * H * W;
    for (let j = 0; j < map.length; j++, d++) {
      const i = map[j];
      h[d] = i < 0 ? 0 : h[image + i];
    }
  }
}

/** col2im in either layout: x = 0, then each float of col, front to back, added to its pixel. */
function scatterAdd(h: Float32Array, col: number, x: number, transposed: boolean, g: Geometry): void {
  const [N, C, H, W] = g;
  h.fill(0, x >>> 2, (x >>> 2) + N * C * H * W);
  const map = cachedColumnPixels(transposed, g);
  if (map.length === 0) return;
  let s = col >>> 2;
  for (let n = 0; n < N; n++) {
    const image = (x >>> 2) + n * C * H * W;
    for (let j = 0; j < map.length; j++, s++) {
      const i = map[j];
      if (i >= 0) h[image + i] += h[s];
    }
  }
}

export function im2colKernels(heap: Heap) {
  return {
    f32_im2col(x, col, ...g) {
      gather(heap(), x, col, false, g);
    },
    f32_col2im(col, x, ...g) {
      scatterAdd(heap(), col, x, false, g);
    },
    // The transposed layout: col is (N, C·FH·FW, OH·OW), see assembly/im2col.ts.
    f32_im2col_t(x, col, ...g) {
      gather(heap(), x, col, true, g);
    },
    f32_col2im_t(col, x, ...g) {
      scatterAdd(heap(), col, x, true, g);
    },
  } satisfies KernelPart;
}
