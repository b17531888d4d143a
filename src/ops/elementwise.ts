// Elementwise passes over whole tensors: copies and sums (a residual block's F(x) + S(x), and its
// two gradients).
import { kernels } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';

/** to = from, element for element (the caller checked that the sizes match). */
export function copyInto(from: Tensor, to: Tensor): void {
  kernels().f32_copy(from.offset, to.offset, from.size);
}

/** y = a + b over same-sized tensors (the caller checked the sizes); y may be a or b. */
export function add(a: Tensor, b: Tensor, y: Tensor): void {
  if (y !== a) copyInto(a, y);
  kernels().f32_axpy((y === b ? a : b).offset, y.offset, y.offset, a.size, 1);
}

/** Copies `from` into `to` starting at row `row` of `to` (rows of to's second dimension and on). */
export function copyIntoRows(from: Tensor, to: Tensor, row: number): void {
  kernels().f32_copy(from.offset, to.offset + (row * (to.size / to.shape[0]!)) * 4, from.size);
}

/** y += alpha·x over same-sized tensors. */
export function addScaled(x: Tensor, y: Tensor, alpha: number): void {
  kernels().f32_axpy(x.offset, y.offset, y.offset, x.size, alpha);
}

/** Σ x², in float32 (not finite when x holds a NaN or an Infinity, or values beyond 1.8e19). */
export function sumOfSquares(x: Tensor): number {
  return kernels().f32_sum_squares(x.offset, x.size);
}

/** Whether every value of x is finite (one SIMD pass). */
export function allFinite(x: Tensor): boolean {
  return kernels().f32_all_finite(x.offset, x.size) !== 0;
}

/** y = x·s (y may be x). */
export function scaleInto(x: Tensor, y: Tensor, s: number): void {
  kernels().f32_scale(x.offset, y.offset, x.size, s);
}

/** out = a ⊙ b, element for element. */
export function multiply(a: Tensor, b: Tensor, out: Tensor): void {
  kernels().f32_mul(a.offset, b.offset, out.offset, a.size);
}

/** The book's dropout: mask = (uniform draw from `seed` > ratio) as 1 or 0, y = x ⊙ mask. */
export function dropoutMask(x: Tensor, mask: Tensor, y: Tensor, ratio: number, seed: number): void {
  kernels().f32_dropout_fwd(x.offset, mask.offset, y.offset, x.size, ratio, seed);
}
