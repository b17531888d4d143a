// The elementwise activations' passes over whole tensors (assembly/activation.ts and kin), cut
// between the threads at whole cache lines. A map kernel takes (x, y, n); a gradient kernel takes
// (saved, dy, dx, n), where `saved` is what its derivative is a function of: the forward's output
// y (ReLU, sigmoid, tanh) or its input x (GELU).
import type { Kernels } from '../backend/kernels.js';
import type { KernelArgs } from '../backend/runtime.js';
import { runElementwise } from '../backend/split.js';
import type { Tensor } from '../tensor.js';

/** The kernels of the form (x, y, n): an elementwise map. */
export type MapKernel = { [K in keyof Kernels]: KernelArgs<K> extends [number, number, number] ? K : never }[keyof Kernels];
/** The kernels of the form (saved, dy, dx, n): an elementwise map's gradient. */
export type GradientKernel = { [K in keyof Kernels]: KernelArgs<K> extends [number, number, number, number] ? K : never }[keyof Kernels];

/** y = f(x) by a map kernel; x and y of one size (y may be x). */
export function mapForward(kernel: MapKernel, x: Tensor, y: Tensor): void {
  runElementwise(kernel, x.size, (s, n) => [x.offset + 4 * s, y.offset + 4 * s, n] as KernelArgs<MapKernel>);
}

/** dx = dout · f'(…) by a gradient kernel, from the tensor it reads (`saved`: x or y). */
export function mapBackward(kernel: GradientKernel, saved: Tensor, dout: Tensor, dx: Tensor): void {
  runElementwise(kernel, saved.size, (s, n) => [saved.offset + 4 * s, dout.offset + 4 * s, dx.offset + 4 * s, n] as KernelArgs<GradientKernel>);
}

/** An activation's two passes, its backward from the forward's output y. */
export interface ActivationOp {
  /** y = f(x), x and y of one size. */
  forward(x: Tensor, y: Tensor): void;
  /** dx = dout · f'(x), from the forward's y. */
  backward(y: Tensor, dout: Tensor, dx: Tensor): void;
}

function plain(fwd: MapKernel, bwd: GradientKernel): ActivationOp {
  return { forward: (x, y) => mapForward(fwd, x, y), backward: (y, dout, dx) => mapBackward(bwd, y, dout, dx) };
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
