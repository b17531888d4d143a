// The book's TwoLayerNet (chapter 5): Affine - Relu - Affine - SoftmaxWithLoss, a preset of Sequential.
import { dense, relu } from '../layers/specs.js';
import { options, positiveInteger } from '../options.js';
import { checkSeed } from '../rng.js';
import { describe } from '../shape.js';
import type { SequentialOptions } from './architecture.js';
import { Sequential } from './sequential.js';
import { ValueError } from '../errors.js';

/** Options of a TwoLayerNet: the sizes of its three layers of units, e.g. 784, 50, 10 for MNIST. */
export interface TwoLayerNetOptions {
  /** Features per sample. */
  inputSize: number;
  /** Units of the hidden layer. */
  hiddenSize: number;
  /** Classes. */
  outputSize: number;
  /** Standard deviation of the initial weights (biases start at zero); default 0.01. */
  weightInitStd?: number;
  /** Seed of the weights' random numbers; the same seed gives the same network. */
  seed?: number;
}

const NAME = 'TwoLayerNet';

/** The Sequential options of a TwoLayerNet; every option checked. */
export function twoLayerNetSpec(o: TwoLayerNetOptions): SequentialOptions {
  if (o === null || typeof o !== 'object') {
    throw new ValueError(`${NAME}: expected an options object { inputSize, hiddenSize, outputSize, weightInitStd?, seed? }, got ${describe(o)}`);
  }
  const { inputSize, hiddenSize, outputSize, weightInitStd = 0.01, seed } = options(NAME, o, ['inputSize', 'hiddenSize', 'outputSize', 'weightInitStd', 'seed']);
  for (const [name, v] of Object.entries({ inputSize, hiddenSize, outputSize })) {
    positiveInteger(NAME, name, v);
  }
  if (typeof weightInitStd !== 'number' || !Number.isFinite(weightInitStd) || weightInitStd < 0) {
    throw new ValueError(`${NAME}: weightInitStd must be a finite number >= 0, got ${describe(weightInitStd)}`);
  }
  checkSeed(NAME, seed);
  return {
    inputShape: [inputSize],
    layers: [dense({ units: hiddenSize, init: weightInitStd }), relu(), dense({ units: outputSize, init: weightInitStd })],
    seed,
  };
}

/**
 * The book's two-layer network (chapters 4–5): Affine → ReLU → Affine → SoftmaxWithLoss, with
 * parameters W1, b1, W2, b2. Takes x of shape (N, inputSize) and labels t as class indices (N)
 * or one-hot (N, outputSize).
 */
export class TwoLayerNet extends Sequential {
  constructor(options: TwoLayerNetOptions) {
    super(twoLayerNetSpec(options), { name: NAME, options });
  }
}
