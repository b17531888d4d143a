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
  kernels().f32_axpy((y === b ? a : b).offset, y.offset, a.size, 1);
}
