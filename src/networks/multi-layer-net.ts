// The book's MultiLayerNet and MultiLayerNetExtend (chapter 6), presets of Sequential: fully
// connected layers of any depth with a choice of activation and initialization, weight decay, and
// optionally batch normalization and dropout after each hidden Affine (Affine → BatchNorm →
// activation → Dropout as in the book, or with the batch norm after the activation).
import type { LayerSpec } from '../layers/kind.js';
import { batchNorm, dense, dropout, elu, leakyRelu, relu, sigmoid, tanh } from '../layers/specs.js';
import { EPS } from '../layers/batch-normalization.js';
import { initStd, type WeightInit } from '../init.js';
import { checkDropoutRatio } from '../layers/dropout.js';
import { options } from '../options.js';
import { describe } from '../shape.js';
import type { SequentialOptions } from './architecture.js';
import { Sequential } from './sequential.js';
import { ValueError } from '../errors.js';

/** The hidden layers' activation of a MultiLayerNet: ReLU, sigmoid, tanh, LeakyReLU or ELU. */
export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'leakyrelu' | 'elu';

// The activation's spec, with its own parameter (LeakyReLU's slope, ELU's α) where it has one.
const ACTIVATIONS = new Map<string, (alpha?: number) => LayerSpec>([
  ['relu', () => relu()],
  ['sigmoid', () => sigmoid()],
  ['tanh', () => tanh()],
  ['leakyrelu', (alpha) => leakyRelu({ alpha })],
  ['elu', (alpha) => elu({ alpha })],
]);

/** Options of a MultiLayerNet: sizes, activation, initialization and weight decay. */
export interface MultiLayerNetOptions {
  /** Features per sample. */
  inputSize: number;
  /** Units of each hidden layer, e.g. [100, 100, 100]. */
  hiddenSizeList: number[];
  /** Classes. */
  outputSize: number;
  /** Default 'relu'. */
  activation?: ActivationName;
  /** LeakyReLU's slope (default 0.01) or ELU's α (default 1); only for those activations. */
  activationAlpha?: number;
  /** A standard deviation, or 'xavier'/'sigmoid' (√(1/n)) or 'he'/'relu' (√(2/n)) with n the fan-in. */
  weightInitStd?: WeightInit;
  /** λ of the L2 penalty 0.5·λ·ΣW² added to the loss (biases are not decayed); default 0. */
  weightDecayLambda?: number;
  /** λ of the L1 penalty λ·Σ|W| added to the loss (biases are not penalized); default 0. */
  l1Lambda?: number;
  /** Seed of the weights' random numbers; the same seed gives the same network. */
  seed?: number;
}

/** Options of a MultiLayerNetExtend: those of MultiLayerNet, plus dropout and batch normalization. */
export interface MultiLayerNetExtendOptions extends MultiLayerNetOptions {
  /** A Dropout after each hidden activation; default false. */
  useDropout?: boolean;
  /** The fraction of units dropout zeroes in training, in [0, 1); default 0.5. */
  dropoutRatio?: number;
  /** A BatchNormalization in each hidden layer; default false. */
  useBatchnorm?: boolean;
  /** Where each batch norm goes: 'before' the activation (the book's) or 'after' it. */
  batchnormPosition?: 'before' | 'after';
  /** Weight of the old running mean and variance in each update; default 0.9. */
  batchnormMomentum?: number;
  /** Added to the variance before the square root; default 1e-6. */
  batchnormEps?: number;
}

const BASIC_KEYS = ['inputSize', 'hiddenSizeList', 'outputSize', 'activation', 'activationAlpha', 'weightInitStd', 'weightDecayLambda', 'l1Lambda', 'seed'] as const;
const EXTEND_KEYS = [...BASIC_KEYS, 'useDropout', 'dropoutRatio', 'useBatchnorm', 'batchnormPosition', 'batchnormMomentum', 'batchnormEps'] as const;

