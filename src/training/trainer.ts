// The book's Trainer (common/trainer.py): random mini-batches with replacement, one optimizer
// update each, and an evaluation of train and test accuracy at every epoch.
import { MiniBatches } from '../data/batches.js';
import type { Network } from '../networks/network.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { createOptimizer } from '../optimizers/registry.js';
import { createRng } from '../rng.js';
import { checkTensor, rowsView, type Tensor } from '../tensor.js';
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
    for (const [name, t] of Object.entries({ xTrain, tTrain, xTest, tTest })) checkTensor(`Trainer: ${name}`, t);
    if (xTrain.shape[0] !== tTrain.shape[0] || xTest.shape[0] !== tTest.shape[0]) {
      throw new Error(`Trainer: samples and labels differ in number: xTrain ${xTrain.shape[0]} / tTrain ${tTrain.shape[0]}, ` +
        `xTest ${xTest.shape[0]} / tTest ${tTest.shape[0]}`);
    }
    const { epochs = 20, miniBatchSize = 100, optimizer = 'SGD', optimizerParam = { lr: 0.01 }, evaluateSampleNumPerEpoch } = options;
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`Trainer: epochs must be a positive integer, got ${String(epochs)}`);
    if (!Number.isInteger(miniBatchSize) || miniBatchSize < 1) throw new Error(`Trainer: miniBatchSize must be a positive integer, got ${String(miniBatchSize)}`);
    if (evaluateSampleNumPerEpoch !== undefined && (!Number.isInteger(evaluateSampleNumPerEpoch) || evaluateSampleNumPerEpoch < 1)) {
      throw new Error(`Trainer: evaluateSampleNumPerEpoch must be a positive integer, got ${String(evaluateSampleNumPerEpoch)}`);
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
    try {
      for (let i = 0; i < this.maxIter; i++) {
        if (lrSchedule) this.optimizer.lr = lrSchedule(i / this.iterPerEpoch);
        const [x, t] = batches.sample();
        this.optimizer.update(this.network.params, this.network.gradient(x, t));
        // NOTE: the loss recorded is the one computed on the way to the gradient (before the
        // update, in training mode), which saves the book's extra forward pass per iteration.
        const loss = this.network.lastLoss;
        result.trainLossList.push(loss);
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
    }
  }
}
