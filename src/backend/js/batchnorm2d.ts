// Twin of assembly/batchnorm2d.ts: per-channel batch normalization and global average pooling,
// arithmetic in float64, rounded once when stored.
import type { Heap, KernelPart } from './part.js';

export function batchnorm2dKernels(heap: Heap) {
  return {
    f32_bn2d_stats(x, mean, variance, N, C, HW) {
      const h = heap();
      const X = x >>> 2;
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let n = 0; n < N; n++) for (let i = X + (n * C + c) * HW, end = i + HW; i < end; i++) s += h[i];
        const mu = Math.fround(s / (N * HW));
        let s2 = 0;
        for (let n = 0; n < N; n++) for (let i = X + (n * C + c) * HW, end = i + HW; i < end; i++) s2 += (h[i] - mu) ** 2;
        h[(mean >>> 2) + c] = mu;
        h[(variance >>> 2) + c] = s2 / (N * HW);
      }
    },
    f32_bn2d_fwd(x, mean, variance, gamma, beta, xn, y, N, C, HW, eps) {
      const h = heap();
      const e = Math.fround(eps);
      for (let c = 0; c < C; c++) {
        const inv = 1 / Math.sqrt(h[(variance >>> 2) + c] + e);
        const mu = h[(mean >>> 2) + c], g = h[(gamma >>> 2) + c], b = h[(beta >>> 2) + c];
        for (let n = 0; n < N; n++) {
          for (let i = (n * C + c) * HW, end = i + HW; i < end; i++) {
            const v = (h[(x >>> 2) + i] - mu) * inv;
            if (xn) h[(xn >>> 2) + i] = v;
            h[(y >>> 2) + i] = g * v + b;
          }
        }
      }
    },
    f32_bn2d_bwd(dy, xn, variance, gamma, dx, dgamma, dbeta, N, C, HW, eps) {
      const h = heap();
      const e = Math.fround(eps);
      const M = N * HW;
      for (let c = 0; c < C; c++) {
        let sb = 0, sg = 0;
        for (let n = 0; n < N; n++) {
          for (let i = (n * C + c) * HW, end = i + HW; i < end; i++) {
            sb += h[(dy >>> 2) + i];
            sg += h[(dy >>> 2) + i] * h[(xn >>> 2) + i];
          }
        }
        h[(dbeta >>> 2) + c] = sb;
        h[(dgamma >>> 2) + c] = sg;
        const scale = h[(gamma >>> 2) + c] / Math.sqrt(h[(variance >>> 2) + c] + e);
        for (let n = 0; n < N; n++) {
          for (let i = (n * C + c) * HW, end = i + HW; i < end; i++) {
            h[(dx >>> 2) + i] = scale * (h[(dy >>> 2) + i] - sb / M - h[(xn >>> 2) + i] * sg / M);
          }
        }
      }
    },
    f32_gap_fwd(x, y, rows, HW) {
      const h = heap();
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let i = (x >>> 2) + r * HW, end = i + HW; i < end; i++) s += h[i];
        h[(y >>> 2) + r] = s / HW;
      }
    },
    f32_gap_bwd(dy, dx, rows, HW) {
      const h = heap();
      for (let r = 0; r < rows; r++) h.fill(h[(dy >>> 2) + r] / HW, (dx >>> 2) + r * HW, (dx >>> 2) + (r + 1) * HW);
    },
  } satisfies KernelPart;
}
