// The Trainer's options, results and events, and the checks its constructor runs on them.
import type { Sampling } from '../data/batches.js';
import { checkAugment, type AugmentOptions } from '../data/augment.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { OptimizerName } from '../optimizers/registry.js';
import { boolean, oneOf, options as checkKeys, positiveInteger } from '../options.js';
import { checkSeed } from '../rng.js';
import { describe } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkEarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
import type { LrSchedule } from './schedules.js';
import { TRAINER_HINTS } from './foreign-names.js';
import { defaultYieldEvery } from './yield.js';
import { ValueError } from '../errors.js';

/** Options of a Trainer; each has a default (the book's where it has one), unknown keys are refused. */
export interface TrainerOptions {
  /** Passes over the training data; default 20. */
  epochs?: number;
  /** Samples per update; default 100. */
  miniBatchSize?: number;
  /** An optimizer, or its name ('SGD', 'Momentum', 'Nesterov', 'AdaGrad', 'RMSprop', 'Adam', or
   *  the same in lower case); default 'SGD'. */
  optimizer?: OptimizerName | Lowercase<OptimizerName> | Optimizer;
  /** Options of a named optimizer, e.g. { lr: 0.01 } (the default). */
  optimizerParam?: Record<string, number>;
  /** Evaluate each epoch on the first N train and test samples (all by default). */
  evaluateSampleNumPerEpoch?: number;
  /**
   * When train and test accuracy are measured: 'epoch-start' (the book's: after the first
   * iteration of every epoch, so the first entry is a nearly untrained network and the last
   * epoch's result is only in `testAcc`) or 'epoch-end' (after the last iteration of every epoch,
   * as most frameworks do). Validation metrics are always measured at the end of an epoch.
   */
  evaluateAt?: 'epoch-start' | 'epoch-end';
  /** Print epochs and a progress bar (default true). */
  verbose?: boolean;
  /** Called after every iteration, and with accuracies at every evaluation. */
  onProgress?: (event: TrainerEvent) => void;
  /** Called (and awaited) after the last iteration of every epoch, with its metrics and the
   *  histories so far, e.g. to save a checkpoint. */
  onEpochEnd?: (metrics: EpochMetrics, result: TrainResult) => void | Promise<void>;
  /** Sets the optimizer's lr from the fractional epoch (0 at the start) before every update. */
  lrSchedule?: LrSchedule;
  /** Seed of the mini-batch draws and of the network's dropout masks (network.reseed), so a run
   *  is reproducible from its options and the network's initial parameters. */
  seed?: number;
  /** 'with-replacement' (the book's: each batch drawn at random, ⌊N / batch⌋ batches an epoch)
   *  or 'epoch-shuffle' (each sample once per epoch in a new order, ⌈N / batch⌉ batches). */
  sampling?: Sampling;
  /** Data measured at the end of every epoch (valLoss, valAcc); its samples and labels have the
   *  training data's shapes. */
  validation?: { x: Tensor; t: Tensor };
  /** Sets aside this fraction of the training data (its last samples) as the validation data. */
  validationSplit?: number;
  /** Stop when the validation metric stops improving; needs validation or validationSplit. */
  earlyStopping?: EarlyStoppingOptions;
  /** Stops training between two iterations; train() then resolves with `stopped: 'aborted'`
   *  and the network as the last iteration left it. */
  signal?: AbortSignal;
  /** Hand the thread back to the event loop at least every this many ms (0: never). Default 40
   *  on a page's main thread, 100 elsewhere when a signal is given (so a timer can abort), else 0. */
  yieldEvery?: number;
  /**
   * What to do when training diverges: the loss becomes NaN or infinite, or a buffer (batch-norm
   * running statistics) does, which can happen first since batch norm keeps the loss finite. The
   * usual cause is a learning rate too high for the optimizer.
   * - 'stop' (default): put back the last good parameters and buffers (those the last iteration
   *   that was still healthy started from) and reject with a {@link TrainingDivergedError} that names
   *   the iteration, the optimizer and its lr. Costs one more set of parameter tensors (allocated
   *   once per run) and, per iteration, a copy of the buffers; the library's optimizers write each
   *   update into the spare set, and the two exchange their memory, so no parameter is copied (an
   *   optimizer of your own updates in place after a copy of the parameters). A parameter's `data`
   *   is then a view of other memory after each iteration: read it again rather than keeping it.
   * - 'continue': train on regardless, as the book's Trainer does (no copy is kept); the first
   *   such iteration is reported in `result.diverged`.
   */
  onDivergence?: 'stop' | 'continue';
  /** Warps each image of every mini-batch by its own random shift (pixels), rotation (degrees) and
   *  scale (fraction), drawn from a stream of its own seeded by `seed`; needs images (N, C, H, W). */
  augment?: AugmentOptions;
}

