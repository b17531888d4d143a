// Pooling over each channel of an (N, C, H, W) input: max pooling keeps the argmax of each window
// for its backward (gradients go to each window's first maximum; overlapping windows add), average
// pooling spreads them evenly. Padding counts as zeros, as the book's im2col-based Pooling; unlike
// the book's, the output size honours pad (the same numbers when pad = 0).
import { runSamples } from '../backend/split.js';
import { outputSize } from '../ops/conv.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { Layer } from './layer.js';

abstract class Pool2d implements Layer {
  readonly params = {};
  readonly grads = {};
  protected readonly out = new LayerBuffer();
  protected readonly dxBuffer = new LayerBuffer();
  protected cache: { x: Tensor; y: Tensor } | undefined;

  constructor(protected readonly name: string, readonly poolH: number, readonly poolW: number, readonly stride = 1, readonly pad = 0) {
    for (const [what, v, min] of [['poolH', poolH, 1], ['poolW', poolW, 1], ['stride', stride, 1], ['pad', pad, 0]] as const) {
      if (!Number.isInteger(v) || v < min) throw new Error(`${name}: ${what} must be an integer >= ${min}, got ${String(v)}`);
    }
  }

  protected shapes(caller: string, x: Tensor): [number, number] {
    checkTensor(`${caller}: x`, x);
    return outputSize(caller, x.shape, { FH: this.poolH, FW: this.poolW, stride: this.stride, pad: this.pad });
  }

  protected checkDout(dout: Tensor): { x: Tensor; y: Tensor } {
    const cache = this.cache;
    if (!cache || cache.y.disposed) throw new Error(`${this.name}.backward: call forward first`);
    checkTensor(`${this.name}.backward: dout`, dout);
    if (!sameShape(dout.shape, cache.y.shape)) {
      throw new Error(`${this.name}.backward: dout must be ${formatShape(cache.y.shape)}, got ${formatShape(dout.shape)}`);
    }
    return cache;
  }

  abstract forward(x: Tensor): Tensor;
  abstract backward(dout: Tensor): Tensor;

  dispose(): void {
    this.out.dispose();
    this.dxBuffer.dispose();
    this.cache = undefined;
  }
}

export class Pooling extends Pool2d {
  readonly #argmax = new LayerBuffer(); // i32 indices, in a float tensor's bytes

  constructor(poolH: number, poolW: number, stride = 1, pad = 0) {
    super('Pooling', poolH, poolW, stride, pad);
  }

  forward(x: Tensor): Tensor {
    const [OH, OW] = this.shapes('Pooling.forward', x);
    const [N, C, H, W] = x.shape;
    const y = this.out.get([N, C, OH, OW]);
    const argmax = this.#argmax.get(y.shape);
    const xs = C * H * W, ys = C * OH * OW; // floats per sample
    runSamples('f32_maxpool_fwd', N, xs, (n0, count) =>
      [x.offset + 4 * n0 * xs, y.offset + 4 * n0 * ys, argmax.offset + 4 * n0 * ys, count, C, H, W, this.poolH, this.poolW, this.stride, this.pad]);
    this.cache = { x, y };
    return y;
  }

  backward(dout: Tensor): Tensor {
    const { x, y } = this.checkDout(dout);
    const [N, C, H, W] = x.shape;
    const dx = this.dxBuffer.get(x.shape);
    const [, , OH, OW] = y.shape;
    const argmax = this.#argmax.get(y.shape);
    const xs = C * H * W, ys = C * OH * OW;
    runSamples('f32_maxpool_bwd', N, xs, (n0, count) =>
      [dout.offset + 4 * n0 * ys, argmax.offset + 4 * n0 * ys, dx.offset + 4 * n0 * xs, count, C, H, W, OH, OW]);
    return dx;
  }

  override dispose(): void {
    super.dispose();
    this.#argmax.dispose();
  }
}

export class AvgPooling extends Pool2d {
  constructor(poolH: number, poolW: number, stride = 1, pad = 0) {
    super('AvgPooling', poolH, poolW, stride, pad);
  }

  forward(x: Tensor): Tensor {
    const [OH, OW] = this.shapes('AvgPooling.forward', x);
    const [N, C, H, W] = x.shape;
    const y = this.out.get([N, C, OH, OW]);
    const xs = C * H * W, ys = C * OH * OW;
    runSamples('f32_avgpool_fwd', N, xs, (n0, count) =>
      [x.offset + 4 * n0 * xs, y.offset + 4 * n0 * ys, count, C, H, W, this.poolH, this.poolW, this.stride, this.pad]);
    this.cache = { x, y };
    return y;
  }

  backward(dout: Tensor): Tensor {
    const { x, y } = this.checkDout(dout);
    const [N, C, H, W] = x.shape;
    const dx = this.dxBuffer.get(x.shape);
    const xs = C * H * W, ys = C * y.shape[2] * y.shape[3];
    runSamples('f32_avgpool_bwd', N, xs, (n0, count) =>
      [dout.offset + 4 * n0 * ys, dx.offset + 4 * n0 * xs, count, C, H, W, this.poolH, this.poolW, this.stride, this.pad]);
    return dx;
  }
}
