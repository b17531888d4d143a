// The book's DeepConvNet (chapter 8), a preset of Sequential: six 3×3 convolutions (16, 16, 32,
// 32, 64, 64 filters) with ReLU and a 2×2 max pool after each pair, then affine 50 - relu -
// dropout - affine 10 - dropout, He initialization. Its fourth convolution pads by 2, as the
// book's does (14 → 16 → pool 8).
import { checkDropoutRatio } from '../layers/dropout.js';
import type { LayerSpec } from '../layers/kind.js';
import { conv2d, dense, dropout, maxPool2d, relu } from '../layers/specs.js';
import { options, positiveInteger } from '../options.js';
import { describe } from '../shape.js';
import type { SequentialOptions } from './architecture.js';
import { Sequential } from './sequential.js';
import { checkConvParam, checkInputDim, type ConvParam } from './simple-conv-net.js';
import { ValueError } from '../errors.js';

/** Options of a DeepConvNet; every one has the book's default. */
export interface DeepConvNetOptions {
  /** One sample's shape (C, H, W); default [1, 28, 28]. */
  inputDim?: [number, number, number];
  /** The six convolutions; default the book's 3×3 filters, 16, 16, 32, 32, 64, 64 of them. */
  convParams?: ConvParam[];
  /** Units of the hidden Affine layer; default 50. */
  hiddenSize?: number;
  /** Classes; default 10. */
  outputSize?: number;
  /** The fraction of units each Dropout zeroes in training; default 0.5. */
  dropoutRatio?: number;
  /** Seed of the weights' and dropout's random numbers. */
  seed?: number;
}

const NAME = 'DeepConvNet';
const KEYS = ['inputDim', 'convParams', 'hiddenSize', 'outputSize', 'dropoutRatio', 'seed'] as const;
const BOOK_CONV: ConvParam[] = [16, 16, 32, 32, 64, 64].map((filterNum, i) => ({ filterNum, filterSize: 3, pad: i === 3 ? 2 : 1, stride: 1 }));

/** The Sequential options of a DeepConvNet; every option checked. */
export function deepConvNetSpec(o: DeepConvNetOptions = {}): SequentialOptions {
  if (o === null || typeof o !== 'object') throw new ValueError(`${NAME}: expected an options object, got ${describe(o)}`);
  const { inputDim = [1, 28, 28], convParams = BOOK_CONV, hiddenSize = 50, outputSize = 10, dropoutRatio = 0.5, seed } = options(NAME, o, KEYS);
  checkInputDim(NAME, inputDim);
  if (!Array.isArray(convParams) || convParams.length !== 6) {
    throw new ValueError(`${NAME}: expected 6 convolution settings in convParams, got ${Array.isArray(convParams) ? convParams.length : describe(convParams)}`);
  }
  convParams.forEach((p, i) => checkConvParam(NAME, `convParams[${i}]`, p));
  for (const [what, v] of Object.entries({ hiddenSize, outputSize })) {
    positiveInteger(NAME, what, v);
  }
  checkDropoutRatio(NAME, dropoutRatio);
  const layers: LayerSpec[] = [];
  // He: √(2 / fan-in) for every layer, as the book's weight_init_scales
  convParams.forEach((p, i) => {
    layers.push(conv2d({ filters: p.filterNum, kernelSize: p.filterSize, stride: p.stride, pad: p.pad, init: 'he' }), relu());
    if (i % 2 === 1) layers.push(maxPool2d({ size: 2 }));
  });
  layers.push(dense({ units: hiddenSize, init: 'he' }), relu(), dropout({ ratio: dropoutRatio }),
    dense({ units: outputSize, init: 'he' }), dropout({ ratio: dropoutRatio }));
  return { inputShape: inputDim, layers, seed };
}

/**
 * The book's deep convolutional network (chapter 8): six 3×3 convolutions with ReLU, a 2×2 max
 * pool after each pair, then Affine → ReLU → Dropout → Affine → Dropout, He initialization. Takes
 * images x of shape (N, C, H, W); about 99.4% on MNIST in the book.
 */
export class DeepConvNet extends Sequential {
  constructor(options: DeepConvNetOptions = {}) {
    super(deepConvNetSpec(options), { name: NAME, options });
  }
}
