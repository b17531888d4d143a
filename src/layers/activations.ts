// Elementwise activation layers. Each keeps its output y, which is all its backward needs
// (y > 0 exactly where x > 0, and each derivative is a function of y), in a buffer it owns.
// NOTE: ReLU'(0) = 0 here and in every kernel; backward never modifies dout (the book's does).
import type { Kernels } from '../backend/kernels.js';
import { runElementwise } from '../backend/split.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape } from '../shape.js';
import { elementwise } from '../io/onnx-layers.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

// Kernels named by the layer: forward (x, y, n, ...extra), backward (y, dy, dx, n, ...extra).
type KernelName = keyof Kernels;

abstract class Activation implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #y: Tensor | undefined;

  constructor(private readonly name: string, private readonly run: KernelName, private readonly derive: KernelName,
              private readonly extra: number[] = []) {}

  forward(x: Tensor): Tensor {
    checkTensor(`${this.name}.forward: x`, x);
    const y = this.#out.get(x.shape, x);
    runElementwise(this.run, x.size, (s, n) => [x.offset + 4 * s, y.offset + 4 * s, n, ...this.extra]);
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
    runElementwise(this.derive, y.size, (s, n) => [y.offset + 4 * s, dout.offset + 4 * s, dx.offset + 4 * s, n, ...this.extra]);
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
    super('Relu', 'f32_relu_fwd', 'f32_relu_bwd');
  }
}

/** Sigmoid, `y = 1 / (1 + e^-x)`; backward `dx = dout · y(1 - y)`. */
export class Sigmoid extends Activation {
  constructor() {
    super('Sigmoid', 'f32_sigmoid_fwd', 'f32_sigmoid_bwd');
  }
}

/** Tanh, `y = tanh(x)`; backward `dx = dout · (1 - y²)`. */
export class Tanh extends Activation {
  constructor() {
    super('Tanh', 'f32_tanh_fwd', 'f32_tanh_bwd');
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
    super('LeakyRelu', 'f32_leaky_relu_fwd', 'f32_leaky_relu_bwd', [alpha]);
  }
}

/** ELU, `y = x` where `x > 0`, else `alpha · (e^x - 1)` (`alpha` ≥ 0, default 1). */
export class Elu extends Activation {
  constructor(readonly alpha = 1.0) {
    checkAlpha('Elu', alpha);
    super('Elu', 'f32_elu_fwd', 'f32_elu_bwd', [alpha]);
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

function plainKind<K extends ActivationSpec['kind'], L extends Activation>(kind: K, layerClass: new () => L, op: string): LayerKind<{ kind: K }, L> {
  return {
    kind,
    layerClass,
    normalize: (where, spec) => specOptions(where, spec, {}) as { kind: K },
    outputShape: (_where, _spec, input) => input,
    create: () => new layerClass(),
    onnx: (_layer, x, c) => elementwise(c, op, x),
  };
}

function alphaKind<L extends LeakyRelu | Elu>(kind: AlphaSpec['kind'], layerClass: new (alpha: number) => L, op: string, alpha: number): LayerKind<AlphaSpec, L> {
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
    onnx: (layer, x, c) => elementwise(c, op, x, layer.alpha),
  };
}

export const reluKind = plainKind('relu', Relu, 'Relu');
export const sigmoidKind = plainKind('sigmoid', Sigmoid, 'Sigmoid');
export const tanhKind = plainKind('tanh', Tanh, 'Tanh');
export const leakyReluKind = alphaKind('leakyRelu', LeakyRelu, 'LeakyRelu', 0.01);
export const eluKind = alphaKind('elu', Elu, 'Elu', 1);
