// Twin of assembly/optim.ts: the same update rules, computed in float64 and stored as float32,
// with state values below the smallest normal float32 stored as 0, as the wasm kernels do; the
// updated parameters go to `out` (p itself, or a block overlapping none of the others).
import type { Heap, KernelPart } from './part.js';

const TINY = 2 ** -126;
/** 0 for a value whose float32 rounding is subnormal; NaN stays NaN. */
const flush = (x: number) => (Math.abs(Math.fround(x)) < TINY ? 0 : x);

export function optimKernels(heap: Heap) {
  return {
    f32_momentum_step(p, out, g, v, n, lr, momentum) {
      const h = heap();
      const P = p >>> 2, O = out >>> 2, G = g >>> 2, V = v >>> 2;
      for (let i = 0; i < n; i++) {
        h[V + i] = flush(momentum * h[V + i] - lr * h[G + i]);
        h[O + i] = h[P + i] + h[V + i];
      }
    },
    f32_nesterov_step(p, out, g, v, n, lr, momentum) {
      const h = heap();
      const P = p >>> 2, O = out >>> 2, G = g >>> 2, V = v >>> 2;
      for (let i = 0; i < n; i++) {
        h[O + i] = h[P + i] + (momentum * momentum * h[V + i] - (1 + momentum) * lr * h[G + i]);
        h[V + i] = flush(momentum * h[V + i] - lr * h[G + i]);
      }
    },
    f32_adagrad_step(p, out, g, hs, n, lr) {
      const h = heap();
      const P = p >>> 2, O = out >>> 2, G = g >>> 2, H = hs >>> 2;
      for (let i = 0; i < n; i++) {
        h[H + i] = flush(h[H + i] + h[G + i] * h[G + i]);
        h[O + i] = h[P + i] - lr * h[G + i] / (Math.sqrt(h[H + i]) + 1e-7);
      }
    },
    f32_rmsprop_step(p, out, g, hs, n, lr, decay) {
      const h = heap();
      const P = p >>> 2, O = out >>> 2, G = g >>> 2, H = hs >>> 2;
      for (let i = 0; i < n; i++) {
        h[H + i] = flush(decay * h[H + i] + (1 - decay) * h[G + i] * h[G + i]);
        h[O + i] = h[P + i] - lr * h[G + i] / (Math.sqrt(h[H + i]) + 1e-7);
      }
    },
    f32_adam_step(p, out, g, m, v, n, lrT, beta1, beta2) {
      const h = heap();
      const P = p >>> 2, O = out >>> 2, G = g >>> 2, M = m >>> 2, V = v >>> 2;
      for (let i = 0; i < n; i++) {
        const gi = h[G + i];
        h[M + i] = flush(h[M + i] + (1 - beta1) * (gi - h[M + i]));
        h[V + i] = flush(h[V + i] + (1 - beta2) * (gi * gi - h[V + i]));
        h[O + i] = h[P + i] - lrT * h[M + i] / (Math.sqrt(h[V + i]) + 1e-7);
      }
    },
  } satisfies KernelPart;
}
