// Twin of assembly/gelu.ts: the tanh approximation of GELU and its gradient in float64, exact
// Math.tanh, rounded once when stored.
import type { Heap, KernelPart } from './part.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

export function geluKernels(heap: Heap) {
  return {
    f32_gelu_fwd(x, y, n) {
      const h = heap();
      for (let i = x >>> 2, o = y >>> 2, end = i + n; i < end; i++, o++) {
        const v = h[i]!;
        h[o] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + CUBIC * v * v * v)));
      }
    },
    f32_gelu_bwd(x, dy, dx, n) {
      const h = heap();
      for (let i = 0, xi = x >>> 2, gi = dy >>> 2, di = dx >>> 2; i < n; i++) {
        const v = h[xi + i]!, g = h[gi + i]!;
        const t = Math.tanh(SQRT_2_OVER_PI * (v + CUBIC * v * v * v));
        h[di + i] = g * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * CUBIC * v * v));
      }
    },
  } satisfies KernelPart;
}
