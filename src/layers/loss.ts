// What every loss layer offers: the last layer of a network, turning its scores and the targets
// into one number, and the gradient of that number with respect to the scores.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';

export interface LossLayer {
  /** Throws, naming `caller`, unless t are targets for n samples of `outputs` scores. */
  checkTargets(caller: string, t: unknown, n: number, outputs: number): void;
  /** The mean loss over the batch of scores x (N, C) against targets t (checked first). */
  forward(x: Tensor, t: Tensor): number;
  /** d(loss)/dx · dout, in the shape of x (owned by the layer). */
  backward(dout?: number): Tensor;
  dispose(): void;
}

/** The checks every loss layer's backward makes before it writes: a live forward state whose
 *  targets still exist, and a finite dout. Returns the state. */
export function backwardState<S extends { y: Tensor; t: Tensor }>(layer: string, state: S | undefined, dout: unknown, targets = 'targets'): S {
  if (!state || state.y.disposed) throw new ValueError(`${layer}.backward: call forward first`);
  if (state.t.disposed) throw new ValueError(`${layer}.backward: the ${targets} t were disposed after forward`);
  if (typeof dout !== 'number' || !Number.isFinite(dout)) {
    throw new ValueError(`${layer}.backward: dout must be a finite number, got ${String(dout)}`);
  }
  return state;
}
