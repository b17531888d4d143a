// The losses' passes (assembly/softmax.ts, loss.ts): each forward returns the loss summed over the
// batch (callers divide by N), each backward writes dx = (y − t)·scale. Targets t come as integer
// labels (N) ('indices') or values shaped like the scores ('values', 'onehot'); callers have
// checked them.
import { kernels } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';

/** How targets are laid out: integer labels (N), or values shaped like the scores. */
export type TargetForm = 'indices' | 'values' | 'onehot';

// x as rows: a vector is one row, anything else shape[0] rows of the rest of each sample
function rowsOf(x: Tensor): [number, number] {
  const rows = x.shape.length === 1 ? 1 : x.shape[0]!;
  return [rows, x.size / rows];
}

/** y = softmax(x) over each row of x (a vector is one row); y may be x. */
export function softmax(x: Tensor, y: Tensor): void {
  kernels().f32_softmax_fwd(x.offset, y.offset, ...rowsOf(x));
}

/** Σ −log(y[i, tᵢ] + 1e-7) over the rows of probabilities y (a vector is one row). */
export function crossEntropy(y: Tensor, t: Tensor, form: TargetForm): number {
  const k = kernels();
  const [n, classes] = rowsOf(y);
  return form === 'indices' ? k.f32_xent_labels_fwd(y.offset, t.offset, n, classes) : k.f32_xent_onehot_fwd(y.offset, t.offset, n, classes);
}

/** Σ ½(y − t)² over same-sized tensors. */
export function halfSquaredError(y: Tensor, t: Tensor): number {
  return kernels().f32_mse_fwd(y.offset, t.offset, y.size);
}

/** y = softmax(x) by rows (x, y: (n, classes)); returns Σ −log(y[i, tᵢ] + 1e-7). */
export function softmaxCrossEntropy(x: Tensor, y: Tensor, t: Tensor, form: TargetForm): number {
  softmax(x, y);
  return crossEntropy(y, t, form);
}

/** y = x; returns Σ ½(y − t)² (labels stand for one-hot rows). */
export function squaredError(x: Tensor, y: Tensor, t: Tensor, form: TargetForm): number {
  const k = kernels();
  const [n, outputs] = x.shape as [number, number];
  k.f32_copy(x.offset, y.offset, x.size);
  return form === 'indices' ? k.f32_mse_labels_fwd(y.offset, t.offset, n, outputs) : halfSquaredError(y, t);
}

/** y = σ(x); returns Σ of the binary cross-entropy of each unit, computed from x (finite where σ(x) rounds to 0 or 1). */
export function sigmoidCrossEntropy(x: Tensor, y: Tensor, t: Tensor): number {
  const k = kernels();
  k.f32_sigmoid_fwd(x.offset, y.offset, x.size);
  return k.f32_sigmoid_xent_fwd(x.offset, t.offset, x.size);
}

/** dx = (y − t)·scale (labels stand for one-hot rows): the backward of all three losses. */
export function outputMinusTarget(y: Tensor, t: Tensor, dx: Tensor, form: TargetForm, scale: number): void {
  const k = kernels();
  const [n, columns] = y.shape as [number, number];
  if (form === 'indices') k.f32_softmax_xent_labels_bwd(y.offset, t.offset, dx.offset, n, columns, scale);
  else k.f32_softmax_xent_onehot_bwd(y.offset, t.offset, dx.offset, n, columns, scale);
}

/** Scores (n, k) turned into probabilities in place: softmax by rows, or σ of each unit. */
export function toProbabilitiesInPlace(scores: Tensor, softmax: boolean): void {
  const k = kernels();
  // NOTE: both kernels allow y to alias x
  if (softmax) k.f32_softmax_fwd(scores.offset, scores.offset, scores.shape[0]!, scores.shape[1]!);
  else k.f32_sigmoid_fwd(scores.offset, scores.offset, scores.size);
}
