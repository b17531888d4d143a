// The book's Trainer (common/trainer.py): random mini-batches with replacement, one optimizer
// update each, and an evaluation of train and test accuracy at every epoch. By option, what
// users of other frameworks expect: evaluation at the end of each epoch, validation data and
// early stopping, each sample once per epoch, a stop signal, and yielding to the event loop.
import type { Network } from '../networks/network.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { createOptimizer } from '../optimizers/registry.js';
import { describe } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { accuracyOn, checkDataSet, checkSameKind, meanLoss, validationCount } from './data-set.js';
import { EarlyStopping } from './early-stopping.js';
import { createProgress, type Progress } from './progress.js';
import { Run } from './run.js';
import { readTrainerOptions, type EpochMetrics, type TrainerEvent, type TrainerOptions, type TrainerSettings, type TrainResult } from './trainer-options.js';
import { Pacer } from './yield.js';
import { ScratchnetError, ValueError } from '../errors.js';

export type { EpochMetrics, TrainerEvent, TrainerOptions, TrainResult } from './trainer-options.js';

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

/**
 * The book's Trainer: `new Trainer(network, xTrain, tTrain, xTest, tTest, options)`, then
 * `await train()`. Each iteration draws a mini-batch, computes the gradient and updates the
 * parameters with the optimizer; each epoch it records train and test accuracy. Options add
 * validation, early stopping, lr schedules, a stop signal and yielding to the event loop.
 */
export class Trainer {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: Optimizer;
  readonly iterPerEpoch: number;
  readonly maxIter: number;
  readonly #settings: TrainerSettings;
  readonly #trainSize: number; // samples trained on: xTrain's, less those validationSplit sets aside
  #run: Run | undefined; // the run of iterations under way (train(), or step() on its own)
  #progress: Progress | undefined; // train()'s display, while it runs

