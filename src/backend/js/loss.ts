// Twin of assembly/loss.ts: the same float64 loops (Math.exp and Math.log1p may differ from the
// wasm module's in the last bit, so the sigmoid cross-entropy agrees to ~1e-15, the others exactly).
import type { Heap, KernelPart } from './part.js';

export function lossKernels(heap: Heap) {
  return {
    f32_mse_fwd(y, t, n) {
      const h = heap();
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const d = h[(y >> 2) + i] - h[(t >> 2) + i];
        sum += 0.5 * d * d;
      }
      return sum;
    },
    f32_mse_labels_fwd(y, t, rows, cols) {
      const h = heap();
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        const label = h[(t >> 2) + r];
        for (let c = 0; c < cols; c++) {
          const d = h[(y >> 2) + r * cols + c] - (c === label ? 1 : 0);
          sum += 0.5 * d * d;
        }
      }
      return sum;
    },
    f32_sigmoid_xent_fwd(x, t, n) {
      const h = heap();
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = h[(x >> 2) + i], target = h[(t >> 2) + i];
        sum += Math.max(v, 0) - target * v + Math.log1p(Math.exp(-Math.abs(v)));
      }
      return sum;
    },
  } satisfies KernelPart;
}
