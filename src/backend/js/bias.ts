// Twin of assembly/bias.ts.
import type { Heap, KernelPart } from './part.js';

export function biasKernels(heap: Heap) {
  return {
    f32_bias_add_rows(x, b, y, rows, cols) {
      const h = heap();
      const xi = x >> 2, bi = b >> 2, yi = y >> 2;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) h[yi + r * cols + c] = h[xi + r * cols + c] + h[bi + c];
      }
    },
    f32_sum_rows(x, out, rows, cols) {
      const h = heap();
      const xi = x >> 2, oi = out >> 2;
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += h[xi + r * cols + c];
        h[oi + c] = s;
      }
    },
  } satisfies KernelPart;
}
