// The book's Trainer (common/trainer.py): random mini-batches with replacement, one optimizer
// update each, and an evaluation of train and test accuracy at every epoch. By option, what
// users of other frameworks expect: evaluation at the end of each epoch, validation data and
// early stopping, each sample once per epoch, a stop signal, and yielding to the event loop.
import { checkImages } from '../data/augment.js';
import type { Network } from '../networks/network.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { createOptimizer } from '../optimizers/registry.js';
import { describe } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Evaluation, Tally } from '../networks/evaluation.js';
import { accuracyOn, checkDataSet, checkSameKind, evaluateOn, validationCount } from './data-set.js';
import { EarlyStopping } from './early-stopping.js';
import { createProgress, type Progress } from './progress.js';
import { divergenceMessage, TrainingDivergedError } from './divergence.js';
import { Run } from './run.js';
import { readTrainerOptions, type EpochMetrics, type TrainerEvent, type TrainerOptions, type TrainerSettings, type TrainResult } from './trainer-options.js';
import { Pacer } from './yield.js';
import { ValueError } from '../errors.js';

export type { EpochMetrics, TrainerEvent, TrainerOptions, TrainResult } from './trainer-options.js';
export { TrainingDivergedError } from './divergence.js';


// Set while fit() builds its Trainer: one without test data (see createFitTrainer).
let fitting = false;