  /** Checks the options and the whole data set (every value finite, every label valid) before
   *  anything changes. */
  constructor(private readonly network: Network, private readonly xTrain: Tensor, private readonly tTrain: Tensor,
              private readonly xTest: Tensor, private readonly tTest: Tensor, options: TrainerOptions = {}) {
    checkNetwork(network);
    const s = readTrainerOptions(options);
    checkDataSet(network, ['xTrain', 'tTrain'], xTrain, tTrain);
    checkDataSet(network, ['xTest', 'tTest'], xTest, tTest);
    if (s.validation) {
      checkDataSet(network, ['validation.x', 'validation.t'], s.validation.x, s.validation.t);
      checkSameKind(s.validation.x, s.validation.t, xTrain, tTrain);
    }
    const n = xTrain.shape[0];
    this.#trainSize = s.validationSplit === undefined ? n : n - validationCount('Trainer', n, s.validationSplit);
    this.epochs = s.epochs;
    this.batchSize = s.miniBatchSize;
    this.optimizer = typeof s.optimizer === 'string' ? createOptimizer(s.optimizer, s.optimizerParam) : s.optimizer;
    // NOTE: the book's iter_per_epoch is a float (train_size / batch_size); a whole number of
    // iterations keeps epochs at the same places when the sizes do not divide.
    this.iterPerEpoch = s.sampling === 'epoch-shuffle'
      ? Math.ceil(this.#trainSize / s.miniBatchSize)
      : Math.max(Math.floor(this.#trainSize / s.miniBatchSize), 1);
    this.maxIter = s.epochs * this.iterPerEpoch;
    this.#settings = s;
  }

  /**
   * Trains for maxIter iterations (fewer if early stopping or the signal stops it) and resolves
   * with the histories and the final test accuracy.
   *
   * If training diverges and onDivergence is 'stop' (the default), it rejects with a
   * TrainingDivergedError after restoring the last good parameters. Rejecting (rather than
   * resolving with a flagged result) is deliberate: a diverged network is not a result, and a
   * flag is easy to miss — a script that awaits train() and prints testAcc would report a broken
   * model and exit 0. The error's message says what happened and what to change, and its
   * `result` still carries the histories for those who want them.
   */
  async train(): Promise<TrainResult> {
    const s = this.#settings;
    if (s.signal?.aborted) throw new ValueError('Trainer.train: the signal is already aborted; nothing was trained');
    this.dispose(); // a run begun by step() alone
    const run = this.#open();
    const { xTrain, tTrain, xVal, tVal } = run;
    const result: TrainResult = { trainLossList: run.losses, trainAccList: [], testAccList: [], testAcc: NaN };
    if (xVal) [result.valLossList, result.valAccList] = [[], []];
    let early: EarlyStopping | undefined, progress: Progress | undefined;
    const pacer = new Pacer(s.yieldEvery);
    const started = Date.now();
    let epoch = 0; // the last completed epoch
    let midEpoch = false; // stopped between two epoch ends (aborted)
    try {
      early = s.earlyStopping ? new EarlyStopping(this.network, s.earlyStopping) : undefined;
      progress = s.verbose ? await createProgress('train', this.maxIter, ['epoch', 'loss', 'it/s']) : undefined;
      this.#progress = progress;
      for (let i = 0; i < this.maxIter; i++) {
        await pacer.pace();
        if (s.signal?.aborted) {
          result.stopped = 'aborted';
          midEpoch = i % this.iterPerEpoch !== 0;
          progress?.log(`Trainer: aborted after ${i} of ${this.maxIter} iterations`);
          break;
        }
        let loss: number;
        try {
          loss = this.#iterate(run);
        } catch (e) {
          // the error's result: the histories so far
          if (e instanceof TrainingDivergedError) Object.assign(e.result, result, { diverged: run.diverged });
          throw e;
        }
        result.diverged = run.diverged;
        const epochNumber = Math.floor(i / this.iterPerEpoch) + 1;
        const event: TrainerEvent = { iteration: i + 1, maxIter: this.maxIter, epoch: epochNumber, loss, lr: this.optimizer.lr };
        const last = (i + 1) % this.iterPerEpoch === 0;
        if (s.evaluateAt === 'epoch-start' ? i % this.iterPerEpoch === 0 : last) await this.#evaluate(event, result, xTrain, tTrain, pacer, progress);
        progress?.update(i + 1, { epoch: String(epochNumber), loss: loss.toFixed(4), 'it/s': ((i + 1) / ((Date.now() - started) / 1000)).toFixed(1) });
        s.onProgress?.(event);
        if (!last) continue;
        epoch = epochNumber;
        const metrics = await this.#epochMetrics(epoch, result, xVal, tVal, pacer, progress);
        await s.onEpochEnd?.(metrics, result);
        if (early?.observe(epoch, metrics as Required<EpochMetrics>)) {
          result.stopped = 'early-stopping';
          progress?.log(`Trainer: early stopping after epoch ${epoch}: ${s.earlyStopping!.monitor} has not improved for ` +
            `${s.earlyStopping!.patience} epoch(s) since epoch ${early.bestEpoch} (${early.best.toFixed(4)})`);
          break;
        }
      }
      if (early) {
        result.bestEpoch = early.bestEpoch;
        // NOTE: after an abort in the middle of an epoch the network has moved on from every epoch's end
        if (early.restoreBest(midEpoch ? NaN : epoch)) progress?.log(`Trainer: restored the parameters of epoch ${early.bestEpoch}, the best`);
      }
      result.testAcc = await accuracyOn(this.network, this.xTest, this.tTest, pacer);
      progress?.log(`=============== Final Test Accuracy ===============\ntest acc: ${result.testAcc.toFixed(4)}`);
      return result;
    } finally {
      progress?.stop();
      this.#progress = undefined;
      early?.dispose();
      this.dispose();
    }
  }

  /**
   * One iteration, as train() runs them: draws a mini-batch, computes the gradient and updates the
   * parameters with the optimizer; returns the mini-batch's loss (computed on the way to the
   * gradient, before the update). The optimizer's hyper-parameters (`trainer.optimizer.lr`, ...)
   * may change between steps; an lrSchedule sets the lr before each. The first step opens a run
   * (the mini-batch order from `seed`); call dispose() when done stepping.
   * Throws a {@link TrainingDivergedError} when the loss is no longer finite and onDivergence is
   * 'stop' (the parameters are put back as the last healthy step left them).
   */
  step(): number {
    this.#run ??= this.#open();
    return this.#iterate(this.#run);
  }

  /** Frees what a run of step() calls keeps (mini-batch buffers, the divergence copy); the next
   *  step() starts a new run. The network and the data are not touched. */
  dispose(): void {
    this.#run?.dispose();
    this.#run = undefined;
  }

  // A new run: the training data (less what validationSplit sets aside), the seeded mini-batch
  // draw and dropout streams, and the divergence copy.
  #open(): Run {
    const s = this.#settings;
    const seed = s.seed ?? (Math.random() * 2 ** 32) >>> 0;
    if (s.seed !== undefined) this.network.reseed?.(dropoutSeed(seed));
    this.#run = new Run(this.network, this.xTrain, this.tTrain, {
      batchSize: this.batchSize, sampling: s.sampling, seed, trainSize: this.#trainSize, validation: s.validation,
      backup: s.onDivergence === 'stop',
    });
    return this.#run;
  }

