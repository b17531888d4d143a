// Dropout, with the book's semantics (not "inverted"): in training each element survives with
// probability 1 - ratio and is passed unscaled; at test time every element is scaled by 1 - ratio.
// `inverted: true` is PyTorch's nn.Dropout instead: survivors scaled by 1 / (1 - ratio) in
// training, the identity at test time (the same expected values, the scaling moved to training).
// The mask is drawn in wasm from a counter-based generator keyed by this layer's seeded stream.
import { dropoutMask, multiply, scaleInto } from '../ops/elementwise.js';
import { checkSeed, createRng, type Rng } from '../rng.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import { boolean, options as checkOptions } from '../options.js';
import type { Layer } from './layer.js';
import { specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

/**
 * The book's dropout (not inverted): in training each element is kept with probability
 * `1 - dropoutRatio`, unscaled; at test time (`forward(x, false)`) every element is scaled by
 * `1 - dropoutRatio`. `options.seed` makes the masks reproducible.
 */
export class Dropout implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly dropoutRatio: number;
  /** PyTorch's nn.Dropout: training scales the survivors by 1 / (1 − ratio), test time is the identity. */
  readonly inverted: boolean;
  /** When true, training passes reuse the last mask instead of drawing a new one (numerical
   *  gradients need the same function at x + h and x - h). */
  replayRandomness = false;
  #rng: Rng;
  readonly #mask = new LayerBuffer();
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #lastMask: Tensor | undefined;

  constructor(dropoutRatio = 0.5, options: { seed?: number; inverted?: boolean } = {}) {
    checkDropoutRatio('Dropout', dropoutRatio);
    const { seed, inverted = false } = checkOptions('Dropout', options, ['seed', 'inverted']);
    boolean('Dropout', 'inverted', inverted);
    this.dropoutRatio = dropoutRatio;
    this.inverted = inverted;
    this.#rng = createRng(checkSeed('Dropout', seed));
  }

  reseed(seed: number): void {
    this.#rng = createRng(checkSeed('Dropout.reseed', seed));
  }

  forward(x: Tensor, train = true): Tensor {
    checkTensor('Dropout.forward: x', x);
    boolean('Dropout.forward', 'train', train);
    const y = this.#out.get(x.shape, x);
    if (!train) {
      scaleInto(x, y, this.inverted ? 1 : 1 - this.dropoutRatio);
      return y;
    }
    const last = this.#lastMask;
    if (this.replayRandomness && last && !last.disposed && sameShape(last.shape, x.shape)) {
      multiply(x, last, y);
      return y;
    }
    const mask = this.#mask.get(x.shape);
    dropoutMask(x, mask, y, this.dropoutRatio, this.#rng.nextUint32() | 0);
    if (this.inverted) {
      // the mask carries the scale, so backward and replayed passes scale alike
      const scale = 1 / (1 - this.dropoutRatio);
      scaleInto(mask, mask, scale);
      scaleInto(y, y, scale);
    }
    this.#lastMask = mask;
    return y;
  }

  backward(dout: Tensor): Tensor {
    const mask = this.#lastMask;
    if (!mask || mask.disposed) throw new ValueError('Dropout.backward: call forward(x, true) first');
    checkTensor('Dropout.backward: dout', dout);
    if (!sameShape(dout.shape, mask.shape)) {
      throw new ShapeError(`Dropout.backward: dout must have the input's shape ${formatShape(mask.shape)}, got ${formatShape(dout.shape)}`);
    }
    const dx = this.#dx.get(dout.shape, dout);
    multiply(dout, mask, dx);
    return dx;
  }

  dispose(): void {
    this.#mask.dispose();
    this.#out.dispose();
    this.#dx.dispose();
    this.#lastMask = undefined;
  }
}

/** Throws unless the ratio is a number in [0, 1). */
export function checkDropoutRatio(caller: string, dropoutRatio: unknown, name = 'dropoutRatio'): number {
  if (typeof dropoutRatio !== 'number' || !(dropoutRatio >= 0 && dropoutRatio < 1)) {
    throw new ValueError(`${caller}: ${name} must be a number in [0, 1), got ${describe(dropoutRatio)}`);
  }
  return dropoutRatio;
}

/** The spec of dropout({ ratio }). */
export interface DropoutSpec {
  kind: 'dropout';
  ratio?: number;
  /** PyTorch's nn.Dropout (true) instead of the book's (false, the default). */
  inverted?: boolean;
}

export const dropoutKind: LayerKind<DropoutSpec, Dropout> = {
  kind: 'dropout',
  layerClass: Dropout,
  normalize(where, spec) {
    const s = specOptions(where, spec, { ratio: 0.5, inverted: false });
    checkDropoutRatio(where, s.ratio, 'ratio');
    boolean(`${where}`, 'inverted', s.inverted);
    // NOTE: the book's default stays out of saved specs, so files written before the option read the same
    if (!s.inverted) delete (s as DropoutSpec).inverted;
    return s as DropoutSpec;
  },
  outputShape: (_where, _spec, input) => input,
  create: (spec, _input, ctx) => new Dropout(spec.ratio, { seed: ctx.dropoutSeed(), inverted: spec.inverted ?? false }),
  // The book's dropout at test time is not the identity: every value is scaled by 1 - ratio.
  onnx(layer, x, c) {
    if (layer.inverted) return { name: c.graph.node('Identity', [x.name]), shape: x.shape };
    const scale = c.graph.floats('dropout_scale', [], [1 - layer.dropoutRatio]);
    return { name: c.graph.node('Mul', [x.name, scale]), shape: x.shape };
  },
  pytorch: {
    module: (l) => {
      const { ratio, inverted } = l.spec as DropoutSpec;
      return inverted ? `nn.Dropout(${ratio})` : `BookDropout(${ratio})`;
    },
  },
};
