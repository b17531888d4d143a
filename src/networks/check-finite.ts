// The finite check of a network's input, one SIMD pass.
import { kernels } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';
import { ValueError } from '../errors.js';

/**
 * Throws unless every value of x (N samples) is finite: NaN or Infinity in the data would
 * otherwise come out as a NaN loss, NaN gradients and NaN parameters after the next update (and
 * NaN batch-norm running statistics already in the forward pass).
 * NOTE: one SIMD pass (f32_all_finite); only bad data pays for the element-by-element scan that
 * finds the culprit. Measured on a batch of 100 MNIST images (78 400 floats): 6 µs, against 18 µs
 * for a sum of squares (one dependent chain of additions) and 75-90 µs for a loop over x.data in
 * JS; a TwoLayerNet 784-50-10 step takes ~450 µs.
 */
export function checkFinite(caller: string, x: Tensor, n: number): void {
  if (kernels().f32_all_finite(x.offset, x.size)) return;
  const data = x.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ValueError(`${caller}: x must be finite, got ${data[i]} at flat index ${i} (sample ${Math.floor(i / (data.length / n))})`);
    }
  }
}
