// Dropout, with the book's semantics (not "inverted"): in training each element survives with
// probability 1 - ratio and is passed unscaled; at test time every element is scaled by 1 - ratio.
// The mask is drawn in wasm from a counter-based generator keyed by this layer's seeded stream.
import { kernels } from '../backend/runtime.js';
import { checkSeed, createRng, type Rng } from '../rng.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import { options as checkOptions } from '../options.js';
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
  /** When true, training passes reuse the last mask instead of drawing a new one (numerical
   *  gradients need the same function at x + h and x - h). */
  replayRandomness = false;
  #rng: Rng;
  readonly #mask = new LayerBuffer();
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #lastMask: Tensor | undefined;

  constructor(dropoutRatio = 0.5, options: { seed?: number } = {}) {
    checkDropoutRatio('Dropout', dropoutRatio);
    const { seed } = checkOptions('Dropout', options, ['seed']);
    this.dropoutRatio = dropoutRatio;
    this.#rng = createRng(checkSeed('Dropout', seed));
  }

  reseed(seed: number): void {
    this.#rng = createRng(checkSeed('Dropout.reseed', seed));
  }

  forward(x: Tensor, train = true): Tensor {
    checkTensor('Dropout.forward: x', x);
    if (typeof train !== 'boolean') throw new ValueError(`Dropout.forward: train must be a boolean, got ${describe(train)}`);
    const y = this.#out.get(x.shape, x);
    const k = kernels();
    if (!train) {
      k.f32_scale(x.offset, y.offset, x.size, 1 - this.dropoutRatio);
      return y;
    }
    const last = this.#lastMask;
    if (this.replayRandomness && last && !last.disposed && sameShape(last.shape, x.shape)) {
      k.f32_mul(x.offset, last.offset, y.offset, x.size);
      return y;
    }
    const mask = this.#mask.get(x.shape);
    k.f32_dropout_fwd(x.offset, mask.offset, y.offset, x.size, this.dropoutRatio, this.#rng.nextUint32() | 0);
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
    kernels().f32_mul(dout.offset, mask.offset, dx.offset, dout.size);
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
}

export const dropoutKind: LayerKind<DropoutSpec, Dropout> = {
  kind: 'dropout',
  layerClass: Dropout,
  normalize(where, spec) {
    const s = specOptions(where, spec, { ratio: 0.5 });
    checkDropoutRatio(where, s.ratio, 'ratio');
    return s as DropoutSpec;
  },
  outputShape: (_where, _spec, input) => input,
  create: (spec, _input, ctx) => new Dropout(spec.ratio, { seed: ctx.dropoutSeed() }),
  // The book's dropout at test time is not the identity: every value is scaled by 1 - ratio.
  onnx(layer, x, c) {
    const scale = c.graph.floats('dropout_scale', [], [1 - layer.dropoutRatio]);
    return { name: c.graph.node('Mul', [x.name, scale]), shape: x.shape };
  },
};
