// Affine (fully connected): out = x·W + b, with W (in, out) and b (out). An N-D input is read as
// (N, in) in C order and dx comes back in the input's shape, as the book's reshape does.
import { kernels } from '../backend/runtime.js';
import { gemmRaw } from '../ops/gemm.js';
import { checkWeightInit, initWeights, type WeightInitSpec } from '../init-pytorch.js';
import { checkFeatures, flatten } from '../io/onnx-layers.js';
import { checkTensor, empty, zeros, type Tensor } from '../tensor.js';
import { formatShape, shapeSize } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { integer, specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

/**
 * Fully connected layer: `out = x·W + b` with `W` `(in, out)` and `b` `(out)`. An N-D input is read
 * as `(N, in)` and `dx` comes back in the input's shape. `backward` sets `dW = xᵀ·dout` and
 * `db = Σ_rows dout`. `W` and `b` are the caller's tensors, shared (not copied).
 */
export class Affine implements Layer {
  readonly W: Tensor;
  readonly b: Tensor;
  readonly dW: Tensor;
  readonly db: Tensor;
  readonly params: { W: Tensor; b: Tensor };
  readonly grads: { W: Tensor; b: Tensor };
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #x: Tensor | undefined;

  constructor(W: Tensor, b: Tensor) {
    checkTensor('Affine: W', W);
    checkTensor('Affine: b', b);
    if (W.shape.length !== 2) throw new ShapeError(`Affine: W must be 2-D (in, out), got ${formatShape(W.shape)}`);
    if (b.shape.length !== 1 || b.size !== W.shape[1]) {
      throw new ShapeError(`Affine: b must be (${W.shape[1]},) to match W ${formatShape(W.shape)}, got ${formatShape(b.shape)}`);
    }
    this.W = W;
    this.b = b;
    this.dW = empty(W.shape);
    this.db = empty(b.shape);
    this.params = { W, b };
    this.grads = { W: this.dW, b: this.db };
  }

  forward(x: Tensor): Tensor {
    checkTensor('Affine.forward: x', x);
    const [inputs, outputs] = this.W.shape;
    const n = x.shape[0];
    if (x.shape.length < 2 || n === 0 || x.size / n !== inputs) {
      throw new ShapeError(`Affine.forward: expected x of shape (N, ${inputs}) or (N, ...) with ${inputs} features ` +
        `per sample and N >= 1 (W is ${formatShape(this.W.shape)}), got ${formatShape(x.shape)}`);
    }
    const out = this.#out.get([n, outputs], x);
    gemmRaw(false, false, n, outputs, inputs, 1, x.offset, inputs, this.W.offset, outputs, 0, out.offset, outputs);
    kernels().f32_bias_add_rows(out.offset, this.b.offset, out.offset, n, outputs);
    this.#x = x;
    return out;
  }

  backward(dout: Tensor): Tensor {
    const x = this.#parameterGradients('Affine.backward', dout);
    const [inputs, outputs] = this.W.shape;
    const n = x.shape[0];
    const dx = this.#dx.get(x.shape, dout);
    gemmRaw(false, true, n, inputs, outputs, 1, dout.offset, outputs, this.W.offset, outputs, 0, dx.offset, inputs);
    return dx;
  }

  /** dW and db only: a network's first layer has no use for dx. */
  backwardParams(dout: Tensor): void {
    this.#parameterGradients('Affine.backwardParams', dout);
  }

  // dW = x2dᵀ·dout, db = Σ_rows dout; returns the forward input
  #parameterGradients(caller: string, dout: Tensor): Tensor {
    const x = this.#x;
    if (!x || x.disposed) throw new ValueError(`${caller}: call forward first (or the input was disposed)`);
    checkTensor(`${caller}: dout`, dout);
    const [inputs, outputs] = this.W.shape;
    const n = x.shape[0];
    if (dout.shape.length !== 2 || dout.shape[0] !== n || dout.shape[1] !== outputs) {
      throw new ShapeError(`${caller}: dout must be (${n}, ${outputs}), got ${formatShape(dout.shape)}`);
    }
    gemmRaw(true, false, inputs, outputs, n, 1, x.offset, inputs, dout.offset, outputs, 0, this.dW.offset, outputs);
    kernels().f32_sum_rows(dout.offset, this.db.offset, n, outputs);
    return x;
  }

  dispose(): void {
    this.#out.dispose();
    this.#dx.dispose();
    this.dW.dispose();
    this.db.dispose();
    this.#x = undefined;
  }
}

/** The spec of dense({ units, init }). */
export interface DenseSpec {
  kind: 'dense';
  units: number;
  /** The weights' initialization: a std, 'xavier' (√(1/fan_in)), 'he' (√(2/fan_in), the default), ... */
  init?: WeightInitSpec;
}

/** A fully connected layer: an Affine of `units` outputs over the flattened input. */
export const denseKind: LayerKind<DenseSpec, Affine> = {
  kind: 'dense',
  layerClass: Affine,
  numbering: 'weights',
  normalize(where, spec) {
    const s = specOptions(where, spec, { units: undefined as unknown as number, init: 'he' as WeightInitSpec });
    integer(where, 'units', s.units, 1);
    checkWeightInit(where, s.init);
    return s as DenseSpec;
  },
  outputShape: (_where, spec) => [spec.units],
  tensors: (spec, input) => ({ params: { W: [shapeSize(input), spec.units], b: [spec.units] } }),
  create: (spec, input, ctx) => new Affine(initWeights('dense', spec.init ?? 'he', [shapeSize(input), spec.units], ctx.rng), zeros([spec.units])),
  // x·W + b with W (in, out): Gemm's B needs no transpose
  onnx(layer, x, c) {
    const [inputs, outputs] = layer.W.shape;
    checkFeatures(c, x, inputs, `W ${formatShape(layer.W.shape)}`);
    const name = c.graph.node('Gemm', [flatten(c, x), c.weight(layer.W, 'W'), c.weight(layer.b, 'b')]);
    return { name, shape: [outputs] };
  },
};
