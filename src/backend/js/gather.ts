// Twin of assembly/gather.ts.
import type { Heap, KernelPart } from './part.js';

export function gatherKernels(heap: Heap) {
  return {
    f32_gather_rows(src, indices, dst, n, cols) {
      const h = heap();
      const idx = new Int32Array(h.buffer, indices, n);
      for (let r = 0; r < n; r++) {
        const from = (src >>> 2) + idx[r] * cols;
        h.copyWithin((dst >>> 2) + r * cols, from, from + cols);
      }
    },
    f32_from_u8(src, dst, n, divisor) {
      const h = heap();
      const bytes = new Uint8Array(h.buffer, src, n);
      const d = Math.fround(divisor);
      for (let i = 0, o = dst >>> 2; i < n; i++) h[o + i] = bytes[i] / d;
    },
  } satisfies KernelPart;
}
