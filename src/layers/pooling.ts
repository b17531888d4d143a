// Pooling over each channel of an (N, C, H, W) input: max pooling keeps the argmax of each window
// for its backward (gradients go to each window's first maximum; overlapping windows add), average
// pooling spreads them evenly. Padding counts as zeros, as the book's im2col-based Pooling; unlike
// the book's, the output size honours pad (the same numbers when pad = 0).
import type { Kernels } from '../backend/kernels.js';
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
    return this.outputSize(caller, x.shape);
  }

  // (OH, OW) for an input of this shape, or the error that the window does not fit it
  protected outputSize(caller: string, xShape: readonly number[]): [number, number] {
    return outputSize(caller, xShape, { FH: this.poolH, FW: this.poolW, stride: this.stride, pad: this.pad });
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

  /** Runs a pooling kernel over the batch, split by samples between the threads. Its leading
   *  arguments are `arrays`, each marked with whether it is shaped like the input x or the output
   *  y; then the sample count, C, H, W and `rest`. */
  protected runPerSample(kernel: keyof Kernels, x: Tensor, y: Tensor, arrays: [Tensor, 'x' | 'y'][], rest: number[]): void {
    const [N, C, H, W] = x.shape;
    const perSample = { x: x.size / N, y: y.size / N }; // floats
    runSamples(kernel, N, perSample.x, (n0, count) =>
      [...arrays.map(([t, like]) => t.offset + 4 * n0 * perSample[like]), count, C, H, W, ...rest]);
  }

  /** The window's arguments, as every pooling kernel takes them. */
  get window(): number[] {
    return [this.poolH, this.poolW, this.stride, this.pad];
  }

  dispose(): void {
    this.out.dispose();
    this.dxBuffer.dispose();
    this.cache = undefined;
  }
}

/**
 * Max pooling over each channel of an `(N, C, H, W)` input, with `poolH × poolW` windows, `stride`
 * and zero `pad`; the output size honours `pad` (the book's ignores it; the same at `pad = 0`).
 * Backward sends each gradient to its window's first maximum (overlapping windows add).
 */
export class Pooling extends Pool2d {
  readonly #argmax = new LayerBuffer(); // i32 indices, in a float tensor's bytes
  #fused: Tensor | undefined; // the argmax a convolution's forwardMaxPool wrote

  constructor(poolH: number, poolW: number, stride = 1, pad = 0) {
    super('Pooling', poolH, poolW, stride, pad);
  }

  /** The windows' maxima, `(N, C, OH, OW)`, keeping each window's argmax for backward. */
  forward(x: Tensor): Tensor {
    const [OH, OW] = this.shapes('Pooling.forward', x);
    const y = this.out.get([x.shape[0], x.shape[1], OH, OW]);
    const argmax = this.#argmax.get(y.shape);
    this.#fused = undefined;
    this.runPerSample('f32_maxpool_fwd', x, y, [[x, 'x'], [y, 'y'], [argmax, 'y']], this.window);
    this.cache = { x, y };
    return y;
  }

  /** For a Convolution that runs this pooling within its own pass (Convolution.forwardMaxPool):
   *  the output and argmax buffers for an input of shape `xShape`. This layer's own backward then
   *  has no forward to go back through: the convolution's backward covers both. */
  fusedOutputs(xShape: readonly number[]): { y: Tensor; argmax: Tensor } {
    const [N, C] = xShape;
    const [OH, OW] = this.outputSize('Pooling.forward', xShape);
    this.cache = undefined;
    const y = this.out.get([N, C, OH, OW]);
    this.#fused = this.#argmax.get(y.shape);
    return { y, argmax: this.#fused };
  }

  /** The argmax of the last fusedOutputs, for the convolution's backward. */
  fusedArgmax(caller: string): Tensor {
    const argmax = this.#fused;
    if (!argmax || argmax.disposed) throw new Error(`${caller}: the pooling ran a forward pass of its own since; call forwardMaxPool again`);
    return argmax;
  }

  /** `dx` in the input's shape: each gradient added at its window's argmax, zeros elsewhere. */
  backward(dout: Tensor): Tensor {
    const { x, y } = this.checkDout(dout);
    const dx = this.dxBuffer.get(x.shape);
    this.runPerSample('f32_maxpool_bwd', x, y, [[dout, 'y'], [this.#argmax.get(y.shape), 'y'], [dx, 'x']], this.window);
    return dx;
  }

  /** Frees the layer's buffers. */
  override dispose(): void {
    super.dispose();
    this.#argmax.dispose();
  }
}

/** Average pooling, with the windows, stride and padding of {@link Pooling} (padding counts as
 *  zeros in the mean); backward spreads each gradient evenly over its window. */
export class AvgPooling extends Pool2d {
  constructor(poolH: number, poolW: number, stride = 1, pad = 0) {
    super('AvgPooling', poolH, poolW, stride, pad);
  }

  /** The windows' means, `(N, C, OH, OW)`. */
  forward(x: Tensor): Tensor {
    const [OH, OW] = this.shapes('AvgPooling.forward', x);
    const y = this.out.get([x.shape[0], x.shape[1], OH, OW]);
    this.runPerSample('f32_avgpool_fwd', x, y, [[x, 'x'], [y, 'y']], this.window);
    this.cache = { x, y };
    return y;
  }

  /** `dx` in the input's shape: each gradient divided over its window. */
  backward(dout: Tensor): Tensor {
    const { x, y } = this.checkDout(dout);
    const dx = this.dxBuffer.get(x.shape);
    this.runPerSample('f32_avgpool_bwd', x, y, [[dout, 'y'], [dx, 'x']], this.window);
    return dx;
  }
}
