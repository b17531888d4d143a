// Weight initialization: Gaussian weights with a standard deviation given as a number, or by name
// from the layer's fan-in n (the inputs of each unit; for a convolution C·FH·FW): Xavier √(1/n)
// for sigmoid and tanh, He √(2/n) for ReLU, as the book's MultiLayerNet.
import type { Rng } from './rng.js';
import { randn, type Tensor } from './tensor.js';
import { scaleInto } from './ops/elementwise.js';
import { ValueError } from './errors.js';

/** A weight initialization: a standard deviation, Xavier `√(1/n)` (`'xavier'` or `'sigmoid'`) or He
 *  `√(2/n)` (`'he'` or `'relu'`), with n the layer's fan-in. */
export type WeightInit = number | 'xavier' | 'sigmoid' | 'he' | 'relu';

/** The standard deviation `init` means for a layer with fan-in `fanIn`. */
export function initStd(caller: string, init: WeightInit, fanIn: number): number {
  if (typeof init === 'number') {
    if (!Number.isFinite(init) || init < 0) throw new ValueError(`${caller}: weightInitStd must be a finite number >= 0, got ${init}`);
    return init;
  }
  switch (typeof init === 'string' ? init.toLowerCase() : init) {
    case 'xavier':
    case 'sigmoid':
      return Math.sqrt(1 / fanIn);
    case 'he':
    case 'relu':
      return Math.sqrt(2 / fanIn);
  }
  throw new ValueError(`${caller}: weightInitStd must be a number or one of 'xavier', 'sigmoid', 'he', 'relu', got ${JSON.stringify(init)}`);
}

/** std · N(0, 1) of the given shape. */
export function gaussian(shape: readonly number[], std: number, rng: Rng): Tensor {
  if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) {
    throw new ValueError(`weight init: std must be a finite number >= 0, got ${String(std)}`);
  }
  const w = randn(shape, rng);
  scaleInto(w, w, std);
  return w;
}

