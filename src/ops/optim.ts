// The optimizers' updates over whole parameters (assembly/optim.ts), cut between the threads at
// whole cache lines.
import type { Kernels } from '../backend/kernels.js';
import { runElementwise } from '../backend/split.js';
import type { Tensor } from '../tensor.js';

/** out = p + alpha·g (SGD's update with alpha = −lr); out is p (in place) or a tensor of p's size
 *  that shares no memory with p or g. */
export function axpyUpdate(g: Tensor, p: Tensor, alpha: number, out: Tensor = p): void {
  runElementwise('f32_axpy', p.size, (start, count) => [g.offset + 4 * start, p.offset + 4 * start, out.offset + 4 * start, count, alpha]);
}

/** A stateful optimizer's update kernel: (p, out, g, ...state, n, ...scalars). */
export type UpdateKernel = keyof Kernels & `f32_${string}_step`;

/** Runs one optimizer's update kernel over a parameter p with its gradient g and state tensors;
 *  the updated parameter goes to `out` (p itself, or a tensor of p's size sharing no memory). */
export function statefulUpdate(kernel: UpdateKernel, p: Tensor, g: Tensor, state: readonly Tensor[], scalars: readonly number[],
                               out: Tensor = p): void {
  const arrays = [p.offset, out.offset, g.offset, ...state.map((t) => t.offset)];
  // NOTE: the kernels' arities differ (state slots, scalars); the list follows their one shape
  runElementwise(kernel, p.size, (start, count) => [...arrays.map((a) => a + 4 * start), count, ...scalars] as never);
}