/** The Trainer fit() runs: x and t to train on, no test data, fit's defaults and names in errors. */
export function createFitTrainer(network: Network, x: Tensor, t: Tensor, options: TrainerOptions): Trainer {
  fitting = true;
  try {
    return new Trainer(network, x, t, undefined as never, undefined as never, options);
  } finally {
    fitting = false;
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
  readonly #fitting: boolean; // made by fit(): no test data, the batches' scores as trained
  readonly #name: string; // the caller errors and log lines name: 'Trainer' or 'fit'
  readonly #classifier: boolean; // a network with accuracies (not mean-squared-error)
  #run: Run | undefined; // the run of iterations under way (train(), or step() on its own)
  #progress: Progress | undefined; // train()'s display, while it runs
  #evaluation: { train: Evaluation; test: Evaluation } | undefined; // a regression's last evaluation pass

  /** Checks the options and the whole data set (every value finite, every label valid) before
   *  anything changes. */
  constructor(private readonly network: Network, private readonly xTrain: Tensor, private readonly tTrain: Tensor,
              private readonly xTest: Tensor, private readonly tTest: Tensor, options: TrainerOptions = {}) {
    this.#fitting = fitting;
    const name = this.#name = fitting ? 'fit' : 'Trainer';
    checkNetwork(name, network);
    const s = readTrainerOptions(options, name, fitting);
    const names = fitting ? ['x', 't'] as const : ['xTrain', 'tTrain'] as const;
    checkDataSet(name, network, [...names], xTrain, tTrain);
    if (s.augment) checkImages(`${name}: augment`, xTrain);
    if (!fitting) checkDataSet(name, network, ['xTest', 'tTest'], xTest, tTest);
    if (s.validation) {
      checkDataSet(name, network, ['validation.x', 'validation.t'], s.validation.x, s.validation.t);
      checkSameKind(name, s.validation.x, s.validation.t, xTrain, tTrain, names);
    }
    this.#classifier = network.lossName !== 'mean-squared-error';
    if (!this.#classifier && s.earlyStopping?.monitor === 'valAcc') {
      throw new ValueError(`${name}: earlyStopping.monitor 'valAcc' needs accuracies, and a mean-squared-error network has none; ` +
        "monitor 'valLoss'");
    }
    const n = xTrain.shape[0];
    this.#trainSize = s.validationSplit === undefined ? n : n - validationCount(name, n, s.validationSplit);
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
    if (s.signal?.aborted) throw new ValueError(`${this.#fitting ? 'fit' : 'Trainer.train'}: the signal is already aborted; nothing was trained`);
    this.dispose(); // a run begun by step() alone
    const run = this.#open();
    const { xTrain, tTrain, xVal, tVal } = run;
    const result: TrainResult = { history: [], trainLossList: run.losses, trainAccList: [], testAccList: [] };
    if (xVal) result.valLossList = [];
    if (xVal && this.#classifier) result.valAccList = [];
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
          progress?.log(`${this.#name}: aborted after ${i} of ${this.maxIter} iterations`);
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
        const evaluation = this.xTest && (s.evaluateAt === 'epoch-start' ? i % this.iterPerEpoch === 0 : last);
        if (evaluation) await this.#evaluate(event, result, xTrain, tTrain, pacer, progress);
        progress?.update(i + 1, { epoch: String(epochNumber), loss: loss.toFixed(4), 'it/s': ((i + 1) / ((Date.now() - started) / 1000)).toFixed(1) });
        s.onProgress?.(event);
        if (!last) continue;
        epoch = epochNumber;
        const metrics = await this.#epochMetrics(epoch, run, result, xVal, tVal, pacer, progress);
        result.history.push(metrics);
        await s.onEpochEnd?.(metrics, result);
        if (early?.observe(epoch, metrics as Required<EpochMetrics>)) {
          result.stopped = 'early-stopping';
          progress?.log(`${this.#name}: early stopping after epoch ${epoch}: ${s.earlyStopping!.monitor} has not improved for ` +
            `${s.earlyStopping!.patience} epoch(s) since epoch ${early.bestEpoch} (${early.best.toFixed(4)})`);
          break;
        }
      }
      if (early) {
        result.bestEpoch = early.bestEpoch;
        // NOTE: after an abort in the middle of an epoch the network has moved on from every epoch's end
        if (early.restoreBest(midEpoch ? NaN : epoch)) progress?.log(`${this.#name}: restored the parameters of epoch ${early.bestEpoch}, the best`);
      }
      if (this.xTest && this.tTest) await this.#finalTest(result, pacer, progress);
      return result;
    } finally {
      progress?.stop();
      this.#progress = undefined;
      early?.dispose();
      this.dispose();
    }
  }

  // The test metrics after training, on the whole test set: accuracy, or loss and mean absolute error.
  async #finalTest(result: TrainResult, pacer: Pacer, progress: Progress | undefined): Promise<void> {
    if (this.#classifier) {
      result.testAcc = await accuracyOn(this.network, this.xTest!, this.tTest!, pacer);
      progress?.log(`=============== Final Test Accuracy ===============\ntest acc: ${result.testAcc.toFixed(4)}`);
      return;
    }
    const e = await evaluateOn(this.network, this.xTest!, this.tTest!, pacer);
    [result.testLoss, result.testMeanAbsoluteError] = [e.loss, e.meanAbsoluteError];
    progress?.log(`=============== Final Test Metrics ===============\ntest loss: ${e.loss.toFixed(4)}, ` +
      `test mean absolute error: ${e.meanAbsoluteError!.toFixed(4)}`);
  }

  /**
   * One iteration, as train() runs them: draws a mini-batch, computes the gradient and updates the
   * parameters with the optimizer; returns the mini-batch's loss (computed on the way to the
   * gradient, before the update). The optimizer's hyper-parameters (`trainer.optimizer.lr`, ...)
   * may change between steps; an lrSchedule sets the lr before each. The first step opens a run
   * (the mini-batch order from `seed`); call dispose() when done stepping.
   * Throws a {@link TrainingDivergedError} when the loss is no longer finite and onDivergence is
   * 'stop' (the parameters are put back as the last healthy step left them). With onDivergence
   * 'stop' a parameter's memory moves at each step (see onDivergence): read `params.W1.data` again
   * after a step rather than keeping the array.
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
      backup: s.onDivergence === 'stop', augment: s.augment,
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
    if (this.#fitting) run.count((this.network as { batchTally?(t: Tensor): Tally | undefined }).batchTally?.(t));
    run.losses.push(loss);
    run.iteration++;
    const buffer = Number.isFinite(loss) ? run.badBuffer() : undefined;
    if (!Number.isFinite(loss) || buffer !== undefined) {
      run.diverged ??= { iteration: i + 1, loss };
      if (run.backup) {
        run.backup.restore();
        const message = divergenceMessage(this.#name, { iteration: i + 1, maxIter: this.maxIter, loss, buffer, lr: run.lastLr, x, losses: run.losses,
          optimizer: this.optimizer });
        const result: TrainResult = { history: [], trainLossList: run.losses, trainAccList: [], testAccList: [], diverged: run.diverged };
        throw new TrainingDivergedError(message, i + 1, loss, run.lastLr, result);
      }
      if (run.diverged.iteration === i + 1) {
        this.#progress?.log(`${this.#name}: ${buffer === undefined ? `the loss is ${loss}` : `the buffer '${buffer}' is no longer finite`} ` +
          `at iteration ${i + 1}; training on (onDivergence: 'continue')`);
      }
    }
    // with the guard (then healthy): the update that keeps the parameters before it
    if (run.backup) run.backup.update(this.optimizer, this.network.params, grads);
    else this.optimizer.update(this.network.params, grads);
    run.lastLr = this.optimizer.lr;
    return loss;
  }

  // The book's evaluation (on the first evaluateSampleNumPerEpoch samples): train and test
  // accuracy, into the event, the histories and the log; for a mean-squared-error network, the
  // train and test mean absolute errors and the test loss (kept for the epoch's metrics).
  async #evaluate(event: TrainerEvent, result: TrainResult, xTrain: Tensor, tTrain: Tensor, pacer: Pacer, progress: Progress | undefined): Promise<void> {
    const limit = this.#settings.evaluateSampleNumPerEpoch;
    if (!this.#classifier) {
      const train = await evaluateOn(this.network, xTrain, tTrain, pacer, limit);
      const test = await evaluateOn(this.network, this.xTest!, this.tTest!, pacer, limit);
      this.#evaluation = { train, test };
      progress?.log(`=== epoch ${event.epoch}, train mean absolute error ${train.meanAbsoluteError!.toFixed(4)}, ` +
        `test mean absolute error ${test.meanAbsoluteError!.toFixed(4)} ===`);
      return;
    }
    event.trainAcc = await accuracyOn(this.network, xTrain, tTrain, pacer, limit);
    event.testAcc = await accuracyOn(this.network, this.xTest!, this.tTest!, pacer, limit);
    result.trainAccList.push(event.trainAcc);
    result.testAccList.push(event.testAcc);
    progress?.log(`=== epoch ${event.epoch}, train acc ${event.trainAcc.toFixed(4)}, test acc ${event.testAcc.toFixed(4)} ===`);
  }

  // The metrics of a finished epoch: the mean of its losses, the last evaluation (the Trainer) or
  // what the batches as trained scored (fit), and the validation data's (into the histories) if any.
  async #epochMetrics(epoch: number, run: Run, result: TrainResult, xVal: Tensor | undefined, tVal: Tensor | undefined,
                      pacer: Pacer, progress: Progress | undefined): Promise<EpochMetrics> {
    const losses = run.losses.slice(-this.iterPerEpoch);
    const metrics: EpochMetrics = { epoch, trainLoss: losses.reduce((a, b) => a + b, 0) / losses.length, lr: run.lastLr };
    const { tally } = run;
    if (tally.count > 0) metrics[this.#classifier ? 'trainAcc' : 'trainMeanAbsoluteError'] = tally.sum / tally.count;
    [tally.sum, tally.count] = [0, 0];
    if (this.xTest && this.#classifier) [metrics.trainAcc, metrics.testAcc] = [result.trainAccList.at(-1), result.testAccList.at(-1)];
    if (this.xTest && !this.#classifier && this.#evaluation) {
      const { train, test } = this.#evaluation;
      [metrics.trainMeanAbsoluteError, metrics.testLoss, metrics.testMeanAbsoluteError] = [train.meanAbsoluteError, test.loss, test.meanAbsoluteError];
    }
    const line = [`epoch ${epoch}: loss ${metrics.trainLoss.toFixed(4)}`];
    if (xVal && tVal) {
      const e = await evaluateOn(this.network, xVal, tVal, pacer);
      metrics.valLoss = e.loss;
      result.valLossList!.push(e.loss);
      if (e.accuracy !== undefined) result.valAccList!.push(metrics.valAcc = e.accuracy);
      else metrics.valMeanAbsoluteError = e.meanAbsoluteError;
    }
    for (const key of ['trainAcc', 'trainMeanAbsoluteError', 'valLoss', 'valAcc', 'valMeanAbsoluteError'] as const) {
      if (metrics[key] !== undefined && (key.startsWith('val') || this.#fitting)) line.push(`${LABELS[key]} ${metrics[key]!.toFixed(4)}`);
    }
    if (line.length > 1 || this.#fitting) progress?.log(`    ${line.join(', ')}`);
    return metrics;
  }


}

/** The seed the Trainer gives network.reseed for its `seed`. NOTE: dropout gets a stream of its
 *  own, so the batch order does not depend on whether the network has dropout layers. */
export function dropoutSeed(seed: number): number {
  return (Math.trunc(seed) ^ 0x5eed5eed) >>> 0;
}

const LABELS = { trainAcc: 'acc', trainMeanAbsoluteError: 'mean absolute error', valLoss: 'val loss', valAcc: 'val acc',
  valMeanAbsoluteError: 'val mean absolute error' } as const;

// The Trainer calls params, gradient(), lastLoss and accuracy(): a clear error now rather than a
// TypeError in the middle of train().
function checkNetwork(name: string, network: unknown): void {
  const n = network as Partial<Network> | null;
  if (n === null || typeof n !== 'object' || n.params === null || typeof n.params !== 'object' ||
      typeof n.gradient !== 'function' || typeof n.accuracy !== 'function') {
    throw new ValueError(`${name}: network: expected a network (params, gradient(), accuracy()), got ${describe(network)}`);
  }
}
