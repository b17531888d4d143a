// What every loss layer offers: the last layer of a network, turning its scores and the targets
// into one number, and the gradient of that number with respect to the scores.
import type { Tensor } from '../tensor.js';

export interface LossLayer {
  /** Throws, naming `caller`, unless t are targets for n samples of `outputs` scores. */
  checkTargets(caller: string, t: unknown, n: number, outputs: number): void;
  /** The mean loss over the batch of scores x (N, C) against targets t (checked first). */
  forward(x: Tensor, t: Tensor): number;
  /** d(loss)/dx · dout, in the shape of x (owned by the layer). */
  backward(dout?: number): Tensor;
  /** For losses whose predictions are not the argmax over classes (independent sigmoid units):
   *  the correct decisions among the scores (N, C) for targets t, and how many there were. */
  countCorrect?(scores: Tensor, t: Tensor): { correct: number; total: number };
  dispose(): void;
}
