// Twin of assembly/softmax.ts.
import type { Heap, KernelPart } from './part.js';

export function softmaxKernels(heap: Heap) {
  const argmaxRow = (h: Float32Array, start: number, cols: number): number => {
    let best = 0;
    for (let c = 1; c < cols; c++) if (h[start + c] > h[start + best]) best = c;
    return best;
  };
  return {
    f32_softmax_fwd(x, y, rows, cols) {
      const h = heap();
      for (let r = 0; r < rows; r++) {
        const xr = (x >>> 2) + r * cols, yr = (y >>> 2) + r * cols;
        let m = -Infinity;
        for (let c = 0; c < cols; c++) m = Math.max(m, h[xr + c]);
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += Math.exp(h[xr + c] - m);
        for (let c = 0; c < cols; c++) h[yr + c] = Math.exp(h[xr + c] - m) / sum;
      }
    },
    f32_xent_labels_fwd(y, t, rows, cols) {
      const h = heap();
      let loss = 0;
      for (let r = 0; r < rows; r++) loss -= Math.log(h[(y >>> 2) + r * cols + h[(t >>> 2) + r]] + 1e-7);
      return loss;
    },
    f32_xent_onehot_fwd(y, t, rows, cols) {
      const h = heap();
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        loss -= Math.log(h[(y >>> 2) + r * cols + argmaxRow(h, (t >>> 2) + r * cols, cols)] + 1e-7);
      }
      return loss;
    },
    f32_softmax_xent_labels_bwd(y, t, dx, rows, cols, scale) {
      const h = heap();
      const s = Math.fround(scale);
      for (let r = 0; r < rows; r++) {
        const label = h[(t >>> 2) + r];
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          h[(dx >>> 2) + i] = (h[(y >>> 2) + i] - (c === label ? 1 : 0)) * s;
        }
      }
    },
    f32_softmax_xent_onehot_bwd(y, t, dx, rows, cols, scale) {
      const h = heap();
      const s = Math.fround(scale);
      for (let i = 0; i < rows * cols; i++) h[(dx >>> 2) + i] = (h[(y >>> 2) + i] - h[(t >>> 2) + i]) * s;
    },
    f32_argmax_rows(x, out, rows, cols) {
      const h = heap();
      for (let r = 0; r < rows; r++) h[(out >>> 2) + r] = argmaxRow(h, (x >>> 2) + r * cols, cols);
    },
  } satisfies KernelPart;
}
