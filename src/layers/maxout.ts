// Maxout (Goodfellow et al. 2013): the channels (axis 1) fall into groups of k consecutive
// pieces and each group outputs its maximum, so an (N, C, ...rest) input gives (N, C/k, ...rest).
// As max pooling, it keeps the argmax for its backward: each gradient goes to the group's first
// maximum (NaN counts as the maximum, see assembly/maxout.ts).
import { runSamples } from '../backend/split.js';
import { attribute } from '../io/onnx-layers.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { integer, specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

export class Maxout implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly #out = new LayerBuffer();
  readonly #argmax = new LayerBuffer(); // i32 piece indices, in a float tensor's bytes
  readonly #dx = new LayerBuffer();
  #cache: { x: Tensor; y: Tensor } | undefined;

  constructor(readonly pieces: number) {
    if (!Number.isInteger(pieces) || pieces < 1) throw new ValueError(`Maxout: pieces must be an integer >= 1, got ${describe(pieces)}`);
  }

  forward(x: Tensor): Tensor {
    checkTensor('Maxout.forward: x', x);
    const k = this.pieces;
    if (x.shape.length < 2 || x.shape[1] % k !== 0 || x.shape[1] === 0) {
      throw new ShapeError(`Maxout.forward: x must be (N, C, ...) with C a positive multiple of the ${k} pieces, got ${formatShape(x.shape)}`);
    }
    const [N, C, ...rest] = x.shape;
    const y = this.#out.get([N, C / k, ...rest], x);
    const argmax = this.#argmax.get(y.shape, x);
    this.#run('f32_maxout_fwd', x, y, [[x, 'x'], [y, 'y'], [argmax, 'y']]);
    this.#cache = { x, y };
    return y;
  }

  backward(dout: Tensor): Tensor {
    const cache = this.#cache;
    if (!cache || cache.y.disposed) throw new ValueError('Maxout.backward: call forward first');
    checkTensor('Maxout.backward: dout', dout);
    if (!sameShape(dout.shape, cache.y.shape)) {
      throw new ShapeError(`Maxout.backward: dout must have the forward output's shape ${formatShape(cache.y.shape)}, got ${formatShape(dout.shape)}`);
    }
    const dx = this.#dx.get(cache.x.shape, dout);
    this.#run('f32_maxout_bwd', cache.x, cache.y, [[dout, 'y'], [this.#argmax.get(cache.y.shape), 'y'], [dx, 'x']]);
    return dx;
  }

  // Runs a maxout kernel split by samples: its three tensors, each shaped like the input x (k
  // pieces per group) or the output y; then the groups, k and the per-piece size S.
  #run(kernel: 'f32_maxout_fwd' | 'f32_maxout_bwd', x: Tensor, y: Tensor, arrays: [Tensor, 'x' | 'y'][]): void {
    const N = x.shape[0];
    if (N === 0) return;
    const perSample = { x: x.size / N, y: y.size / N }; // floats
    const groups = y.shape[1], S = perSample.y / groups;
    runSamples(kernel, N, perSample.x, (n0, count) =>
      [...arrays.map(([t, like]) => t.offset + 4 * n0 * perSample[like]), count * groups, this.pieces, S]);
  }

  dispose(): void {
    this.#out.dispose();
    this.#argmax.dispose();
    this.#dx.dispose();
    this.#cache = undefined;
  }
}

/** The spec of maxout({ pieces }). */
export interface MaxoutSpec {
  kind: 'maxout';
  /** k: the size of each group of consecutive channels (features of a vector input). */
  pieces: number;
}

export const maxoutKind: LayerKind<MaxoutSpec, Maxout> = {
  kind: 'maxout',
  layerClass: Maxout,
  normalize(where, spec) {
    const s = specOptions(where, spec, { pieces: undefined as unknown as number });
    integer(where, 'pieces', s.pieces, 1);
    return s as MaxoutSpec;
  },
  outputShape(where, spec, input) {
    const [C, ...rest] = input;
    if (C % spec.pieces !== 0) throw new ShapeError(`${where}: ${C} ${rest.length ? 'channels' : 'features'} do not fall into groups of ${spec.pieces} pieces`);
    return [C / spec.pieces, ...rest];
  },
  create: (spec) => new Maxout(spec.pieces),
  // (N, C, ...rest) → (N, C/k, k, S) → max over the pieces → (N, C/k, ...rest)
  onnx(layer, x, c) {
    const [C, ...rest] = x.shape;
    const k = layer.pieces, S = rest.reduce((a, b) => a * b, 1);
    const grouped = c.graph.node('Reshape', [x.name, c.graph.int64s('maxout_groups', [-1, C / k, k, S])]);
    const max = c.graph.node('ReduceMax', [grouped], [attribute.ints('axes', [2]), attribute.int('keepdims', 0)]);
    const shape = [C / k, ...rest];
    return { name: c.graph.node('Reshape', [max, c.graph.int64s('maxout_shape', [-1, ...shape])]), shape };
  },
};
