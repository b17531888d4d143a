// The book's TwoLayerNet (chapter 5): Affine - Relu - Affine - SoftmaxWithLoss.
import { Affine } from '../layers/affine.js';
import { Relu } from '../layers/activations.js';
import { gaussian } from '../init.js';
import { checkSeed, createRng } from '../rng.js';
import { describe } from '../shape.js';
import { zeros } from '../tensor.js';
import { LayerNet } from './network.js';

export interface TwoLayerNetOptions {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  /** Standard deviation of the initial weights (biases start at zero). */
  weightInitStd?: number;
  /** Seed of the weights' random numbers; the same seed gives the same network. */
  seed?: number;
}

export class TwoLayerNet extends LayerNet {
  constructor(options: TwoLayerNetOptions) {
    if (options === null || typeof options !== 'object') {
      throw new Error(`TwoLayerNet: expected an options object { inputSize, hiddenSize, outputSize, weightInitStd?, seed? }, got ${describe(options)}`);
    }
    const { inputSize, hiddenSize, outputSize, weightInitStd = 0.01, seed } = options;
    for (const [name, v] of Object.entries({ inputSize, hiddenSize, outputSize })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`TwoLayerNet: ${name} must be a positive integer, got ${describe(v)}`);
    }
    if (typeof weightInitStd !== 'number' || !Number.isFinite(weightInitStd) || weightInitStd < 0) {
      throw new Error(`TwoLayerNet: weightInitStd must be a finite number >= 0, got ${describe(weightInitStd)}`);
    }
    checkSeed('TwoLayerNet', seed);
    super('TwoLayerNet', [inputSize], outputSize);
    const rng = createRng(seed);
    this.addLayer(new Affine(gaussian([inputSize, hiddenSize], weightInitStd, rng), zeros([hiddenSize])), { W: 'W1', b: 'b1' });
    this.addLayer(new Relu());
    this.addLayer(new Affine(gaussian([hiddenSize, outputSize], weightInitStd, rng), zeros([outputSize])), { W: 'W2', b: 'b2' });
  }
}
