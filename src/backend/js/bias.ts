// Twin of assembly/bias.ts.
import type { Heap, KernelPart } from './part.js';

export function biasKernels(heap: Heap) {
  return {
    f32_bias_add_rows(x, b, y, rows, cols) {
      const h = heap();
      const xi = x >>> 2, bi = b >>> 2, yi = y >>> 2;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) h[yi + r * cols + c] = h[xi + r * cols + c] + h[bi + c];
      }
    },
    f32_sum_rows(x, out, rows, cols) {
      const h = heap();
      const xi = x >>> 2, oi = out >>> 2;
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += h[xi + r * cols + c];
        h[oi + c] = s;
      }
    },
    f32_bias_add_channels(x, b, y, N, C, HW) {
      const h = heap();
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          const start = (n * C + c) * HW, bc = h[(b >>> 2) + c];
          for (let i = 0; i < HW; i++) h[(y >>> 2) + start + i] = h[(x >>> 2) + start + i] + bc;
        }
      }
    },
    f32_sum_channels(x, out, N, C, HW) {
      sumChannels(heap(), x, out, N, C, HW, 0, C);
    },
  } satisfies KernelPart;
}

// out[c] = Σ_{n, i} x[n, c, i] for the channels c0 <= c < c1 (the convolution's filter gradient sums a range)
export function sumChannels(h: Float32Array, x: number, out: number, N: number, C: number, HW: number, c0: number, c1: number): void {
  for (let c = c0; c < c1; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let i = 0, start = (x >>> 2) + (n * C + c) * HW; i < HW; i++) s += h[start + i];
    h[(out >>> 2) + c] = s;
  }
}
