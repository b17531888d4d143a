// The book's SimpleConvNet (chapter 7): conv - relu - pool - affine - relu - affine - softmax.
import { Relu } from '../layers/activations.js';
import { Affine } from '../layers/affine.js';
import { Convolution } from '../layers/convolution.js';
import { Pooling } from '../layers/pooling.js';
import { gaussian, initStd, type WeightInit } from '../init.js';
import { outputSize } from '../ops/conv.js';
import { createRng } from '../rng.js';
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
  constructor({
    inputDim = [1, 28, 28], convParam = { filterNum: 30, filterSize: 5, pad: 0, stride: 1 },
    hiddenSize = 100, outputSize: classes = 10, weightInitStd = 0.01, seed,
  }: SimpleConvNetOptions = {}) {
    const name = 'SimpleConvNet';
    const { filterNum, filterSize, pad, stride } = convParam;
    for (const [what, v] of Object.entries({ filterNum, hiddenSize, outputSize: classes })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: ${what} must be a positive integer, got ${String(v)}`);
    }
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