  // One iteration: lr from the schedule, a mini-batch, its gradient, the divergence check and the
  // update. Returns the iteration's loss.
  #iterate(run: Run): number {
    const { lrSchedule } = this.#settings;
    const i = run.iteration;
    if (lrSchedule) {
      // checked here, before the forward pass moves lastLoss and the batch-norm statistics
      const lr = lrSchedule(i / this.iterPerEpoch);
      if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
        throw new ValueError(`Trainer: lrSchedule returned ${describe(lr)} at epoch ${i / this.iterPerEpoch} (iteration ${i + 1}); ` +
          'expected a finite number >= 0');
      }
      this.optimizer.lr = lr;
    }
    const [x, t] = run.draw();
    const grads = this.network.gradient(x, t);
    // NOTE: the loss recorded is the one computed on the way to the gradient (before the
    // update, in training mode), which saves the book's extra forward pass per iteration.
    const loss = this.network.lastLoss;
    run.losses.push(loss);
    run.iteration++;
    const buffer = Number.isFinite(loss) ? run.badBuffer() : undefined;
    if (!Number.isFinite(loss) || buffer !== undefined) {
      run.diverged ??= { iteration: i + 1, loss };
      if (run.backup) {
        run.backup.restore();
        const message = this.#divergenceMessage(i + 1, loss, buffer, run.lastLr, x, run.losses);
        const result: TrainResult = { trainLossList: run.losses, trainAccList: [], testAccList: [], testAcc: NaN, diverged: run.diverged };
        throw new TrainingDivergedError(message, i + 1, loss, run.lastLr, result);
      }
      if (run.diverged.iteration === i + 1) {
        this.#progress?.log(`Trainer: ${buffer === undefined ? `the loss is ${loss}` : `the buffer '${buffer}' is no longer finite`} ` +
          `at iteration ${i + 1}; training on (onDivergence: 'continue')`);
      }
    } else {
      run.backup?.save();
    }
    this.optimizer.update(this.network.params, grads);
    run.lastLr = this.optimizer.lr;
    return loss;
  }

  // Train and test accuracy (on the first evaluateSampleNumPerEpoch samples), into the event,
  // the histories and the log.
  async #evaluate(event: TrainerEvent, result: TrainResult, xTrain: Tensor, tTrain: Tensor, pacer: Pacer, progress: Progress | undefined): Promise<void> {
    const limit = this.#settings.evaluateSampleNumPerEpoch;
    event.trainAcc = await accuracyOn(this.network, xTrain, tTrain, pacer, limit);
    event.testAcc = await accuracyOn(this.network, this.xTest, this.tTest, pacer, limit);
    result.trainAccList.push(event.trainAcc);
    result.testAccList.push(event.testAcc);
    progress?.log(`=== epoch ${event.epoch}, train acc ${event.trainAcc.toFixed(4)}, test acc ${event.testAcc.toFixed(4)} ===`);
  }

  // The metrics of a finished epoch, measuring the validation data (into the histories) if any.
  async #epochMetrics(epoch: number, result: TrainResult, xVal: Tensor | undefined, tVal: Tensor | undefined, pacer: Pacer,
                      progress: Progress | undefined): Promise<EpochMetrics> {
    const losses = result.trainLossList.slice(-this.iterPerEpoch);
    const metrics: EpochMetrics = {
      epoch, trainLoss: losses.reduce((a, b) => a + b, 0) / losses.length,
      trainAcc: result.trainAccList.at(-1)!, testAcc: result.testAccList.at(-1)!,
    };
    if (xVal && tVal) {
      metrics.valLoss = await meanLoss(this.network, xVal, tVal, pacer);
      metrics.valAcc = await accuracyOn(this.network, xVal, tVal, pacer);
      result.valLossList!.push(metrics.valLoss);
      result.valAccList!.push(metrics.valAcc);
      progress?.log(`    epoch ${epoch}: val loss ${metrics.valLoss.toFixed(4)}, val acc ${metrics.valAcc.toFixed(4)}`);
    }
    return metrics;
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

/** The seed the Trainer gives network.reseed for its `seed`. NOTE: dropout gets a stream of its
 *  own, so the batch order does not depend on whether the network has dropout layers. */
export function dropoutSeed(seed: number): number {
  return (Math.trunc(seed) ^ 0x5eed5eed) >>> 0;
}

// The Trainer calls params, gradient(), lastLoss and accuracy(): a clear error now rather than a
// TypeError in the middle of train().
function checkNetwork(network: unknown): void {
  const n = network as Partial<Network> | null;
  if (n === null || typeof n !== 'object' || n.params === null || typeof n.params !== 'object' ||
      typeof n.gradient !== 'function' || typeof n.accuracy !== 'function') {
    throw new ValueError(`Trainer: network: expected a network (params, gradient(), accuracy()), got ${describe(network)}`);
  }
}
