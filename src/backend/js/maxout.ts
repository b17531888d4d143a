// Twin of assembly/maxout.ts: comparisons are exact and the backward copies, so both backends
// give the same bits.
import type { Heap, KernelPart } from './part.js';

export function maxoutKernels(heap: Heap) {
  return {
    f32_maxout_fwd(x, y, argmax, outer, k, S) {
      const h = heap();
      const arg = new Int32Array(h.buffer, argmax, outer * S);
      for (let o = 0; o < outer; o++) {
        for (let s = 0; s < S; s++) {
          // the first maximum in p order wins; NaN counts as the maximum (the first NaN wins)
          let best = h[(x >> 2) + o * k * S + s], at = 0;
          for (let p = 1; p < k; p++) {
            const v = h[(x >> 2) + (o * k + p) * S + s];
            if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) { best = v; at = p; }
          }
          h[(y >> 2) + o * S + s] = best;
          arg[o * S + s] = at;
        }
      }
    },
    f32_maxout_bwd(dy, argmax, dx, outer, k, S) {
      const h = heap();
      const arg = new Int32Array(h.buffer, argmax, outer * S);
      for (let o = 0; o < outer; o++) {
        for (let p = 0; p < k; p++) {
          for (let s = 0; s < S; s++) h[(dx >> 2) + (o * k + p) * S + s] = arg[o * S + s] === p ? h[(dy >> 2) + o * S + s] : 0;
        }
      }
    },
  } satisfies KernelPart;
}