/** The Sequential options of a MultiLayerNet (extended: a MultiLayerNetExtend); every option checked. */
export function multiLayerNetSpec(name: string, o: MultiLayerNetExtendOptions, extended: boolean): SequentialOptions {
  if (o === null || typeof o !== 'object') throw new ValueError(`${name}: expected an options object, got ${describe(o)}`);
  const { inputSize, hiddenSizeList, outputSize, activation = 'relu', activationAlpha, weightInitStd = 'relu', weightDecayLambda = 0, l1Lambda = 0, seed,
    useDropout = false, dropoutRatio = 0.5, useBatchnorm = false, batchnormPosition = 'before', batchnormMomentum = 0.9, batchnormEps = EPS,
  } = options(name, o, extended ? EXTEND_KEYS : BASIC_KEYS);
  for (const [what, v] of [['inputSize', inputSize], ['outputSize', outputSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`${name}: ${what} must be a positive integer, got ${describe(v)}`);
  }
  if (!Array.isArray(hiddenSizeList) || hiddenSizeList.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new ValueError(`${name}: hiddenSizeList must be an array of positive integers, got ${JSON.stringify(hiddenSizeList)}`);
  }
  const key = typeof activation === 'string' ? activation.toLowerCase() : '';
  const makeActivation = ACTIVATIONS.get(key);
  if (!makeActivation) throw new ValueError(`${name}: activation must be one of ${[...ACTIVATIONS.keys()].join(', ')}, got ${JSON.stringify(activation)}`);
  if (activationAlpha !== undefined && key !== 'leakyrelu' && key !== 'elu') {
    throw new ValueError(`${name}: activationAlpha is LeakyReLU's slope or ELU's α; the ${activation} activation has none`);
  }
  for (const [what, v] of [['useDropout', useDropout], ['useBatchnorm', useBatchnorm]] as const) {
    if (typeof v !== 'boolean') throw new ValueError(`${name}: ${what} must be a boolean, got ${describe(v)}`);
  }
  if (batchnormPosition !== 'before' && batchnormPosition !== 'after') {
    throw new ValueError(`${name}: batchnormPosition must be 'before' or 'after' (the activation), got ${describe(batchnormPosition)}`);
  }
  checkDropoutRatio(name, dropoutRatio);
  initStd(name, weightInitStd, 1); // a number or a known name
  // the batch norm's momentum and eps, weightDecayLambda and the seed are checked by the layer
  // specs and Sequential, under this network's name
  const layers: LayerSpec[] = [];
  const norm = batchNorm({ momentum: batchnormMomentum, eps: batchnormEps });
  hiddenSizeList.forEach((units) => {
    layers.push(dense({ units, init: weightInitStd }));
    if (useBatchnorm && batchnormPosition === 'before') layers.push(norm);
    layers.push(makeActivation(activationAlpha));
    if (useBatchnorm && batchnormPosition === 'after') layers.push(norm);
    if (useDropout) layers.push(dropout({ ratio: dropoutRatio }));
  });
  // the last Affine feeds SoftmaxWithLoss directly
  layers.push(dense({ units: outputSize, init: weightInitStd }));
  return { inputShape: [inputSize], layers, weightDecayLambda, l1Lambda, seed };
}

/**
 * The book's fully connected network of any depth (chapter 6): (Affine → activation) per hidden
 * layer, then Affine → SoftmaxWithLoss; parameters W1, b1, W2, b2, ... Takes x of shape
 * (N, inputSize).
 */
export class MultiLayerNet extends Sequential {
  constructor(options: MultiLayerNetOptions) {
    super(multiLayerNetSpec('MultiLayerNet', options, false), { name: 'MultiLayerNet', options });
  }
}

/**
 * MultiLayerNet with the book's extensions (chapter 6): optional batch normalization (parameters
 * gamma1, beta1, ...; running statistics in `buffers`) and dropout in each hidden layer.
 */
export class MultiLayerNetExtend extends Sequential {
  constructor(options: MultiLayerNetExtendOptions) {
    super(multiLayerNetSpec('MultiLayerNetExtend', options, true), { name: 'MultiLayerNetExtend', options });
  }
}
