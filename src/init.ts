// Weight initialization: Gaussian weights scaled by a standard deviation.
import { kernels } from './backend/runtime.js';
import type { Rng } from './rng.js';
import { randn, type Tensor } from './tensor.js';

/** std · N(0, 1) of the given shape. */
export function gaussian(shape: readonly number[], std: number, rng: Rng): Tensor {
  if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) {
    throw new Error(`weight init: std must be a finite number >= 0, got ${String(std)}`);
  }
  const w = randn(shape, rng);
  kernels().f32_scale(w.offset, w.offset, w.size, std);
  return w;
}
