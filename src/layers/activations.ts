// Elementwise activation layers. Each keeps its output y, which is all its backward needs
// (y > 0 exactly where x > 0, and each derivative is a function of y), in a buffer it owns.
// NOTE: ReLU'(0) = 0 here and in every kernel; backward never modifies dout (the book's does).
import { kernels } from '../backend/runtime.js';
import type { Kernels } from '../backend/kernels.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { Layer } from './layer.js';

type Run = (k: Kernels, x: number, y: number, n: number) => void;
type Derive = (k: Kernels, y: number, dy: number, dx: number, n: number) => void;

abstract class Activation implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #y: Tensor | undefined;

  constructor(private readonly name: string, private readonly run: Run, private readonly derive: Derive) {}

  forward(x: Tensor): Tensor {
    checkTensor(`${this.name}.forward: x`, x);
    const y = this.#out.get(x.shape);
    this.run(kernels(), x.offset, y.offset, x.size);
    this.#y = y;
    return y;
  }

  backward(dout: Tensor): Tensor {
    const y = this.#y;
    if (!y || y.disposed) throw new Error(`${this.name}.backward: call forward first`);
    checkTensor(`${this.name}.backward: dout`, dout);
    if (!sameShape(dout.shape, y.shape)) {
      throw new Error(`${this.name}.backward: dout must have the forward output's shape ${formatShape(y.shape)}, got ${formatShape(dout.shape)}`);
    }
    const dx = this.#dx.get(dout.shape);
    this.derive(kernels(), y.offset, dout.offset, dx.offset, y.size);
    return dx;
  }

  dispose(): void {
    this.#out.dispose();
    this.#dx.dispose();
    this.#y = undefined;
  }
}

export class Relu extends Activation {
  constructor() {
    super('Relu', (k, x, y, n) => k.f32_relu_fwd(x, y, n), (k, y, dy, dx, n) => k.f32_relu_bwd(y, dy, dx, n));
  }
}

export class Sigmoid extends Activation {
  constructor() {
    super('Sigmoid', (k, x, y, n) => k.f32_sigmoid_fwd(x, y, n), (k, y, dy, dx, n) => k.f32_sigmoid_bwd(y, dy, dx, n));
  }
}

export class Tanh extends Activation {
  constructor() {
    super('Tanh', (k, x, y, n) => k.f32_tanh_fwd(x, y, n), (k, y, dy, dx, n) => k.f32_tanh_bwd(y, dy, dx, n));
  }
}

// alpha must be >= 0 so that y > 0 exactly where x > 0 (backward reads the sign of y).
function checkAlpha(caller: string, alpha: number): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) {
    throw new Error(`${caller}: alpha must be a finite number >= 0, got ${describe(alpha)}`);
  }
  return alpha;
}

export class LeakyRelu extends Activation {
  constructor(readonly alpha = 0.01) {
    checkAlpha('LeakyRelu', alpha);
    super('LeakyRelu', (k, x, y, n) => k.f32_leaky_relu_fwd(x, y, n, alpha), (k, y, dy, dx, n) => k.f32_leaky_relu_bwd(y, dy, dx, n, alpha));
  }
}

export class Elu extends Activation {
  constructor(readonly alpha = 1.0) {
    checkAlpha('Elu', alpha);
    super('Elu', (k, x, y, n) => k.f32_elu_fwd(x, y, n, alpha), (k, y, dy, dx, n) => k.f32_elu_bwd(y, dy, dx, n, alpha));
  }
}
