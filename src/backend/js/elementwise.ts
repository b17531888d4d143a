// Twin of assembly/elementwise.ts.
import type { Heap, KernelPart } from './part.js';

export function elementwiseKernels(heap: Heap) {
  return {
    f32_fill(y, n, value) {
      heap().fill(value, y >>> 2, (y >>> 2) + n);
    },
    f32_copy(x, y, n) {
      heap().copyWithin(y >>> 2, x >>> 2, (x >>> 2) + n);
    },
    f32_scale(x, y, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = x >>> 2, o = y >>> 2, end = i + n; i < end; i++, o++) h[o] = h[i] * a;
    },
    f32_axpy(x, y, out, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      const xi = x >>> 2, yi = y >>> 2, oi = out >>> 2;
      for (let i = 0; i < n; i++) h[oi + i] = h[yi + i] + a * h[xi + i];
    },
    f32_mul(x, y, z, n) {
      const h = heap();
      for (let i = 0, X = x >>> 2, Y = y >>> 2, Z = z >>> 2; i < n; i++) h[Z + i] = h[X + i] * h[Y + i];
    },
  } satisfies KernelPart;
}
