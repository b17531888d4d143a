// Elementwise sums of whole tensors (a residual block's F(x) + S(x), and its two gradients).
import { kernels } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';

/** y = a + b over same-sized tensors (the caller checked the sizes); y may be a or b. */
export function add(a: Tensor, b: Tensor, y: Tensor): void {
  const k = kernels();
  if (y !== a) k.f32_copy(a.offset, y.offset, a.size);
  k.f32_axpy((y === b ? a : b).offset, y.offset, a.size, 1);
}
