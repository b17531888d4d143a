// Elementwise passes over whole tensors.
import { kernels } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';

/** to = from, element for element (the caller checked that the sizes match). */
export function copyInto(from: Tensor, to: Tensor): void {
  kernels().f32_copy(from.offset, to.offset, from.size);
}
