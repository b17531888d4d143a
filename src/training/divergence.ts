// A run that diverged: the error train() and step() throw, and the message that says what went
// wrong, its likely cause and what was done about it.
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Tensor } from '../tensor.js';
import type { TrainResult } from './trainer-options.js';
import { ScratchnetError } from '../errors.js';

/**
 * train() rejects with this (code `'ERR_TRAINING_DIVERGED'`) when training diverges (the loss or a buffer becomes NaN or
 * infinite) and onDivergence is 'stop'. The network holds the parameters (and batch-norm
 * statistics) the last healthy iteration started from. NOTE: the optimizer's own state (momentum, Adam's moments) is not rolled back:
 * to resume, make a new optimizer with a lower lr.
 */
export class TrainingDivergedError extends ScratchnetError {
  override readonly name = 'TrainingDivergedError';

  constructor(message: string,
              /** The iteration (1-based) that diverged. */
              readonly iteration: number,
              /** Its loss: NaN or ±Infinity, or finite if a buffer overflowed first. */
              readonly loss: number,
              /** The lr of the update that produced the diverged parameters (NaN at iteration 1). */
              readonly lr: number,
              /** What train() had gathered so far, with `diverged` set. */
              readonly result: TrainResult) {
    super(message, 'ERR_TRAINING_DIVERGED');
  }
}

/** What divergenceMessage needs to know about the iteration that diverged. */
export interface Divergence {
  iteration: number;
  maxIter: number;
  loss: number;
  /** The buffer that is no longer finite, if that is what happened. */
  buffer: string | undefined;
  /** The lr of the update that made the parameters diverge. */
  lr: number;
  /** The iteration's mini-batch. */
  x: Tensor;
  /** Every iteration's loss so far. */
  losses: number[];
  optimizer: Optimizer;
}

/** What went wrong at `iteration`, its likely cause, and what was done about it; `caller` is
 *  'Trainer' or 'fit'. */
export function divergenceMessage(caller: string, d: Divergence): string {
  const { iteration, maxIter, loss, buffer, lr, x, losses } = d;
  const what = buffer === undefined
    ? `the loss is ${loss}` // NaN, Infinity or -Infinity
    : `the buffer '${buffer}' is no longer finite (loss ${loss.toPrecision(4)})`;
  const head = `${caller}: ${what} at iteration ${iteration} of ${maxIter}`;
  const restored = iteration === 1
    ? 'The parameters were left as they were.'
    : `Training stopped and the parameters were restored to the ones iteration ${iteration - 1} started from, the last healthy one.`;
  const xs = x.data;
  for (let j = 0; j < xs.length; j++) {
    if (!Number.isFinite(xs[j])) {
      const sample = Math.floor(j / (xs.length / x.shape[0]));
      return `${head}: its mini-batch holds a non-finite input (NaN or Infinity in sample ${sample} of the batch); ` +
        `check the training data. ${restored}`;
    }
  }
  if (iteration === 1) {
    return `${head}, before any update, so the learning rate is not the cause: check the training data, the labels and ` +
      `the initial parameters (weight scale). ${restored}`;
  }
  const name = d.optimizer.constructor?.name ?? 'the optimizer';
  return `${head} (loss ${losses[iteration - 2].toPrecision(4)} at iteration ${iteration - 1}): training diverged, most likely ` +
    `because the learning rate is too high for ${name} (lr ${lr}). ${restored} Lower the lr, or pass ` +
    `onDivergence: 'continue' to train on anyway.`;
}
