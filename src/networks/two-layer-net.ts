// The book's TwoLayerNet (chapter 5): Affine - Relu - Affine - SoftmaxWithLoss.
import { Affine } from '../layers/affine.js';
import { Relu } from '../layers/activations.js';
import { gaussian } from '../init.js';
import { createRng } from '../rng.js';
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
  constructor({ inputSize, hiddenSize, outputSize, weightInitStd = 0.01, seed }: TwoLayerNetOptions) {
    for (const [name, v] of Object.entries({ inputSize, hiddenSize, outputSize })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`TwoLayerNet: ${name} must be a positive integer, got ${String(v)}`);
    }
    super('TwoLayerNet', [inputSize], outputSize);
    const rng = createRng(seed);
    this.addLayer(new Affine(gaussian([inputSize, hiddenSize], weightInitStd, rng), zeros([hiddenSize])), { W: 'W1', b: 'b1' });
    this.addLayer(new Relu());
    this.addLayer(new Affine(gaussian([hiddenSize, outputSize], weightInitStd, rng), zeros([outputSize])), { W: 'W2', b: 'b2' });
  }
}
