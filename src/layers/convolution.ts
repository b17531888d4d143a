// Convolution (cross-correlation, as the book's): W (FN, C, FH, FW), b (FN), output (N, FN, OH, OW).
// The book's im2col + one matrix product, done one sample at a time in the transposed layout:
// col_n (C·FH·FW, OH·OW) = im2col_t(x_n), then out_n (FN, OH·OW) = W (FN, C·FH·FW) · col_n + b lands
// in NCHW order directly, without the book's reshape and transpose (assembly/conv.ts). NOTE: a
// sample's col (under 1 MiB for these networks) stays in cache between im2col and the product; the
// whole batch's col (45 MB for DeepConvNet's second layer) would be written to memory and read
// back, and the backward pass rebuilds col_n rather than keeping it.
// With threads, the forward pass and dx split the samples, dW splits the filters.
import { convBackward, convForward, convPass, outputSize } from '../ops/conv.js';
import { checkWeightInit, initWeights, type WeightInitSpec } from '../init-pytorch.js';
import { attribute, windowOutput } from '../formats/onnx-layers.js';
import type { WinogradTile } from '../ops/winograd.js';
import { checkTensor, empty, zeros, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import { ConvMaxPool } from './conv-max-pool.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { images, pair, specOptions } from './spec-checks.js';
import { boolean, integer, options } from '../options.js';
import { ShapeError, ValueError } from '../errors.js';
import { pyPair } from '../formats/python.js';

export interface ConvolutionOptions {
  /** Run the forward pass and the gradients as Winograd where it fits (3×3 filters, stride 1, pad
   *  at most 2, 8 channels or more in and out): fewer multiplications, results that differ from the im2col path's in the last bits
   *  (src/ops/winograd.ts). Default: init()'s `winograd`. */
  winograd?: boolean;
  /** Winograd's tile: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3) (fewer multiplications, larger
   *  rounding errors: see src/ops/winograd.ts), for the forward pass and both gradients. Default:
   *  chosen per layer by its shape (winogradTile in src/ops/winograd.ts). */
  winogradTile?: WinogradTile;
}

/**
 * The book's convolution (cross-correlation) as im2col and one matrix product: `W` `(FN, C, FH, FW)`,
 * `b` `(FN)`, input `(N, C, H, W)`, output `(N, FN, OH, OW)` with `OH = ⌊(H + 2·pad − FH) / stride⌋ + 1`.
 * `backward` sets `dW` and `db`. `W` and `b` are the caller's tensors, shared (not copied).
 */
export class Convolution implements Layer {
  readonly W: Tensor;
  readonly b: Tensor;
  readonly stride: number;
  readonly pad: number;
  readonly dW: Tensor;
  readonly db: Tensor;
  readonly params: { W: Tensor; b: Tensor };
  readonly grads: { W: Tensor; b: Tensor };
  readonly #dWt = new LayerBuffer(); // dWᵀ (K, FN), accumulated over the samples
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #x: Tensor | undefined;
  /** ConvolutionOptions.winograd; undefined follows init()'s. */
  winograd: boolean | undefined;
  /** ConvolutionOptions.winogradTile; undefined chooses by the layer's shape. */
  winogradTile: WinogradTile | undefined;

  constructor(W: Tensor, b: Tensor, stride = 1, pad = 0, convOptions?: ConvolutionOptions) {
    const { winograd, winogradTile: tile } = options('Convolution', convOptions, ['winograd', 'winogradTile']);
    if (winograd !== undefined) boolean('Convolution', 'winograd', winograd);
    if (tile !== undefined && tile !== 2 && tile !== 4) throw new ValueError(`Convolution: winogradTile must be 2 or 4, got ${String(tile)}`);
    checkTensor('Convolution: W', W);
    checkTensor('Convolution: b', b);
    if (W.shape.length !== 4) throw new ShapeError(`Convolution: W must be 4-D (FN, C, FH, FW), got ${formatShape(W.shape)}`);
    if (b.shape.length !== 1 || b.size !== W.shape[0]) {
      throw new ShapeError(`Convolution: b must be (${W.shape[0]},) to match W ${formatShape(W.shape)}, got ${formatShape(b.shape)}`);
    }
    for (const [name, v, min] of [['stride', stride, 1], ['pad', pad, 0]] as const) {
      integer('Convolution', name, v, min);
    }
    this.W = W;
    this.b = b;
    this.stride = stride;
    this.pad = pad;
    this.dW = empty(W.shape);
    this.db = empty(b.shape);
    this.params = { W, b };
    this.grads = { W: this.dW, b: this.db };
    this.winograd = winograd;
    this.winogradTile = tile;
  }

  forward(x: Tensor): Tensor {
    const [N, FN, OH, OW] = this.outputShape('Convolution.forward', x);
    const out = this.#out.get([N, FN, OH, OW], x);
    this.#x = x;
    convForward('Convolution.forward', this, x, out);
    return out;
  }

  /** The output's shape for input x: (N, FN, OH, OW); throws, naming `caller`, where x does not fit. */
  outputShape(caller: string, x: Tensor): [number, number, number, number] {
    const { N, FN, OH, OW } = convPass(caller, this, x);
    return [N, FN, OH, OW];
  }

  /** dWᵀ (C·FH·FW, FN), the backward passes' accumulator (kept between steps). */
  dWtBuffer(): Tensor {
    const [FN, C, FH, FW] = this.W.shape as [number, number, number, number];
    return this.#dWt.get([C * FH * FW, FN]);
  }

  backward(dout: Tensor): Tensor {
    return this.#backward('Convolution.backward', dout, true)!;
  }

  /** dW and db only: a network's first layer has no use for dx. */
  backwardParams(dout: Tensor): void {
    this.#backward('Convolution.backwardParams', dout, false);
  }

  #backward(caller: string, dout: Tensor, needDx: boolean): Tensor | undefined {
    const x = this.#x;
    if (!x || x.disposed) throw new ValueError(`${caller}: call forward first (or its input was disposed)`);
    checkTensor(`${caller}: dout`, dout);
    const expected = this.outputShape(caller, x);
    if (dout.shape.length !== 4 || dout.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${caller}: dout must be ${formatShape(expected)}, got ${formatShape(dout.shape)}`);
    }
    const dx = needDx ? this.#dx.get(x.shape, dout) : undefined;
    convBackward(caller, this, x, { dout }, this.dW, this.db, this.dWtBuffer(), dx);
    return dx;
  }

  dispose(): void {
    for (const b of [this.#dWt, this.#out, this.#dx]) b.dispose();
    this.dW.dispose();
    this.db.dispose();
    this.#x = undefined;
  }
}

/** The spec of conv2d({ filters, kernelSize, stride, pad, init }). */
export interface Conv2dSpec {
  kind: 'conv2d';
  filters: number;
  /** A number or [h, w]. */
  kernelSize: number | [number, number];
  stride?: number;
  pad?: number;
  /** The filters' initialization, from the fan-in C·FH·FW: a std, 'xavier', 'he' (the default), ... */
  init?: WeightInitSpec;
}

export const conv2dKind: LayerKind<Conv2dSpec, Convolution> = {
  kind: 'conv2d',
  layerClass: Convolution,
  fusion: { role: 'convolution', join: (conv, pool, relu) => new ConvMaxPool(conv, pool, relu) },
  numbering: 'weights',
  normalize(where, spec) {
    const s = specOptions(where, spec, { filters: undefined as unknown as number, kernelSize: undefined as unknown as number, stride: 1, pad: 0, init: 'he' as WeightInitSpec });
    integer(where, 'filters', s.filters, 1);
    pair(where, 'kernelSize', s.kernelSize, 1);
    integer(where, 'stride', s.stride, 1);
    integer(where, 'pad', s.pad, 0);
    checkWeightInit(where, s.init);
    return s as Conv2dSpec;
  },
  outputShape(where, spec, input) {
    const [C, H, W] = images(where, input);
    const [FH, FW] = pair(where, 'kernelSize', spec.kernelSize, 1);
    const [OH, OW] = outputSize(where, [1, C, H, W], { FH, FW, stride: spec.stride ?? 1, pad: spec.pad ?? 0 });
    return [spec.filters, OH, OW];
  },
  tensors(spec, input) {
    const [FH, FW] = pair('conv2d', 'kernelSize', spec.kernelSize, 1);
    return { params: { W: [spec.filters, input[0], FH, FW], b: [spec.filters] } };
  },
  create(spec, input, ctx) {
    const shape = conv2dKind.tensors!(spec, input).params.W;
    return new Convolution(initWeights('conv2d', spec.init ?? 'he', shape, ctx.rng), zeros([spec.filters]), spec.stride, spec.pad);
  },
  pytorch: {
    module: (l) => {
      const s = l.spec as Conv2dSpec;
      return `nn.Conv2d(${l.input[0]}, ${s.filters}, ${pyPair(s.kernelSize)}, stride=${s.stride}, padding=${s.pad})`;
    },
    keys: { W: 'weight', b: 'bias' },
  },
  onnx(layer, x, c) {
    const [FN, C, FH, FW] = layer.W.shape;
    const [OH, OW] = windowOutput(c, x, FH, FW, layer.stride, layer.pad);
    if (x.shape[0] !== C) throw new ShapeError(`${c.where}: W ${formatShape(layer.W.shape)} expects ${C} channels, got ${formatShape(x.shape)}`);
    const p = layer.pad, s = layer.stride;
    const name = c.graph.node('Conv', [x.name, c.weight(layer.W, 'W'), c.weight(layer.b, 'b')], [
      attribute.ints('kernel_shape', [FH, FW]), attribute.ints('strides', [s, s]), attribute.ints('pads', [p, p, p, p]),
    ]);
    return { name, shape: [FN, OH, OW] };
  },
};
