// What a network's outputs mean under its loss: which decisions are right (classification), how
// far off they are (regression), and the probabilities they stand for. Shared by evaluate(),
// accuracy(), probabilities() and the Trainer's accuracy over the batches as trained.
import { kernels } from '../backend/runtime.js';
import { targetValues, type LossName, type TargetForm } from '../layers/targets.js';
import type { Tensor } from '../tensor.js';

/** What `network.evaluate(x, t)` gives: the mean loss as loss() computes it (regularization
 *  included) and, by the loss, the accuracy (classification) or the mean absolute error over all
 *  N·k outputs (mean-squared-error). */
export type Evaluation = { loss: number; accuracy: number; meanAbsoluteError?: never }
  | { loss: number; meanAbsoluteError: number; accuracy?: never };

/** Sums over a batch: correct decisions (or absolute errors) and how many there were. */
export interface Tally {
  sum: number;
  count: number;
}

/**
 * The correct decisions among the outputs y (N, k) for targets t of the given form: the row's
 * argmax against its label (softmax-cross-entropy), or each unit's decision against its target,
 * both on the same side of `threshold` (sigmoid-cross-entropy; 0 for scores, ½ for
 * probabilities). For mean-squared-error: the sum of |y − t| over every output.
 */
export function tally(loss: LossName, y: Tensor, t: Tensor, form: TargetForm, threshold: number): Tally {
  const [n, k] = y.shape;
  const out = y.data;
  if (loss === 'mean-squared-error') {
    const target = targetValues(t, form, k);
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += Math.abs(out[i] - target[i]);
    return { sum, count: out.length };
  }
  const target = t.data;
  if (loss === 'sigmoid-cross-entropy') {
    let correct = 0;
    for (let i = 0; i < out.length; i++) if ((out[i] > threshold) === (target[i] > 0.5)) correct++;
    return { sum: correct, count: out.length };
  }
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const label = form === 'indices' ? target[r] : argmax(target, r * k, k);
    if (argmax(out, r * k, k) === label) correct++;
  }
  return { sum: correct, count: n };
}

// The first maximum of row values[start, start + k)
function argmax(values: Float32Array, start: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (values[start + c] > values[start + best]) best = c;
  return best;
}

/** Turns scores (N, k) into probabilities in place: softmax over each row or σ of each unit. */
export function toProbabilities(loss: LossName, scores: Tensor): void {
  const k = kernels();
  // NOTE: both kernels allow y to alias x
  if (loss === 'softmax-cross-entropy') k.f32_softmax_fwd(scores.offset, scores.offset, scores.shape[0], scores.shape[1]);
  else k.f32_sigmoid_fwd(scores.offset, scores.offset, scores.size);
}
