// The Trainer's data: checked whole once, before training changes anything, and measured in
// chunks (a loss over 10 000 images at once would size every layer buffer for 10 000), yielding
// to the event loop between them when the Trainer does.
import { checkTargets, type LossName } from '../layers/targets.js';
import { checkFinite, type Network } from '../networks/network.js';
import { describe, formatShape, sameShape, shapeSize } from '../shape.js';
import { checkTensor, rowsView, type Tensor } from '../tensor.js';
import type { Evaluation } from '../networks/evaluation.js';
import type { Pacer } from './yield.js';
import { ShapeError, ValueError } from '../errors.js';

/**
 * Throws unless x and t are live tensors of the same number N >= 1 of samples, x's samples fit
 * the network, every value of x is finite (one SIMD pass, see checkFinite) and t holds targets
 * its loss takes (checkTargets). `names` are the user's names for x and t.
 */
export function checkDataSet(caller: string, network: Network, names: [string, string], x: unknown, t: unknown): void {
  const [xName, tName] = names;
  const xs = checkTensor(`${caller}: ${xName}`, x), ts = checkTensor(`${caller}: ${tName}`, t);
  const n = xs.shape[0];
  if (!(n >= 1) || xs.shape.length < 2 || ts.shape[0] !== n) {
    throw new ShapeError(`${caller}: ${xName} and ${tName} must hold the same number N >= 1 of samples, ` +
      `got ${xName} ${formatShape(xs.shape)} and ${tName} ${formatShape(ts.shape)}`);
  }
  const sample = network.inputShape;
  if (sample) {
    const shape = xs.shape.slice(1);
    const fits = sample.length > 1 ? sameShape(shape, sample) : shapeSize(shape) === shapeSize(sample);
    if (!fits) throw new ShapeError(`${caller}: ${xName} has samples of shape ${formatShape(shape)} but the network takes ${formatShape(sample)}`);
  }
  checkFinite(`${caller}: ${xName}`, xs, n);
  const [loss, units] = targetsOf(network, xs);
  checkTargets(`${caller}: ${tName}`, loss, ts, n, units);
}

// The loss and output width the targets must fit: the network's own (from its plan), or for a
// network that does not say, class labels as wide as its prediction for one sample (an
// evaluation-mode forward pass, which changes no parameter or statistic).
function targetsOf(network: Network, x: Tensor): [LossName, number] {
  const { lossName, outputShape } = network;
  if (lossName !== undefined && outputShape !== undefined) return [lossName, shapeSize(outputShape)];
  const one = rowsView(x, 0, 1);
  try {
    const y = network.predict(one, false);
    const width = y.shape[1];
    y.dispose();
    return ['softmax-cross-entropy', width];
  } finally {
    one.dispose();
  }
}

/** Throws unless the validation set's samples and labels have the training set's shapes. */
export function checkSameKind(caller: string, x: Tensor, t: Tensor, xTrain: Tensor, tTrain: Tensor,
                              [xName, tName]: readonly [string, string]): void {
  const [sample, trainSample] = [x.shape.slice(1), xTrain.shape.slice(1)];
  if (!sameShape(sample, trainSample)) {
    throw new ShapeError(`${caller}: validation.x has samples of shape ${formatShape(sample)} but ${xName} has ${formatShape(trainSample)}`);
  }
  const [label, trainLabel] = [t.shape.slice(1), tTrain.shape.slice(1)];
  if (!sameShape(label, trainLabel)) {
    throw new ShapeError(`${caller}: validation.t has targets of shape ${formatShape(label)} per sample but ${tName} has ${formatShape(trainLabel)}`);
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
  // NOTE: whole counts are summed (per unit for sigmoid outputs), so the result is exactly
  // network.accuracy's on all n
  const per = decisionsPerSample(network);
  return await inChunks(network, x, t, n, pacer, (xs, ts) => Math.round(network.accuracy(xs, ts) * xs.shape[0] * per) / per);
}

/** What network.evaluate gives (its loss, and its accuracy or mean absolute error), over the first
 *  `limit` samples of x (all when undefined), in chunks; for a network without evaluate, its mean
 *  loss and accuracy. */
export async function evaluateOn(network: Network, x: Tensor, t: Tensor, pacer: Pacer, limit?: number): Promise<Evaluation> {
  const evaluate = network.evaluate?.bind(network);
  const n = Math.min(limit ?? x.shape[0], x.shape[0]);
  if (!evaluate) {
    const view = n === x.shape[0] ? [x, t] : [rowsView(x, 0, n), rowsView(t, 0, n)];
    try {
      return { loss: await meanLoss(network, view[0], view[1], pacer), accuracy: await accuracyOn(network, view[0], view[1], pacer) };
    } finally {
      if (view[0] !== x) for (const v of view) v.dispose();
    }
  }
  let metric = 0;
  const per = decisionsPerSample(network);
  const loss = await inChunks(network, x, t, n, pacer, (xs, ts) => {
    const e = evaluate(xs, ts);
    const count = xs.shape[0];
    metric += e.accuracy === undefined ? e.meanAbsoluteError * count : Math.round(e.accuracy * count * per) / per;
    return e.loss * count;
  });
  return network.lossName === 'mean-squared-error' ? { loss, meanAbsoluteError: metric / n } : { loss, accuracy: metric / n };
}

// Decisions behind a sample's accuracy: one (its class), or one per unit of a sigmoid output.
function decisionsPerSample(network: Network): number {
  return network.lossName === 'sigmoid-cross-entropy' && network.outputShape ? shapeSize(network.outputShape) : 1;
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
