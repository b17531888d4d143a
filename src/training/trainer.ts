// The book's Trainer (common/trainer.py): random mini-batches with replacement, one optimizer
// update each, and an evaluation of train and test accuracy at every epoch.
import { kernels } from '../backend/runtime.js';
import { MiniBatches } from '../data/batches.js';
import type { Network } from '../networks/network.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { createOptimizer } from '../optimizers/registry.js';
import { checkSeed, createRng } from '../rng.js';
import { describe, formatShape, sameShape, shapeSize } from '../shape.js';
import { checkTensor, empty, rowsView, type Tensor } from '../tensor.js';
import { createProgress, type Progress } from './progress.js';
import type { LrSchedule } from './schedules.js';

export interface TrainerOptions {
  epochs?: number;
  miniBatchSize?: number;
  /** An optimizer, or its name ('SGD', 'Momentum', 'Nesterov', 'AdaGrad', 'RMSprop', 'Adam'). */
  optimizer?: string | Optimizer;
  /** Options of a named optimizer, e.g. { lr: 0.01 }. */
  optimizerParam?: Record<string, number>;
  /** Evaluate each epoch on the first N train and test samples (all by default). */
  evaluateSampleNumPerEpoch?: number;
  /** Print epochs and a progress bar (default true). */
  verbose?: boolean;
  /** Called after every iteration, and with accuracies at every epoch. */
  onProgress?: (event: TrainerEvent) => void;
  /** Called (and awaited) after the last iteration of every epoch, e.g. to save a checkpoint. */
  onEpochEnd?: (epoch: number, result: TrainResult) => void | Promise<void>;
  /** Sets the optimizer's lr from the fractional epoch before every update. */
  lrSchedule?: LrSchedule;
  /** Seed of the mini-batch draws. */
  seed?: number;
  /**
   * What to do when training diverges: the loss becomes NaN or infinite, or a buffer (batch-norm
   * running statistics) does, which can happen first since batch norm keeps the loss finite. The
   * usual cause is a learning rate too high for the optimizer.
   * - 'stop' (default): put back the last good parameters and buffers (those the last iteration
   *   that was still healthy started from) and reject with a {@link TrainingDivergedError} that names
   *   the iteration, the optimizer and its lr. Costs one copy of the parameters per iteration
   *   (a SIMD copy into tensors allocated once per train() call) and that much extra memory.
   * - 'continue': train on regardless, as the book's Trainer does (no copy is kept); the first
   *   such iteration is reported in `result.diverged`.
   */
  onDivergence?: 'stop' | 'continue';
}

export interface TrainerEvent {
  iteration: number;
  maxIter: number;
  epoch: number;
  loss: number;
  lr: number;
  /** Present at epoch boundaries. */
  trainAcc?: number;
  testAcc?: number;
}

export interface TrainResult {
  trainLossList: number[];
  trainAccList: number[];
  testAccList: number[];
  /** Accuracy on the whole test set after training. */
  testAcc: number;
  /**
   * The first iteration (1-based, as in TrainerEvent) that diverged, and its loss: NaN or
   * ±Infinity, or a finite number when a buffer (batch-norm statistic) overflowed first. With
   * onDivergence 'continue' training went on past it; with 'stop' train() rejects with a
   * TrainingDivergedError whose `result` carries this field and the histories up to that
   * iteration (trainLossList ends with that loss). Absent when training never diverged.
   */
  diverged?: { iteration: number; loss: number };
}

/**
 * train() rejects with this when training diverges (the loss or a buffer becomes NaN or
 * infinite) and onDivergence is 'stop'. The network holds the parameters (and batch-norm
 * statistics) the last healthy iteration started from. NOTE: the optimizer's own state (momentum, Adam's moments) is not rolled back:
 * to resume, make a new optimizer with a lower lr.
 */
export class TrainingDivergedError extends Error {
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
    super(message);
  }
}

