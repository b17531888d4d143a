// The Trainer's data: checked whole once, before training changes anything, and measured in
// chunks (a loss over 10 000 images at once would size every layer buffer for 10 000), yielding
// to the event loop between them when the Trainer does.
import { checkLabels } from '../labels.js';
import { checkFinite, type Network } from '../networks/network.js';
import { describe, formatShape, sameShape, shapeSize } from '../shape.js';
import { checkTensor, rowsView, type Tensor } from '../tensor.js';
import type { Pacer } from './yield.js';
import { ShapeError, ValueError } from '../errors.js';

/**
 * Throws unless x and t are live tensors of the same number N >= 1 of samples, x's samples fit
 * the network, every value of x is finite (one SIMD pass, see checkFinite) and t holds valid
 * labels for the network's classes. `names` are the user's names for x and t.
 */
export function checkDataSet(network: Network, names: [string, string], x: unknown, t: unknown): void {
  const [xName, tName] = names;
  const xs = checkTensor(`Trainer: ${xName}`, x), ts = checkTensor(`Trainer: ${tName}`, t);
  const n = xs.shape[0];
  if (!(n >= 1) || xs.shape.length < 2 || ts.shape[0] !== n) {
    throw new ShapeError(`Trainer: ${xName} and ${tName} must hold the same number N >= 1 of samples, ` +
      `got ${xName} ${formatShape(xs.shape)} and ${tName} ${formatShape(ts.shape)}`);
  }
  const sample = network.inputShape;
  if (sample) {
    const shape = xs.shape.slice(1);
    const fits = sample.length > 1 ? sameShape(shape, sample) : shapeSize(shape) === shapeSize(sample);
    if (!fits) throw new ShapeError(`Trainer: ${xName} has samples of shape ${formatShape(shape)} but the network takes ${formatShape(sample)}`);
  }
  checkFinite(`Trainer: ${xName}`, xs, n);
  checkLabels(`Trainer: ${tName}`, ts, n, classesOf(network, xs));
}

// The number of classes: the network's own count, or the width of its prediction for one sample
// (an evaluation-mode forward pass, which changes no parameter or statistic).
function classesOf(network: Network, x: Tensor): number {
  const classes = (network as { classes?: unknown }).classes;
  if (typeof classes === 'number' && Number.isInteger(classes) && classes > 0) return classes;
  const one = rowsView(x, 0, 1);
  try {
    const y = network.predict(one, false);
    const width = y.shape[1];
    y.dispose();
    return width;
  } finally {
    one.dispose();
  }
}

/** Throws unless the validation set's samples and labels have the training set's shapes. */
export function checkSameKind(x: Tensor, t: Tensor, xTrain: Tensor, tTrain: Tensor): void {
  const [sample, trainSample] = [x.shape.slice(1), xTrain.shape.slice(1)];
  if (!sameShape(sample, trainSample)) {
    throw new ShapeError(`Trainer: validation.x has samples of shape ${formatShape(sample)} but xTrain has ${formatShape(trainSample)}`);
  }
  const [label, trainLabel] = [t.shape.slice(1), tTrain.shape.slice(1)];
  if (!sameShape(label, trainLabel)) {
    throw new ShapeError(`Trainer: validation.t has labels of shape ${formatShape(label)} per sample but tTrain has ${formatShape(trainLabel)}`);
  }
}

/** The number of training samples set aside by validationSplit (the last ones, as Keras does). */
export function validationCount(caller: string, n: number, split: unknown): number {
  if (typeof split !== 'number' || !(split > 0 && split < 1)) {
    throw new ValueError(`${caller}: validationSplit must be a number in (0, 1), got ${describe(split)}`);
  }
  const count = Math.round(n * split);
  if (count < 1 || count > n - 1) {
    throw new ValueError(`${caller}: validationSplit ${split} of ${n} samples leaves ${count} for validation and ${n - count} ` +
      'for training; both need at least one');
  }
  return count;
}

/** The mean loss (evaluation mode, with the network's regularization terms) over all of x. */
export function meanLoss(network: Network, x: Tensor, t: Tensor, pacer: Pacer): Promise<number> {
  return inChunks(network, x, t, x.shape[0], pacer, (xs, ts) => network.loss(xs, ts, false) * xs.shape[0]);
}

/** Accuracy on the first `limit` samples (all when undefined). */
export async function accuracyOn(network: Network, x: Tensor, t: Tensor, pacer: Pacer, limit?: number): Promise<number> {
  const n = Math.min(limit ?? x.shape[0], x.shape[0]);
  // NOTE: whole counts are summed, so the result is exactly network.accuracy's on all n
  return await inChunks(network, x, t, n, pacer, (xs, ts) => Math.round(network.accuracy(xs, ts) * xs.shape[0]));
}

// The sum of `measure` (a chunk's total) over the first n samples, divided by n, in chunks of the
// network's evalBatchSize (views, disposed after use); the pacer may yield between chunks, so
// that a page stays responsive while 10 000 images are evaluated.
async function inChunks(network: Network, x: Tensor, t: Tensor, n: number, pacer: Pacer,
                        measure: (xs: Tensor, ts: Tensor) => number): Promise<number> {
  const size = (network as { evalBatchSize?: number }).evalBatchSize ?? 100;
  let sum = 0;
  for (let start = 0; start < n; start += size) {
    await pacer.pace();
    const count = Math.min(size, n - start);
    const [xs, ts] = [rowsView(x, start, count), rowsView(t, start, count)];
    try {
      sum += measure(xs, ts);
    } finally {
      xs.dispose();
      ts.dispose();
    }
  }
  return sum / n;
}