const KNOWN: (keyof TrainerOptions)[] = ['epochs', 'miniBatchSize', 'optimizer', 'optimizerParam', 'evaluateSampleNumPerEpoch',
  'evaluateAt', 'verbose', 'onProgress', 'onEpochEnd', 'lrSchedule', 'seed', 'sampling', 'validation', 'validationSplit',
  'earlyStopping', 'signal', 'yieldEvery', 'onDivergence', 'augment'];

/** One numbering everywhere: epochs count from 1, in the log, the events and the callbacks. */
export interface TrainerEvent {
  /** 1-based. */
  iteration: number;
  maxIter: number;
  /** 1-based. */
  epoch: number;
  loss: number;
  lr: number;
  /** Present at evaluations (see evaluateAt). */
  trainAcc?: number;
  testAcc?: number;
}

/** One epoch of training, as onEpochEnd receives it and `history` keeps it. Which fields are
 *  present depends on the network's loss (accuracies for classifiers, mean absolute errors for
 *  mean-squared-error), on validation data, and on fit or the Trainer. */
export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  /** Mean training loss of the epoch's iterations (its mini-batches, as trained). */
  trainLoss: number;
  /** Classifiers. The Trainer: the epoch's evaluation pass (at its start or end, see evaluateAt);
   *  fit: the accuracy over the epoch's mini-batches as they were trained (no extra pass). */
  trainAcc?: number;
  /** Mean-squared-error networks. The Trainer: the epoch's evaluation pass on the training data;
   *  fit: the mean absolute error over the epoch's mini-batches as trained. */
  trainMeanAbsoluteError?: number;
  /** The Trainer's evaluation pass on the test data: accuracy (classifiers), or loss and mean
   *  absolute error (mean-squared-error). Absent in fit, which has no test data. */
  testAcc?: number;
  testLoss?: number;
  testMeanAbsoluteError?: number;
  /** With validation data, measured at the end of the epoch. */
  valLoss?: number;
  valAcc?: number;
  valMeanAbsoluteError?: number;
  /** The optimizer's lr at the epoch's last update. */
  lr: number;
}

/** What train() and fit() resolve with: the histories of the run and the final test metrics. */
export interface TrainResult {
  /** One entry per completed epoch. */
  history: EpochMetrics[];
  /** The loss of every iteration's mini-batch. */
  trainLossList: number[];
  /** Train and test accuracy, in [0, 1], at every evaluation (one per epoch, see evaluateAt);
   *  the Trainer's, for classifiers (empty otherwise and in fit). */
  trainAccList: number[];
  testAccList: number[];
  /** Present when validating: one entry per completed epoch, measured at its end. */
  valLossList?: number[];
  valAccList?: number[];
  /** The Trainer: accuracy on the whole test set after training (classifiers; absent in fit). */
  testAcc?: number;
  /** The Trainer with a mean-squared-error network: loss and mean absolute error on the whole
   *  test set after training. */
  testLoss?: number;
  testMeanAbsoluteError?: number;
  /** Why training ended before its last epoch, if it did. */
  stopped?: 'aborted' | 'early-stopping';
  /** With earlyStopping: the best epoch (1-based) by the monitored metric. */
  bestEpoch?: number;
  /**
   * The first iteration (1-based, as in TrainerEvent) that diverged, and its loss: NaN or
   * ±Infinity, or a finite number when a buffer (batch-norm statistic) overflowed first. With
   * onDivergence 'continue' training went on past it; with 'stop' train() rejects with a
   * TrainingDivergedError whose `result` carries this field and the histories up to that
   * iteration (trainLossList ends with that loss). Absent when training never diverged.
   */
  diverged?: { iteration: number; loss: number };
}

/** The options after their checks, defaults filled in. */
export interface TrainerSettings {
  epochs: number;
  miniBatchSize: number;
  optimizer: OptimizerName | Lowercase<OptimizerName> | Optimizer;
  optimizerParam: Record<string, number>;
  evaluateSampleNumPerEpoch?: number;
  evaluateAt: 'epoch-start' | 'epoch-end';
  verbose: boolean;
  onProgress?: TrainerOptions['onProgress'];
  onEpochEnd?: TrainerOptions['onEpochEnd'];
  lrSchedule?: LrSchedule;
  seed?: number;
  sampling: Sampling;
  validation?: { x: Tensor; t: Tensor };
  validationSplit?: number;
  earlyStopping?: Required<EarlyStoppingOptions>;
  signal?: AbortSignal;
  yieldEvery: number;
  onDivergence: 'stop' | 'continue';
  augment?: Required<AugmentOptions>;
}

