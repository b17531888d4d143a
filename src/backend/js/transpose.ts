// Twin of assembly/transpose.ts: dst (cols, rows) = srcᵀ for a row-major (rows, cols) src, one
// float at a time. A pure copy, so both backends give the same bits.
import type { Heap, KernelPart } from './part.js';

export function transposeKernels(heap: Heap) {
  return {
    f32_transpose(src, dst, rows, cols) {
      const h = heap();
      const s = src >>> 2, d = dst >>> 2;
      for (let i = 0; i < rows; i++) {
        const si = s + i * cols;
        for (let j = 0; j < cols; j++) h[d + j * rows + i] = h[si + j];
      }
    },
  } satisfies KernelPart;
}
