// Elementwise activation layers. Each keeps its output y, which is all its backward needs
// (y > 0 exactly where x > 0, and each derivative is a function of y), in a buffer it owns.
// NOTE: ReLU'(0) = 0 here and in every kernel; backward never modifies dout (the book's does).
import * as ops from '../ops/activation.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape } from '../shape.js';
import { elementwise } from '../formats/onnx-layers.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';
import { pyNumber } from '../formats/python.js';

abstract class Activation implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #y: Tensor | undefined;

  constructor(private readonly name: string, private readonly op: ops.ActivationOp) {}

  forward(x: Tensor): Tensor {
    checkTensor(`${this.name}.forward: x`, x);
    const y = this.#out.get(x.shape, x);
    this.op.forward(x, y);
    this.#y = y;
    return y;
  }

  backward(dout: Tensor): Tensor {
    const y = this.#y;
    if (!y || y.disposed) throw new ValueError(`${this.name}.backward: call forward first`);
    checkTensor(`${this.name}.backward: dout`, dout);
    if (!sameShape(dout.shape, y.shape)) {
      throw new ShapeError(`${this.name}.backward: dout must have the forward output's shape ${formatShape(y.shape)}, got ${formatShape(dout.shape)}`);
    }
    const dx = this.#dx.get(dout.shape, dout);
    this.op.backward(y, dout, dx);
    return dx;
  }

  dispose(): void {
    this.#out.dispose();
    this.#dx.dispose();
    this.#y = undefined;
  }
}

/**
 * ReLU, `y = max(0, x)`; backward passes `dout` where `x > 0` (ReLU'(0) = 0) and never modifies it.
 * @example
 * const relu = new Relu();
 * const y = relu.forward(x);          // a buffer the layer owns, reused next call
 * const dx = relu.backward(dout);
 */
export class Relu extends Activation {
  constructor() {
    super('Relu', ops.relu);
  }
}

/** Sigmoid, `y = 1 / (1 + e^-x)`; backward `dx = dout · y(1 - y)`. */
export class Sigmoid extends Activation {
  constructor() {
    super('Sigmoid', ops.sigmoid);
  }
}

/** Tanh, `y = tanh(x)`; backward `dx = dout · (1 - y²)`. */
export class Tanh extends Activation {
  constructor() {
    super('Tanh', ops.tanh);
  }
}

// alpha must be >= 0 so that y > 0 exactly where x > 0 (backward reads the sign of y).
function checkAlpha(caller: string, alpha: number): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) {
    throw new ValueError(`${caller}: alpha must be a finite number >= 0, got ${describe(alpha)}`);
  }
  return alpha;
}

/** Leaky ReLU, `y = x` where `x > 0`, else `alpha · x` (`alpha` ≥ 0, default 0.01). */
export class LeakyRelu extends Activation {
  constructor(readonly alpha = 0.01) {
    checkAlpha('LeakyRelu', alpha);
    super('LeakyRelu', ops.leakyRelu(alpha));
  }
}

/** ELU, `y = x` where `x > 0`, else `alpha · (e^x - 1)` (`alpha` ≥ 0, default 1). */
export class Elu extends Activation {
  constructor(readonly alpha = 1.0) {
    checkAlpha('Elu', alpha);
    super('Elu', ops.elu(alpha));
  }
}

// The kinds. NOTE: ONNX's LeakyRelu and Elu are ours (Elu(0) = 0 either side), alpha a float as in the kernels.
/** The spec of an activation without options: relu(), sigmoid(), tanh(). */
export interface ActivationSpec {
  kind: 'relu' | 'sigmoid' | 'tanh';
}

/** The spec of leakyRelu({ alpha }) (slope below zero, default 0.01) or elu({ alpha }) (default 1). */
export interface AlphaSpec {
  kind: 'leakyRelu' | 'elu';
  alpha?: number;
}

function plainKind<K extends ActivationSpec['kind'], L extends Activation>(kind: K, layerClass: new () => L, op: string, torch: string): LayerKind<{ kind: K }, L> {
  return {
    kind,
    layerClass,
    // ReLU commutes with a max pooling after it (layers/fusion.ts)
    ...(kind === 'relu' ? { fusion: { role: 'relu' } as const } : {}),
    normalize: (where, spec) => specOptions(where, spec, {}) as { kind: K },
    outputShape: (_where, _spec, input) => input,
    create: () => new layerClass(),
    pytorch: { module: () => `nn.${torch}()` },
    onnx: (_layer, x, c) => elementwise(c, op, x),
  };
}

function alphaKind<L extends LeakyRelu | Elu>(kind: AlphaSpec['kind'], layerClass: new (alpha: number) => L, op: string, torch: string,
                                              alpha: number): LayerKind<AlphaSpec, L> {
  return {
    kind,
    layerClass,
    normalize(where, spec) {
      const s = specOptions(where, spec, { alpha });
      checkAlpha(where, s.alpha);
      return s as AlphaSpec;
    },
    outputShape: (_where, _spec, input) => input,
    create: (spec) => new layerClass(spec.alpha ?? alpha),
    pytorch: { module: (l) => `nn.${torch}(${pyNumber((l.spec as AlphaSpec).alpha!)})` },
    onnx: (layer, x, c) => elementwise(c, op, x, layer.alpha),
  };
}

export const reluKind = plainKind('relu', Relu, 'Relu', 'ReLU');
export const sigmoidKind = plainKind('sigmoid', Sigmoid, 'Sigmoid', 'Sigmoid');
export const tanhKind = plainKind('tanh', Tanh, 'Tanh', 'Tanh');
export const leakyReluKind = alphaKind('leakyRelu', LeakyRelu, 'LeakyRelu', 'LeakyReLU', 0.01);
export const eluKind = alphaKind('elu', Elu, 'Elu', 'ELU', 1);
