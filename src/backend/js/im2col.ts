// Twin of assembly/im2col.ts: the same loops one float at a time. Copies are exact, and col2im
// adds in the same order as the wasm kernel, so both backends give the same bits.
import type { Heap, KernelPart } from './part.js';

/** 1 + (size + 2·pad − filter) / stride, or 0 when the filter does not fit the padded size. */
export function outSize(size: number, filter: number, stride: number, pad: number): number {
  const room = size + 2 * pad - filter;
  return room < 0 ? 0 : Math.floor(room / stride) + 1;
}

export function im2colKernels(heap: Heap) {
  return {
    f32_im2col(x, col, N, C, H, W, FH, FW, stride, pad) {
      const h = heap();
      const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
      if (OH === 0 || OW === 0) return;
      let d = col >> 2; // col is written front to back
      for (let n = 0; n < N; n++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            const ix0 = ox * stride - pad;
            for (let c = 0; c < C; c++) {
              const plane = (x >> 2) + (n * C + c) * H * W;
              for (let ky = 0; ky < FH; ky++) {
                const iy = oy * stride - pad + ky;
                const rowIn = iy >= 0 && iy < H;
                for (let kx = 0; kx < FW; kx++, d++) {
                  const ix = ix0 + kx;
                  h[d] = rowIn && ix >= 0 && ix < W ? h[plane + iy * W + ix] : 0;
                }
              }
            }
          }
        }
      }
    },
    f32_col2im(col, x, N, C, H, W, FH, FW, stride, pad) {
      const h = heap();
      h.fill(0, x >> 2, (x >> 2) + N * C * H * W);
      const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
      if (OH === 0 || OW === 0) return;
      let s = col >> 2;
      for (let n = 0; n < N; n++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            const ix0 = ox * stride - pad;
            for (let c = 0; c < C; c++) {
              const plane = (x >> 2) + (n * C + c) * H * W;
              for (let ky = 0; ky < FH; ky++) {
                const iy = oy * stride - pad + ky;
                const rowIn = iy >= 0 && iy < H;
                for (let kx = 0; kx < FW; kx++, s++) {
                  const ix = ix0 + kx;
                  if (rowIn && ix >= 0 && ix < W) h[plane + iy * W + ix] += h[s];
                }
              }
            }
          }
        }
      }
    },
    // The transposed layout: col is (N, C·FH·FW, OH·OW), see assembly/im2col.ts.
    f32_im2col_t(x, col, N, C, H, W, FH, FW, stride, pad) {
      const h = heap();
      const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
      if (OH === 0 || OW === 0) return;
      let d = col >> 2; // col is written front to back
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          const plane = (x >> 2) + (n * C + c) * H * W;
          for (let ky = 0; ky < FH; ky++) {
            for (let kx = 0; kx < FW; kx++) {
              for (let oy = 0; oy < OH; oy++) {
                const iy = oy * stride - pad + ky;
                const rowIn = iy >= 0 && iy < H;
                for (let ox = 0; ox < OW; ox++, d++) {
                  const ix = ox * stride - pad + kx;
                  h[d] = rowIn && ix >= 0 && ix < W ? h[plane + iy * W + ix] : 0;
                }
              }
            }
          }
        }
      }
    },
    f32_col2im_t(col, x, N, C, H, W, FH, FW, stride, pad) {
      const h = heap();
      h.fill(0, x >> 2, (x >> 2) + N * C * H * W);
      const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
      if (OH === 0 || OW === 0) return;
      let s = col >> 2;
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          const plane = (x >> 2) + (n * C + c) * H * W;
          for (let ky = 0; ky < FH; ky++) {
            for (let kx = 0; kx < FW; kx++) {
              for (let oy = 0; oy < OH; oy++) {
                const iy = oy * stride - pad + ky;
                const rowIn = iy >= 0 && iy < H;
                for (let ox = 0; ox < OW; ox++, s++) {
                  const ix = ox * stride - pad + kx;
                  if (rowIn && ix >= 0 && ix < W) h[plane + iy * W + ix] += h[s];
                }
              }
            }
          }
        }
      }
    },
  } satisfies KernelPart;
}