/** Checks every option (unknown keys included) and fills in the defaults; changes nothing. */
export function readTrainerOptions(value: TrainerOptions | undefined, owner = 'Trainer', fitting = false): TrainerSettings {
  const o = checkKeys(owner, value, KNOWN, TRAINER_HINTS);
  const { epochs = 20, miniBatchSize = 100, optimizer = 'SGD', optimizerParam = { lr: 0.01 }, evaluateSampleNumPerEpoch } = o;
  positiveInteger(owner, 'epochs', epochs);
  positiveInteger(owner, 'miniBatchSize', miniBatchSize);
  if (evaluateSampleNumPerEpoch !== undefined) positiveInteger(owner, 'evaluateSampleNumPerEpoch', evaluateSampleNumPerEpoch);
  if (o.evaluateAt !== undefined) oneOf(owner, 'evaluateAt', o.evaluateAt, ['epoch-start', 'epoch-end']);
  if (o.sampling !== undefined) oneOf(owner, 'sampling', o.sampling, ['with-replacement', 'epoch-shuffle']);
  if (o.onDivergence !== undefined) oneOf(owner, 'onDivergence', o.onDivergence, ['stop', 'continue']);
  if (o.verbose !== undefined) boolean(owner, 'verbose', o.verbose);
  for (const name of ['onProgress', 'onEpochEnd', 'lrSchedule'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function') throw new ValueError(`${owner}: ${name} must be a function, got ${describe(o[name])}`);
  }
  checkSeed(owner, o.seed);
  if (typeof optimizer !== 'string') {
    const opt = optimizer as Partial<Optimizer> | null;
    if (opt === null || typeof opt !== 'object' || typeof opt.update !== 'function' || typeof opt.lr !== 'number') {
      throw new ValueError(`${owner}: optimizer must be a name ('SGD', 'Adam', ...) or an optimizer (an object with update() and a numeric lr), ` +
        `got ${describe(optimizer)}`);
    }
  }
  if (o.validation !== undefined) checkKeys(`${owner}: validation`, o.validation, ['x', 't']);
  if (o.validation !== undefined && o.validationSplit !== undefined) {
    throw new ValueError(`${owner}: give validation or validationSplit, not both`);
  }
  const earlyStopping = checkEarlyStopping(o.earlyStopping);
  if (earlyStopping && o.validation === undefined && o.validationSplit === undefined) {
    throw new ValueError(`${owner}: earlyStopping watches validation metrics: give validation: { x, t } or validationSplit too`);
  }
  const signal = o.signal;
  if (signal !== undefined) {
    if (signal === null || typeof signal !== 'object' || typeof (signal as Partial<AbortSignal>).aborted !== 'boolean') {
      throw new ValueError(`${owner}: signal must be an AbortSignal, got ${describe(signal)}`);
    }
    if (signal.aborted) throw new ValueError(`${owner}: the signal is already aborted; pass a fresh AbortController's signal`);
  }
  const yieldEvery = o.yieldEvery ?? defaultYieldEvery(signal !== undefined);
  if (typeof yieldEvery !== 'number' || !(yieldEvery >= 0) || yieldEvery === Infinity) {
    throw new ValueError(`${owner}: yieldEvery must be a number of milliseconds >= 0 (0: never), got ${describe(yieldEvery)}`);
  }
  return {
    epochs, miniBatchSize, optimizer, optimizerParam, evaluateSampleNumPerEpoch, evaluateAt: o.evaluateAt ?? (fitting ? 'epoch-end' : 'epoch-start'),
    verbose: o.verbose ?? true, onProgress: o.onProgress, onEpochEnd: o.onEpochEnd, lrSchedule: o.lrSchedule, seed: o.seed,
    sampling: o.sampling ?? (fitting ? 'epoch-shuffle' : 'with-replacement'), validation: o.validation, validationSplit: o.validationSplit, earlyStopping,
    signal, yieldEvery, onDivergence: o.onDivergence ?? 'stop', augment: o.augment === undefined ? undefined : checkAugment(owner, o.augment),
  };
}


