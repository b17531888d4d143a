// Twin of assembly/warp.ts. NOTE: the source coordinates are computed in float32 as the wasm kernel
// does (a map's six floats are float32, each step rounded), so that both pick the same pixels; the
// bilinear weights and sums then run in float64.
import type { Heap, KernelPart } from './part.js';

const f = Math.fround;

export function warpKernels(heap: Heap) {
  return {
    f32_warp_affine(x, y, maps, N, C, H, W) {
      const h = heap();
      const plane = H * W;
      const at = (p: number, row: number, col: number) => (row >= 0 && row < H && col >= 0 && col < W ? h[p + row * W + col] : 0);
      for (let n = 0; n < N; n++) {
        const [a, b, c, d, e, g] = h.subarray((maps >>> 2) + n * 6, (maps >>> 2) + n * 6 + 6);
        for (let v = 0; v < H; v++) {
          for (let u = 0; u < W; u++) {
            const sx = f(f(f(a * u) + f(b * v)) + c), sy = f(f(f(d * u) + f(e * v)) + g);
            const x0 = Math.floor(sx), y0 = Math.floor(sy);
            const wx = f(sx - x0), wy = f(sy - y0);
            for (let ch = 0; ch < C; ch++) {
              const p = (x >>> 2) + (n * C + ch) * plane;
              const top = at(p, y0, x0) * (1 - wx) + at(p, y0, x0 + 1) * wx;
              const bottom = at(p, y0 + 1, x0) * (1 - wx) + at(p, y0 + 1, x0 + 1) * wx;
              h[(y >>> 2) + (n * C + ch) * plane + v * W + u] = top * (1 - wy) + bottom * wy;
            }
          }
        }
      }
    },
  } satisfies KernelPart;
}
