// Twin of assembly/dropout.ts: the same counter-based uniforms, so both backends draw the same mask.
import type { Heap, KernelPart } from './part.js';

// lowbias32, as the wasm kernel's hash4 lane by lane
function hash(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b | 0);
  return (x ^ (x >>> 16)) | 0;
}

export function dropoutKernels(heap: Heap) {
  return {
    f32_dropout_fwd(x, mask, y, n, ratio, key) {
      const h = heap();
      const r = Math.fround(ratio);
      for (let i = 0; i < n; i++) {
        const bits = hash((hash(i ^ key) + key) | 0) >>> 8;
        const m = bits / 16777216 > r ? 1 : 0;
        h[(mask >>> 2) + i] = m;
        h[(y >>> 2) + i] = h[(x >>> 2) + i] * m;
      }
    },
  } satisfies KernelPart;
}
