// Twin of assembly/activation.ts: exact Math.exp and Math.tanh in float64.
import type { Heap, KernelPart } from './part.js';

export function activationKernels(heap: Heap) {
  return {
    f32_relu_fwd(x, y, n) {
      const h = heap();
      for (let i = x >>> 2, o = y >>> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = v < 0 ? 0 : v;
      }
    },
    f32_relu_bwd(y, dy, dx, n) {
      const h = heap();
      for (let i = 0, yi = y >>> 2, gi = dy >>> 2, di = dx >>> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = yv > 0 ? g : 0;
      }
    },
    f32_sigmoid_fwd(x, y, n) {
      const h = heap();
      for (let i = x >>> 2, o = y >>> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = 1 / (1 + Math.exp(-v));
      }
    },
    f32_sigmoid_bwd(y, dy, dx, n) {
      const h = heap();
      for (let i = 0, yi = y >>> 2, gi = dy >>> 2, di = dx >>> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = g * (1 - yv) * yv;
      }
    },
    f32_tanh_fwd(x, y, n) {
      const h = heap();
      for (let i = x >>> 2, o = y >>> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = Math.tanh(v);
      }
    },
    f32_tanh_bwd(y, dy, dx, n) {
      const h = heap();
      for (let i = 0, yi = y >>> 2, gi = dy >>> 2, di = dx >>> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = g * (1 - yv * yv);
      }
    },
    f32_leaky_relu_fwd(x, y, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = x >>> 2, o = y >>> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = v > 0 ? v : a * v;
      }
    },
    f32_leaky_relu_bwd(y, dy, dx, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = 0, yi = y >>> 2, gi = dy >>> 2, di = dx >>> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = yv > 0 ? g : a * g;
      }
    },
    f32_elu_fwd(x, y, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = x >>> 2, o = y >>> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = v > 0 ? v : a * (Math.exp(v) - 1);
      }
    },
    f32_elu_bwd(y, dy, dx, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = 0, yi = y >>> 2, gi = dy >>> 2, di = dx >>> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = yv > 0 ? g : g * (yv + a);
      }
    },
  } satisfies KernelPart;
}
