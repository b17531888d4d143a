// The book's DeepConvNet (chapter 8): six 3×3 convolutions (16, 16, 32, 32, 64, 64 filters) with
// ReLU and a 2×2 max pool after each pair, then affine 50 - relu - dropout - affine 10 - dropout,
// He initialization. Its fourth convolution pads by 2, as the book's does (14 → 16 → pool 8).
import { Relu } from '../layers/activations.js';
import { Affine } from '../layers/affine.js';
import { Convolution } from '../layers/convolution.js';
import { Dropout } from '../layers/dropout.js';
import { Pooling } from '../layers/pooling.js';
import { gaussian, initStd } from '../init.js';
import { checkSeed, createRng } from '../rng.js';
import { describe } from '../shape.js';
import { zeros } from '../tensor.js';
import { checkConvParam, checkInputDim, type ConvParam } from './simple-conv-net.js';
import { LayerNet } from './network.js';

export interface DeepConvNetOptions {
  inputDim?: [number, number, number];
  convParams?: ConvParam[];
  hiddenSize?: number;
  outputSize?: number;
  dropoutRatio?: number;
  seed?: number;
}

const BOOK_CONV: ConvParam[] = [16, 16, 32, 32, 64, 64].map((filterNum, i) => ({ filterNum, filterSize: 3, pad: i === 3 ? 2 : 1, stride: 1 }));

export class DeepConvNet extends LayerNet {
  constructor(options: DeepConvNetOptions = {}) {
    const name = 'DeepConvNet';
    if (options === null || typeof options !== 'object') throw new Error(`${name}: expected an options object, got ${describe(options)}`);
    const { inputDim = [1, 28, 28], convParams = BOOK_CONV, hiddenSize = 50, outputSize = 10, dropoutRatio = 0.5, seed } = options;
    // every option checked before anything is allocated
    checkInputDim(name, inputDim);
    if (!Array.isArray(convParams) || convParams.length !== 6) {
      throw new Error(`${name}: expected 6 convolution settings in convParams, got ${Array.isArray(convParams) ? convParams.length : describe(convParams)}`);
    }
    convParams.forEach((p, i) => checkConvParam(name, `convParams[${i}]`, p));
    for (const [what, v] of Object.entries({ hiddenSize, outputSize })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: ${what} must be a positive integer, got ${describe(v)}`);
    }
    if (typeof dropoutRatio !== 'number' || !(dropoutRatio >= 0 && dropoutRatio < 1)) {
      throw new Error(`${name}: dropoutRatio must be a number in [0, 1), got ${describe(dropoutRatio)}`);
    }
    checkSeed(name, seed);
    // sizes through the network, checked before anything is allocated
    let [C, H, W] = inputDim;
    const convShapes: { C: number; p: ConvParam }[] = [];
    convParams.forEach((p, i) => {
      convShapes.push({ C, p });
      H = 1 + (H + 2 * p.pad - p.filterSize) / p.stride;
      W = 1 + (W + 2 * p.pad - p.filterSize) / p.stride;
      C = p.filterNum;
      if (!Number.isInteger(H) || !Number.isInteger(W) || H < 1 || W < 1) throw new Error(`${name}: convolution ${i + 1} does not fit its ${H}×${W} input`);
      if (i % 2 === 1) {
        if (H % 2 || W % 2) throw new Error(`${name}: pooling after convolution ${i + 1} needs even sides, got ${H}×${W}`);
        H /= 2;
        W /= 2;
      }
    });
    const flat = C * H * W;
    super(name, inputDim, outputSize);
    const rng = createRng(seed);
    // a stream of its own, so the dropout ratio does not change the initial weights
    const dropoutSeeds = createRng(seed === undefined ? undefined : seed + 0x9e3779b9);
    // He: √(2 / fan-in) for every layer, as the book's weight_init_scales
    convShapes.forEach(({ C: cin, p }, i) => {
      const fanIn = cin * p.filterSize * p.filterSize;
      const Wt = gaussian([p.filterNum, cin, p.filterSize, p.filterSize], initStd(name, 'he', fanIn), rng);
      this.addLayer(new Convolution(Wt, zeros([p.filterNum]), p.stride, p.pad), { W: `W${i + 1}`, b: `b${i + 1}` });
      this.addLayer(new Relu());
      if (i % 2 === 1) this.addLayer(new Pooling(2, 2, 2));
    });
    this.addLayer(new Affine(gaussian([flat, hiddenSize], initStd(name, 'he', flat), rng), zeros([hiddenSize])), { W: 'W7', b: 'b7' });
    this.addLayer(new Relu());
    this.addLayer(new Dropout(dropoutRatio, { seed: dropoutSeeds.nextUint32() }));
    this.addLayer(new Affine(gaussian([hiddenSize, outputSize], initStd(name, 'he', hiddenSize), rng), zeros([outputSize])), { W: 'W8', b: 'b8' });
    this.addLayer(new Dropout(dropoutRatio, { seed: dropoutSeeds.nextUint32() }));
  }
}
