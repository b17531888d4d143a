// Pooling over each channel of an (N, C, H, W) input: max pooling keeps the argmax of each window
// for its backward (gradients go to each window's first maximum; overlapping windows add), average
// pooling spreads them evenly. Padding counts as zeros, as the book's im2col-based Pooling; unlike
// the book's, the output size honours pad (the same numbers when pad = 0).
import type { Kernels } from '../backend/kernels.js';
import { runSamples } from '../backend/split.js';
import { outputSize } from '../ops/conv.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import { attribute, poolOutput } from '../io/onnx-layers.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { images, integer, pair, specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

abstract class Pool2d implements Layer {
  readonly params = {};
  readonly grads = {};
  protected readonly out = new LayerBuffer();
  protected readonly dxBuffer = new LayerBuffer();
  protected cache: { x: Tensor; y: Tensor } | undefined;

  constructor(protected readonly name: string, readonly poolH: number, readonly poolW: number, readonly stride = 1, readonly pad = 0) {
    for (const [what, v, min] of [['poolH', poolH, 1], ['poolW', poolW, 1], ['stride', stride, 1], ['pad', pad, 0]] as const) {
      if (!Number.isInteger(v) || v < min) throw new ValueError(`${name}: ${what} must be an integer >= ${min}, got ${String(v)}`);
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
    if (!cache || cache.y.disposed) throw new ValueError(`${this.name}.backward: call forward first`);
    checkTensor(`${this.name}.backward: dout`, dout);
    if (!sameShape(dout.shape, cache.y.shape)) {
      throw new ShapeError(`${this.name}.backward: dout must be ${formatShape(cache.y.shape)}, got ${formatShape(dout.shape)}`);
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

  constructor(poolH: number, poolW: number, stride = 1, pad = 0) {
    super('Pooling', poolH, poolW, stride, pad);
  }

  /** The windows' maxima, `(N, C, OH, OW)`, keeping each window's argmax for backward. */
  forward(x: Tensor): Tensor {
    const [OH, OW] = this.shapes('Pooling.forward', x);
    const y = this.out.get([x.shape[0], x.shape[1], OH, OW], x);
    const argmax = this.#argmax.get(y.shape);
    this.runPerSample('f32_maxpool_fwd', x, y, [[x, 'x'], [y, 'y'], [argmax, 'y']], this.window);
    this.cache = { x, y };
    return y;
  }

  /** `dx` in the input's shape: each gradient added at its window's argmax, zeros elsewhere. */
  backward(dout: Tensor): Tensor {
    const { x, y } = this.checkDout(dout);
    const dx = this.dxBuffer.get(x.shape, dout);
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
    const y = this.out.get([x.shape[0], x.shape[1], OH, OW], x);
    this.runPerSample('f32_avgpool_fwd', x, y, [[x, 'x'], [y, 'y']], this.window);
    this.cache = { x, y };
    return y;
  }

  /** `dx` in the input's shape: each gradient divided over its window. */
  backward(dout: Tensor): Tensor {
    const { x, y } = this.checkDout(dout);
    const dx = this.dxBuffer.get(x.shape, dout);
    this.runPerSample('f32_avgpool_bwd', x, y, [[dout, 'y'], [dx, 'x']], this.window);
    return dx;
  }
}

/** The spec of maxPool2d({ size, stride, pad }) and avgPool2d(...). */
export interface PoolSpec {
  kind: 'maxPool2d' | 'avgPool2d';
  /** The window: a number or [h, w]. */
  size: number | [number, number];
  /** Defaults to the window's height (windows side by side). */
  stride?: number;
  pad?: number;
}

function poolKind<L extends Pooling | AvgPooling>(kind: PoolSpec['kind'], layerClass: new (h: number, w: number, stride: number, pad: number) => L,
                                                  onnx: LayerKind<PoolSpec, L>['onnx']): LayerKind<PoolSpec, L> {
  return {
    kind,
    layerClass,
    normalize(where, spec) {
      const s = specOptions(where, spec, { size: undefined as unknown as number, stride: undefined as number | undefined, pad: 0 });
      const [h] = pair(where, 'size', s.size, 1);
      integer(where, 'stride', s.stride ??= h, 1);
      integer(where, 'pad', s.pad, 0);
      return s as PoolSpec;
    },
    outputShape(where, spec, input) {
      const [C, H, W] = images(where, input);
      const [FH, FW] = pair(where, 'size', spec.size, 1);
      return [C, ...outputSize(where, [1, C, H, W], { FH, FW, stride: spec.stride!, pad: spec.pad ?? 0 })];
    },
    create(spec) {
      const [h, w] = pair(kind, 'size', spec.size, 1);
      return new layerClass(h, w, spec.stride!, spec.pad ?? 0);
    },
    onnx,
  };
}

// Our max pooling pads with zeros (the book's im2col does); ONNX's MaxPool pads with -∞. The two
// differ only in the windows that overlap the padding, where zero padding means max(window, 0): a
// Max with a constant (1, 1, OH, OW) mask, 0 at those windows and -∞ at the others, adds exactly
// that. NOTE: the plainer Pad(0) + MaxPool is also exact by the ONNX spec, but onnxruntime's
// PadFusion (microsoft/onnxruntime#18136) folds that Pad into MaxPool's pads, which pad with -∞.
export const maxPool2dKind = poolKind('maxPool2d', Pooling, (layer, x, c) => {
  const [OH, OW] = poolOutput(c, x, layer);
  const { poolH, poolW, stride: s, pad: p } = layer;
  const pooled = c.graph.node('MaxPool', [x.name], [
    attribute.ints('kernel_shape', [poolH, poolW]), attribute.ints('strides', [s, s]), attribute.ints('pads', [p, p, p, p]),
  ]);
  if (p === 0) return { name: pooled, shape: [x.shape[0], OH, OW] };
  const [, H, W] = x.shape;
  const mask = new Float32Array(OH * OW);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const inside = oy * s - p >= 0 && oy * s - p + poolH <= H && ox * s - p >= 0 && ox * s - p + poolW <= W;
      mask[oy * OW + ox] = inside ? -Infinity : 0;
    }
  }
  const name = c.graph.node('Max', [pooled, c.graph.floats('pool_padding_mask', [1, 1, OH, OW], mask)]);
  return { name, shape: [x.shape[0], OH, OW] };
});

// Padding counts as zeros in the average, ONNX's count_include_pad = 1.
export const avgPool2dKind = poolKind('avgPool2d', AvgPooling, (layer, x, c) => {
  const [OH, OW] = poolOutput(c, x, layer);
  const p = layer.pad;
  const name = c.graph.node('AveragePool', [x.name], [
    attribute.ints('kernel_shape', [layer.poolH, layer.poolW]), attribute.ints('strides', [layer.stride, layer.stride]),
    attribute.ints('pads', [p, p, p, p]), attribute.int('count_include_pad', 1),
  ]);
  return { name, shape: [x.shape[0], OH, OW] };
});