export class Trainer {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: Optimizer;
  readonly iterPerEpoch: number;
  readonly maxIter: number;
  readonly #options: TrainerOptions;

  constructor(private readonly network: Network, private readonly xTrain: Tensor, private readonly tTrain: Tensor,
              private readonly xTest: Tensor, private readonly tTest: Tensor, options: TrainerOptions = {}) {
    checkNetwork(network);
    for (const [name, t] of Object.entries({ xTrain, tTrain, xTest, tTest })) checkTensor(`Trainer: ${name}`, t);
    if (xTrain.shape[0] !== tTrain.shape[0] || xTest.shape[0] !== tTest.shape[0]) {
      throw new Error(`Trainer: samples and labels differ in number: xTrain ${xTrain.shape[0]} / tTrain ${tTrain.shape[0]}, ` +
        `xTest ${xTest.shape[0]} / tTest ${tTest.shape[0]}`);
    }
    // a data set that does not fit the network fails here, not at the first batch of train()
    const sample = network.inputShape;
    if (sample) {
      for (const [name, x] of [['xTrain', xTrain], ['xTest', xTest]] as const) {
        const shape = x.shape.slice(1);
        const fits = sample.length > 1 ? sameShape(shape, sample) : shapeSize(shape) === shapeSize(sample);
        if (!fits) {
          throw new Error(`Trainer: ${name} has samples of shape ${formatShape(shape)} but the network takes ${formatShape(sample)}`);
        }
      }
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new Error(`Trainer: expected an options object (or nothing), got ${describe(options)}`);
    }
    const { epochs = 20, miniBatchSize = 100, optimizer = 'SGD', optimizerParam = { lr: 0.01 }, evaluateSampleNumPerEpoch } = options;
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`Trainer: epochs must be a positive integer, got ${String(epochs)}`);
    if (!Number.isInteger(miniBatchSize) || miniBatchSize < 1) throw new Error(`Trainer: miniBatchSize must be a positive integer, got ${String(miniBatchSize)}`);
    if (evaluateSampleNumPerEpoch !== undefined && (!Number.isInteger(evaluateSampleNumPerEpoch) || evaluateSampleNumPerEpoch < 1)) {
      throw new Error(`Trainer: evaluateSampleNumPerEpoch must be a positive integer, got ${String(evaluateSampleNumPerEpoch)}`);
    }
    if (options.verbose !== undefined && typeof options.verbose !== 'boolean') {
      throw new Error(`Trainer: verbose must be a boolean, got ${describe(options.verbose)}`);
    }
    for (const name of ['onProgress', 'onEpochEnd', 'lrSchedule'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'function') {
        throw new Error(`Trainer: ${name} must be a function, got ${describe(options[name])}`);
      }
    }
    checkSeed('Trainer', options.seed);
    if (options.onDivergence !== undefined && options.onDivergence !== 'stop' && options.onDivergence !== 'continue') {
      throw new Error(`Trainer: onDivergence must be 'stop' or 'continue', got ${JSON.stringify(options.onDivergence)}`);
    }
    if (typeof optimizer !== 'string') {
      const o = optimizer as Partial<Optimizer> | null;
      if (o === null || typeof o !== 'object' || typeof o.update !== 'function' || typeof o.lr !== 'number') {
        throw new Error(`Trainer: optimizer must be a name ('SGD', 'Adam', ...) or an optimizer (an object with update() and a numeric lr), ` +
          `got ${describe(optimizer)}`);
      }
    }
    this.epochs = epochs;
    this.batchSize = miniBatchSize;
    this.optimizer = typeof optimizer === 'string' ? createOptimizer(optimizer, optimizerParam) : optimizer;
    // NOTE: the book's iter_per_epoch is a float (train_size / batch_size); a whole number of
    // iterations keeps epochs at the same places when the sizes do not divide.
    this.iterPerEpoch = Math.max(Math.floor(xTrain.shape[0] / miniBatchSize), 1);
    this.maxIter = epochs * this.iterPerEpoch;
    this.#options = options;
  }

  /**
   * Trains for maxIter iterations and resolves with the histories and the final test accuracy.
   *
   * If training diverges and onDivergence is 'stop' (the default), it rejects with a
   * TrainingDivergedError after restoring the last good parameters. Rejecting (rather than
   * resolving with a flagged result) is deliberate: a diverged network is not a result, and a
   * flag is easy to miss — a script that awaits train() and prints testAcc would report a broken
   * model and exit 0. The error's message says what happened and what to change, and its
   * `result` still carries the histories for those who want them.
   */
  async train(): Promise<TrainResult> {
    const { verbose = true, onProgress, onEpochEnd, lrSchedule, seed, evaluateSampleNumPerEpoch } = this.#options;
    const batches = new MiniBatches(this.xTrain, this.tTrain, this.batchSize, createRng(seed));
    const progress: Progress | undefined = verbose ? await createProgress('train', this.maxIter, ['epoch', 'loss']) : undefined;
    const result: TrainResult = { trainLossList: [], trainAccList: [], testAccList: [], testAcc: NaN };
    // accuracy on the first evaluateSampleNumPerEpoch samples (views, disposed after use)
    const accuracyOnSample = (x: Tensor, t: Tensor): number => {
      const n = Math.min(evaluateSampleNumPerEpoch ?? x.shape[0], x.shape[0]);
      if (n === x.shape[0]) return this.network.accuracy(x, t);
      const [xs, ts] = [rowsView(x, 0, n), rowsView(t, 0, n)];
      try {
        return this.network.accuracy(xs, ts);
      } finally {
        xs.dispose();
        ts.dispose();
      }
    };
    // The state a divergence rolls back to: the parameters and buffers (batch-norm statistics) the
    // last healthy iteration left before its update. The loss of iteration i is computed on the
    // parameters update i - 1 made, so a non-finite loss there means update i - 1 broke them: the
    // copy taken just before it (in iteration i - 1) is the one to put back.
    const stop = (this.#options.onDivergence ?? 'stop') === 'stop';
    const buffers = Object.entries(this.network.buffers ?? {});
    const state = stop ? [...Object.values(this.network.params), ...buffers.map(([, b]) => b)] : [];
    const backup: Tensor[] = []; // allocated in the try below, so the finally frees whatever was
    const copyState = (from: Tensor[], to: Tensor[]) => {
      const k = kernels();
      for (let j = 0; j < from.length; j++) k.f32_copy(from[j].offset, to[j].offset, from[j].size);
    };
    // NOTE: batch-norm statistics can overflow while the (normalized) loss stays finite, and would
    // then poison every later prediction; a buffer whose Σv² is not finite (a NaN or Infinity, or a
    // value beyond 1.8e19, where float32 squares overflow) counts as a divergence too. One SIMD
    // pass over the buffers, which are small (two values per feature of each batch-norm layer).
    const badBuffer = (): string | undefined => {
      const k = kernels();
      for (const [name, b] of buffers) if (!Number.isFinite(k.f32_sum_squares(b.offset, b.size))) return name;
      return undefined;
    };
    let lastLr = NaN; // the lr of the last update
    try {
      for (const p of state) backup.push(empty(p.shape));
      copyState(state, backup); // iteration 1 may already fail (bad data), and its forward pass moves the buffers
      for (let i = 0; i < this.maxIter; i++) {
        if (lrSchedule) {
          // checked here, before the forward pass moves lastLoss and the batch-norm statistics
          const lr = lrSchedule(i / this.iterPerEpoch);
          if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
            throw new Error(`Trainer: lrSchedule returned ${describe(lr)} at epoch ${i / this.iterPerEpoch} (iteration ${i + 1}); ` +
              'expected a finite number >= 0');
          }
          this.optimizer.lr = lr;
        }
        const [x, t] = batches.sample();
        const grads = this.network.gradient(x, t);
        // NOTE: the loss recorded is the one computed on the way to the gradient (before the
        // update, in training mode), which saves the book's extra forward pass per iteration.
        const loss = this.network.lastLoss;
        result.trainLossList.push(loss);
        const buffer = Number.isFinite(loss) ? badBuffer() : undefined;
        if (!Number.isFinite(loss) || buffer !== undefined) {
          result.diverged ??= { iteration: i + 1, loss };
          if (stop) {
            copyState(backup, state);
            const message = this.#divergenceMessage(i + 1, loss, buffer, lastLr, x, result.trainLossList);
            throw new TrainingDivergedError(message, i + 1, loss, lastLr, result);
          }
          if (result.diverged.iteration === i + 1) {
            progress?.log(`Trainer: ${buffer === undefined ? `the loss is ${loss}` : `the buffer '${buffer}' is no longer finite`} ` +
              `at iteration ${i + 1}; training on (onDivergence: 'continue')`);
          }
        } else if (stop) {
          copyState(state, backup);
        }
        this.optimizer.update(this.network.params, grads);
        lastLr = this.optimizer.lr;
        const epoch = Math.floor(i / this.iterPerEpoch);
        const event: TrainerEvent = { iteration: i + 1, maxIter: this.maxIter, epoch, loss, lr: this.optimizer.lr };
        if (i % this.iterPerEpoch === 0) {
          event.trainAcc = accuracyOnSample(this.xTrain, this.tTrain);
          event.testAcc = accuracyOnSample(this.xTest, this.tTest);
          result.trainAccList.push(event.trainAcc);
          result.testAccList.push(event.testAcc);
          progress?.log(`=== epoch ${epoch + 1}, train acc ${event.trainAcc.toFixed(4)}, test acc ${event.testAcc.toFixed(4)} ===`);
        }
        progress?.update(i + 1, { epoch: String(epoch + 1), loss: loss.toFixed(4) });
        onProgress?.(event);
        if ((i + 1) % this.iterPerEpoch === 0) await onEpochEnd?.(epoch, result);
      }
      result.testAcc = this.network.accuracy(this.xTest, this.tTest);
      progress?.log(`=============== Final Test Accuracy ===============\ntest acc: ${result.testAcc.toFixed(4)}`);
      return result;
    } finally {
      progress?.stop();
      batches.dispose();
      for (const b of backup) b.dispose();
    }
  }

  // What went wrong at `iteration`, its likely cause, and what was done about it.
  #divergenceMessage(iteration: number, loss: number, buffer: string | undefined, lr: number, x: Tensor, losses: number[]): string {
    const what = buffer === undefined
      ? `the loss is ${loss}` // NaN, Infinity or -Infinity
      : `the buffer '${buffer}' is no longer finite (loss ${loss.toPrecision(4)})`;
    const head = `Trainer: ${what} at iteration ${iteration} of ${this.maxIter}`;
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
    const name = this.optimizer.constructor?.name ?? 'the optimizer';
    return `${head} (loss ${losses[iteration - 2].toPrecision(4)} at iteration ${iteration - 1}): training diverged, most likely ` +
      `because the learning rate is too high for ${name} (lr ${lr}). ${restored} Lower the lr, or pass ` +
      `onDivergence: 'continue' to train on anyway.`;
  }
}

// The Trainer calls params, gradient(), lastLoss and accuracy(): a clear error now rather than a
// TypeError in the middle of train().
function checkNetwork(network: unknown): void {
  const n = network as Partial<Network> | null;
  if (n === null || typeof n !== 'object' || n.params === null || typeof n.params !== 'object' ||
      typeof n.gradient !== 'function' || typeof n.accuracy !== 'function') {
    throw new Error(`Trainer: network: expected a network (params, gradient(), accuracy()), got ${describe(network)}`);
  }
}
