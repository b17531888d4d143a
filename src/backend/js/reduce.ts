// Twin of assembly/reduce.ts.
import type { Heap, KernelPart } from './part.js';

export function reduceKernels(heap: Heap) {
  return {
    f32_sum_squares(x, n) {
      const h = heap();
      let s = 0;
      for (let i = x >>> 2, end = i + n; i < end; i++) s += h[i] * h[i];
      return s;
    },
    f32_all_finite(x, n) {
      const h = heap();
      for (let i = x >>> 2, end = i + n; i < end; i++) if (!Number.isFinite(h[i])) return 0;
      return 1;
    },
  } satisfies KernelPart;
}
