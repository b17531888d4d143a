// The book's SimpleConvNet (chapter 7): conv - relu - pool - affine - relu - affine - softmax.
import { Relu } from '../layers/activations.js';
import { Affine } from '../layers/affine.js';
import { Convolution } from '../layers/convolution.js';
import { Pooling } from '../layers/pooling.js';
import { gaussian, initStd, type WeightInit } from '../init.js';
import { outputSize } from '../ops/conv.js';
import { checkSeed, createRng } from '../rng.js';
import { describe } from '../shape.js';
import { zeros } from '../tensor.js';
import { LayerNet } from './network.js';

export interface ConvParam {
  filterNum: number;
  filterSize: number;
  pad: number;
  stride: number;
}

export interface SimpleConvNetOptions {
  inputDim?: [number, number, number];
  convParam?: ConvParam;
  hiddenSize?: number;
  outputSize?: number;
  /** A standard deviation (the book's 0.01), or 'he'/'relu', 'xavier'/'sigmoid' from each layer's fan-in. */
  weightInitStd?: WeightInit;
  seed?: number;
}

export class SimpleConvNet extends LayerNet {
  constructor(options: SimpleConvNetOptions = {}) {
    const name = 'SimpleConvNet';
    if (options === null || typeof options !== 'object') throw new Error(`${name}: expected an options object, got ${describe(options)}`);
    const {
      inputDim = [1, 28, 28], convParam = { filterNum: 30, filterSize: 5, pad: 0, stride: 1 },
      hiddenSize = 100, outputSize: classes = 10, weightInitStd = 0.01, seed,
    } = options;
    checkInputDim(name, inputDim);
    const { filterNum, filterSize, pad, stride } = checkConvParam(name, 'convParam', convParam);
    for (const [what, v] of Object.entries({ hiddenSize, outputSize: classes })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: ${what} must be a positive integer, got ${describe(v)}`);
    }
    checkSeed(name, seed);
    const [C, H, W] = inputDim;
    const [OH, OW] = outputSize(name, [1, C, H, W], { FH: filterSize, FW: filterSize, stride, pad });
    if (OH % 2 || OW % 2) throw new Error(`${name}: the convolution's ${OH}×${OW} output must have even sides for the 2×2 pooling`);
    const poolOutput = filterNum * (OH / 2) * (OW / 2);
    const stds = [
      initStd(name, weightInitStd, C * filterSize * filterSize),
      initStd(name, weightInitStd, poolOutput),
      initStd(name, weightInitStd, hiddenSize),
    ];
    super(name, [C, H, W], classes);
    const rng = createRng(seed);
    this.addLayer(new Convolution(gaussian([filterNum, C, filterSize, filterSize], stds[0], rng), zeros([filterNum]), stride, pad), { W: 'W1', b: 'b1' });
    this.addLayer(new Relu());
    this.addLayer(new Pooling(2, 2, 2));
    this.addLayer(new Affine(gaussian([poolOutput, hiddenSize], stds[1], rng), zeros([hiddenSize])), { W: 'W2', b: 'b2' });
    this.addLayer(new Relu());
    this.addLayer(new Affine(gaussian([hiddenSize, classes], stds[2], rng), zeros([classes])), { W: 'W3', b: 'b3' });
  }
}

/** Throws unless inputDim is [C, H, W] of positive integers. */
export function checkInputDim(caller: string, inputDim: unknown): [number, number, number] {
  if (!Array.isArray(inputDim) || inputDim.length !== 3 || !inputDim.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${caller}: inputDim must be [C, H, W] (three positive integers), got ${Array.isArray(inputDim) ? JSON.stringify(inputDim) : describe(inputDim)}`);
  }
  return inputDim as [number, number, number];
}

/** Throws unless p is { filterNum, filterSize, pad, stride } with filterNum, filterSize and stride
 *  positive integers and pad a non-negative integer; `what` names it in the message. */
export function checkConvParam(caller: string, what: string, p: unknown): ConvParam {
  if (p === null || typeof p !== 'object') throw new Error(`${caller}: ${what} must be { filterNum, filterSize, pad, stride }, got ${describe(p)}`);
  const c = p as Record<string, unknown>;
  for (const [key, min] of [['filterNum', 1], ['filterSize', 1], ['stride', 1], ['pad', 0]] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || (v as number) < min) throw new Error(`${caller}: ${what}.${key} must be an integer >= ${min}, got ${describe(v)}`);
  }
  return p as ConvParam;
}
