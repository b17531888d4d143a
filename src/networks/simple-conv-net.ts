// The book's SimpleConvNet (chapter 7), a preset of Sequential:
// conv - relu - pool - affine - relu - affine - softmax.
import type { WeightInit } from '../init.js';
import { conv2d, dense, maxPool2d, relu } from '../layers/specs.js';
import { integer, options, positiveInteger } from '../options.js';
import { describe } from '../shape.js';
import type { SequentialOptions } from './architecture.js';
import { Sequential } from './sequential.js';
import { ValueError } from '../errors.js';

/** One convolution's settings, as the book's conv_param. */
export interface ConvParam {
  /** Number of filters (output channels). */
  filterNum: number;
  /** Height and width of each filter, in pixels. */
  filterSize: number;
  /** Zero pixels added on each side of the input. */
  pad: number;
  /** Step between filter positions, in pixels. */
  stride: number;
}

/** Options of a SimpleConvNet; every one has the book's default. */
export interface SimpleConvNetOptions {
  /** One sample's shape (C, H, W); default [1, 28, 28]. */
  inputDim?: [number, number, number];
  /** Default { filterNum: 30, filterSize: 5, pad: 0, stride: 1 }. */
  convParam?: ConvParam;
  /** Units of the hidden Affine layer; default 100. */
  hiddenSize?: number;
  /** Classes; default 10. */
  outputSize?: number;
  /** A standard deviation (the book's 0.01), or 'he'/'relu', 'xavier'/'sigmoid' from each layer's fan-in. */
  weightInitStd?: WeightInit;
  /** Seed of the weights' random numbers; the same seed gives the same network. */
  seed?: number;
}

const NAME = 'SimpleConvNet';
const KEYS = ['inputDim', 'convParam', 'hiddenSize', 'outputSize', 'weightInitStd', 'seed'] as const;

/** The Sequential options of a SimpleConvNet; every option checked. */
export function simpleConvNetSpec(o: SimpleConvNetOptions = {}): SequentialOptions {
  if (o === null || typeof o !== 'object') throw new ValueError(`${NAME}: expected an options object, got ${describe(o)}`);
  const {
    inputDim = [1, 28, 28], convParam = { filterNum: 30, filterSize: 5, pad: 0, stride: 1 },
    hiddenSize = 100, outputSize = 10, weightInitStd = 0.01, seed,
  } = options(NAME, o, KEYS);
  checkInputDim(NAME, inputDim);
  const { filterNum, filterSize, pad, stride } = checkConvParam(NAME, 'convParam', convParam);
  for (const [what, v] of Object.entries({ hiddenSize, outputSize })) {
    positiveInteger(NAME, what, v);
  }
  return {
    inputShape: inputDim,
    layers: [
      conv2d({ filters: filterNum, kernelSize: filterSize, stride, pad, init: weightInitStd }), relu(), maxPool2d({ size: 2 }),
      dense({ units: hiddenSize, init: weightInitStd }), relu(), dense({ units: outputSize, init: weightInitStd }),
    ],
    seed,
  };
}

/**
 * The book's convolutional network (chapter 7): Convolution → ReLU → 2×2 max Pooling → Affine →
 * ReLU → Affine → SoftmaxWithLoss. Takes images x of shape (N, C, H, W).
 */
export class SimpleConvNet extends Sequential {
  constructor(options: SimpleConvNetOptions = {}) {
    super(simpleConvNetSpec(options), { name: NAME, options });
  }
}

/** Throws unless inputDim is [C, H, W] of positive integers. */
export function checkInputDim(caller: string, inputDim: unknown): [number, number, number] {
  if (!Array.isArray(inputDim) || inputDim.length !== 3 || !inputDim.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ValueError(`${caller}: inputDim must be [C, H, W] (three positive integers), got ${Array.isArray(inputDim) ? JSON.stringify(inputDim) : describe(inputDim)}`);
  }
  return inputDim as [number, number, number];
}

/** Throws unless p is { filterNum, filterSize, pad, stride } with filterNum, filterSize and stride
 *  positive integers and pad a non-negative integer; `what` names it in the message. */
export function checkConvParam(caller: string, what: string, p: unknown): ConvParam {
  if (p === null || typeof p !== 'object') throw new ValueError(`${caller}: ${what} must be { filterNum, filterSize, pad, stride }, got ${describe(p)}`);
  const c = options(`${caller}: ${what}`, p as ConvParam, ['filterNum', 'filterSize', 'pad', 'stride']) as unknown as Record<string, unknown>;
  for (const [key, min] of [['filterNum', 1], ['filterSize', 1], ['stride', 1], ['pad', 0]] as const) {
    const v = c[key];
    integer(caller, `${what}.${key}`, v, min);
  }
  return p as ConvParam;
}
