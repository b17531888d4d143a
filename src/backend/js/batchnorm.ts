// Twin of assembly/batchnorm.ts: column statistics and batch normalization in float64.
import type { Heap, KernelPart } from './part.js';

export function batchnormKernels(heap: Heap) {
  return {
    f32_col_mean_var(x, mean, variance, rows, cols) {
      const h = heap();
      const X = x >>> 2, Mn = mean >>> 2, Vr = variance >>> 2;
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += h[X + r * cols + c];
        const mu = s / rows;
        let s2 = 0;
        for (let r = 0; r < rows; r++) s2 += (h[X + r * cols + c] - mu) ** 2;
        h[Mn + c] = mu;
        h[Vr + c] = s2 / rows;
      }
    },
    f32_batchnorm_fwd(x, mean, variance, gamma, beta, xn, y, rows, cols, eps) {
      const h = heap();
      const e = Math.fround(eps);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const n = (h[(x >>> 2) + i] - h[(mean >>> 2) + c]) / Math.sqrt(h[(variance >>> 2) + c] + e);
          if (xn) h[(xn >>> 2) + i] = n;
          h[(y >>> 2) + i] = h[(gamma >>> 2) + c] * n + h[(beta >>> 2) + c];
        }
      }
    },
    f32_batchnorm_bwd(dy, xn, variance, gamma, dx, dgamma, dbeta, rows, cols, eps) {
      const h = heap();
      const e = Math.fround(eps);
      for (let c = 0; c < cols; c++) {
        let sb = 0, sg = 0;
        for (let r = 0; r < rows; r++) {
          sb += h[(dy >>> 2) + r * cols + c];
          sg += h[(dy >>> 2) + r * cols + c] * h[(xn >>> 2) + r * cols + c];
        }
        h[(dbeta >>> 2) + c] = sb;
        h[(dgamma >>> 2) + c] = sg;
        const scale = h[(gamma >>> 2) + c] / Math.sqrt(h[(variance >>> 2) + c] + e);
        for (let r = 0; r < rows; r++) {
          const i = r * cols + c;
          h[(dx >>> 2) + i] = scale * (h[(dy >>> 2) + i] - sb / rows - h[(xn >>> 2) + i] * sg / rows);
        }
      }
    },
    f32_ema(batch, running, n, momentum) {
      const h = heap();
      const m = Math.fround(momentum);
      for (let i = 0; i < n; i++) h[(running >>> 2) + i] = m * h[(running >>> 2) + i] + (1 - m) * h[(batch >>> 2) + i];
    },
  } satisfies KernelPart;
}
