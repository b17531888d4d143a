// The elementwise activations' passes over whole tensors (assembly/activation.ts), cut between the
// threads at whole cache lines. Forward reads x and writes y; backward computes dx from dout and
// the forward's y (each derivative here is a function of y).
import { runElementwise } from '../backend/split.js';
import type { Tensor } from '../tensor.js';

/** An activation's two passes. */
export interface ActivationOp {
  /** y = f(x), x and y of one size. */
  forward(x: Tensor, y: Tensor): void;
  /** dx = dout · f'(x), from the forward's y. */
  backward(y: Tensor, dout: Tensor, dx: Tensor): void;
}

function plain(fwd: 'f32_relu_fwd' | 'f32_sigmoid_fwd' | 'f32_tanh_fwd', bwd: 'f32_relu_bwd' | 'f32_sigmoid_bwd' | 'f32_tanh_bwd'): ActivationOp {
  return {
    forward: (x, y) => runElementwise(fwd, x.size, (s, n) => [x.offset + 4 * s, y.offset + 4 * s, n]),
    backward: (y, dout, dx) => runElementwise(bwd, y.size, (s, n) => [y.offset + 4 * s, dout.offset + 4 * s, dx.offset + 4 * s, n]),
  };
}

function withAlpha(fwd: 'f32_leaky_relu_fwd' | 'f32_elu_fwd', bwd: 'f32_leaky_relu_bwd' | 'f32_elu_bwd', alpha: number): ActivationOp {
  return {
    forward: (x, y) => runElementwise(fwd, x.size, (s, n) => [x.offset + 4 * s, y.offset + 4 * s, n, alpha]),
    backward: (y, dout, dx) => runElementwise(bwd, y.size, (s, n) => [y.offset + 4 * s, dout.offset + 4 * s, dx.offset + 4 * s, n, alpha]),
  };
}

/** ReLU: y = max(0, x); ReLU'(0) = 0. */
export const relu = plain('f32_relu_fwd', 'f32_relu_bwd');
/** Sigmoid: y = 1 / (1 + e^-x); dx = dout · y(1 − y). */
export const sigmoid = plain('f32_sigmoid_fwd', 'f32_sigmoid_bwd');
/** Tanh: dx = dout · (1 − y²). */
export const tanh = plain('f32_tanh_fwd', 'f32_tanh_bwd');
/** Leaky ReLU: y = x where x > 0, else alpha·x (alpha ≥ 0). */
export const leakyRelu = (alpha: number): ActivationOp => withAlpha('f32_leaky_relu_fwd', 'f32_leaky_relu_bwd', alpha);
/** ELU: y = x where x > 0, else alpha·(e^x − 1) (alpha ≥ 0). */
export const elu = (alpha: number): ActivationOp => withAlpha('f32_elu_fwd', 'f32_elu_bwd', alpha);
