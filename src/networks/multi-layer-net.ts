// The book's MultiLayerNet and MultiLayerNetExtend (chapter 6): fully connected layers of any
// depth with a choice of activation and initialization, weight decay, and optionally batch
// normalization and dropout after each hidden Affine (Affine → BatchNorm → activation → Dropout).
import { kernels } from '../backend/runtime.js';
import { Elu, LeakyRelu, Relu, Sigmoid, Tanh } from '../layers/activations.js';
import { Affine } from '../layers/affine.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dropout } from '../layers/dropout.js';
import type { Layer } from '../layers/layer.js';
import { gaussian, initStd, type WeightInit } from '../init.js';
import { checkSeed, createRng } from '../rng.js';
import { describe } from '../shape.js';
import { ones, type Tensor, zeros } from '../tensor.js';
import { LayerNet } from './network.js';

const ACTIVATIONS: Record<string, () => Layer> = {
  relu: () => new Relu(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  leakyrelu: () => new LeakyRelu(),
  elu: () => new Elu(),
};

export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'leakyrelu' | 'elu';

export interface MultiLayerNetOptions {
  inputSize: number;
  hiddenSizeList: number[];
  outputSize: number;
  activation?: ActivationName;
  /** A standard deviation, or 'xavier'/'sigmoid' (√(1/n)) or 'he'/'relu' (√(2/n)) with n the fan-in. */
  weightInitStd?: WeightInit;
  /** λ of the L2 penalty 0.5·λ·ΣW² added to the loss (biases are not decayed). */
  weightDecayLambda?: number;
  seed?: number;
}

export interface MultiLayerNetExtendOptions extends MultiLayerNetOptions {
  useDropout?: boolean;
  dropoutRatio?: number;
  useBatchnorm?: boolean;
}

// The shared body of both networks.
abstract class FullyConnectedNet extends LayerNet {
  readonly weightDecayLambda: number;
  readonly #weights: Tensor[] = [];

  protected constructor(name: string, options: MultiLayerNetExtendOptions, extended: boolean) {
    const o = checkOptions(name, options);
    super(name, [o.inputSize], o.outputSize);
    this.weightDecayLambda = o.weightDecayLambda;
    const sizes = [o.inputSize, ...o.hiddenSizeList, o.outputSize];
    const stds = sizes.slice(1).map((_, i) => initStd(name, o.weightInitStd, sizes[i])); // all checked before allocating
    const rng = createRng(o.seed);
    // a stream of its own, so adding dropout does not change the initial weights
    const dropoutSeeds = createRng(o.seed === undefined ? undefined : o.seed + 0x9e3779b9);
    for (let idx = 1; idx < sizes.length; idx++) {
      const W = gaussian([sizes[idx - 1], sizes[idx]], stds[idx - 1], rng);
      this.#weights.push(W);
      this.addLayer(new Affine(W, zeros([sizes[idx]])), { W: `W${idx}`, b: `b${idx}` });
      if (idx === sizes.length - 1) break; // the last Affine feeds SoftmaxWithLoss directly
      if (extended && o.useBatchnorm) {
        this.addLayer(new BatchNormalization(ones([sizes[idx]]), zeros([sizes[idx]])), { gamma: `gamma${idx}`, beta: `beta${idx}` },
          { runningMean: `runningMean${idx}`, runningVar: `runningVar${idx}` });
      }
      this.addLayer(o.makeActivation());
      if (extended && o.useDropout) this.addLayer(new Dropout(o.dropoutRatio, { seed: dropoutSeeds.nextUint32() }));
    }
  }

  protected override penalty(): number {
    if (this.weightDecayLambda === 0) return 0;
    const k = kernels();
    let sum = 0;
    for (const W of this.#weights) sum += k.f32_sum_squares(W.offset, W.size);
    return 0.5 * this.weightDecayLambda * sum;
  }

  // d(0.5·λ·ΣW²)/dW = λ·W, added into each dW
  protected override addPenaltyGradients(grads: Record<string, Tensor>): void {
    if (this.weightDecayLambda === 0) return;
    const k = kernels();
    this.#weights.forEach((W, i) => k.f32_axpy(W.offset, grads[`W${i + 1}`].offset, W.size, this.weightDecayLambda));
  }
}

export class MultiLayerNet extends FullyConnectedNet {
  constructor(options: MultiLayerNetOptions) {
    super('MultiLayerNet', options, false);
  }
}

export class MultiLayerNetExtend extends FullyConnectedNet {
  constructor(options: MultiLayerNetExtendOptions) {
    super('MultiLayerNetExtend', options, true);
  }
}

// Every option checked, with defaults, before anything is allocated.
function checkOptions(name: string, options: MultiLayerNetExtendOptions) {
  if (options === null || typeof options !== 'object') throw new Error(`${name}: expected an options object, got ${describe(options)}`);
  const { inputSize, hiddenSizeList, outputSize, activation = 'relu', weightInitStd = 'relu', weightDecayLambda = 0, seed,
    useDropout = false, dropoutRatio = 0.5, useBatchnorm = false } = options;
  checkSizes(name, inputSize, hiddenSizeList, outputSize);
  const makeActivation = ACTIVATIONS[String(activation).toLowerCase()];
  if (!makeActivation) throw new Error(`${name}: activation must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${JSON.stringify(activation)}`);
  if (typeof weightDecayLambda !== 'number' || !(weightDecayLambda >= 0) || !Number.isFinite(weightDecayLambda)) {
    throw new Error(`${name}: weightDecayLambda must be a finite number >= 0, got ${describe(weightDecayLambda)}`);
  }
  if (typeof dropoutRatio !== 'number' || !(dropoutRatio >= 0 && dropoutRatio < 1)) {
    throw new Error(`${name}: dropoutRatio must be a number in [0, 1), got ${describe(dropoutRatio)}`);
  }
  for (const [what, v] of [['useDropout', useDropout], ['useBatchnorm', useBatchnorm]] as const) {
    if (typeof v !== 'boolean') throw new Error(`${name}: ${what} must be a boolean, got ${describe(v)}`);
  }
  checkSeed(name, seed);
  return { inputSize, hiddenSizeList, outputSize, makeActivation, weightInitStd, weightDecayLambda, seed, useDropout, dropoutRatio, useBatchnorm };
}

function checkSizes(name: string, inputSize: number, hidden: number[], outputSize: number): void {
  for (const [what, v] of [['inputSize', inputSize], ['outputSize', outputSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: ${what} must be a positive integer, got ${describe(v)}`);
  }
  if (!Array.isArray(hidden) || hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new Error(`${name}: hiddenSizeList must be an array of positive integers, got ${JSON.stringify(hidden)}`);
  }
}
