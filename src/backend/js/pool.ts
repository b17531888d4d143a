// Twin of assembly/pool.ts. Max pooling and both backward passes give the same bits as the wasm
// kernels (comparisons are exact; the scatters add the same float32 values in the same order);
// the average pool's forward sums in float64 and rounds once.
import { outSize } from './im2col.js';
import type { Heap, KernelPart } from './part.js';

export function poolKernels(heap: Heap) {
  return {
    f32_maxpool_fwd(x, y, argmax, N, C, H, W, PH, PW, stride, pad) {
      const h = heap();
      const OH = outSize(H, PH, stride, pad), OW = outSize(W, PW, stride, pad);
      if (OH === 0 || OW === 0) return;
      const arg = new Int32Array(h.buffer, argmax, N * C * OH * OW);
      let o = 0;
      for (let p = 0; p < N * C; p++) {
        const plane = (x >>> 2) + p * H * W;
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++, o++) {
            // padding counts as 0; the first maximum in (ky, kx) order wins; NaN is a maximum
            let best = 0, at = -1;
            for (let ky = 0; ky < PH; ky++) {
              const iy = oy * stride - pad + ky;
              for (let kx = 0; kx < PW; kx++) {
                const ix = ox * stride - pad + kx;
                const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
                const v = inside ? h[plane + iy * W + ix] : 0;
                if ((ky === 0 && kx === 0) || v > best || (v !== v && best === best)) {
                  best = v;
                  at = inside ? iy * W + ix : -1;
                }
              }
            }
            h[(y >>> 2) + o] = best;
            arg[o] = at;
          }
        }
      }
    },
    f32_maxpool_bwd(dy, argmax, dx, N, C, H, W, PH, PW, stride, pad) {
      const h = heap();
      const OH = outSize(H, PH, stride, pad), OW = outSize(W, PW, stride, pad);
      h.fill(0, dx >>> 2, (dx >>> 2) + N * C * H * W);
      const arg = new Int32Array(h.buffer, argmax, N * C * OH * OW);
      for (let p = 0, o = 0; p < N * C; p++) {
        const plane = (dx >>> 2) + p * H * W;
        for (let i = 0; i < OH * OW; i++, o++) if (arg[o] >= 0) h[plane + arg[o]] += h[(dy >>> 2) + o];
      }
    },
    f32_avgpool_fwd(x, y, N, C, H, W, PH, PW, stride, pad) {
      const h = heap();
      const OH = outSize(H, PH, stride, pad), OW = outSize(W, PW, stride, pad);
      if (OH === 0 || OW === 0) return;
      const area = PH * PW;
      let o = y >>> 2;
      for (let p = 0; p < N * C; p++) {
        const plane = (x >>> 2) + p * H * W;
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++, o++) {
            let sum = 0;
            for (let ky = 0; ky < PH; ky++) {
              const iy = oy * stride - pad + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < PW; kx++) {
                const ix = ox * stride - pad + kx;
                if (ix >= 0 && ix < W) sum += h[plane + iy * W + ix];
              }
            }
            h[o] = sum / area;
          }
        }
      }
    },
    f32_avgpool_bwd(dy, dx, N, C, H, W, PH, PW, stride, pad) {
      const h = heap();
      h.fill(0, dx >>> 2, (dx >>> 2) + N * C * H * W);
      const OH = outSize(H, PH, stride, pad), OW = outSize(W, PW, stride, pad);
      if (OH === 0 || OW === 0) return;
      const area = PH * PW;
      let o = dy >>> 2;
      for (let p = 0; p < N * C; p++) {
        const plane = (dx >>> 2) + p * H * W;
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++, o++) {
            // NOTE: rounded to float32 as the wasm kernel's g, so the sums match it bit for bit
            const g = Math.fround(h[o] / area);
            for (let ky = 0; ky < PH; ky++) {
              const iy = oy * stride - pad + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < PW; kx++) {
                const ix = ox * stride - pad + kx;
                if (ix >= 0 && ix < W) h[plane + iy * W + ix] += g;
              }
            }
          }
        }
      }
    },
  } satisfies KernelPart;
}
