// What one run of training iterations keeps between them: the training and validation data (views
// where validationSplit sets samples aside), the mini-batch draw, the state a
// divergence rolls back to, and the iteration count. The Trainer opens one for train(), or at the
// first step() called on its own.
import { Augmenter, augmentSeed, type AugmentOptions } from '../data/augment.js';
import { MiniBatches, type Sampling } from '../data/batches.js';
import { sumOfSquares } from '../ops/elementwise.js';
import type { Tally } from '../networks/evaluation.js';
import type { Network } from '../networks/network.js';
import { createRng } from '../rng.js';
import { rowsView, type Tensor } from '../tensor.js';
import { RollbackPoint } from './rollback.js';

export interface RunSettings {
  batchSize: number;
  sampling: Sampling;
  seed: number;
  /** Samples trained on; those after them are the validation data (validationSplit). */
  trainSize: number;
  validation?: { x: Tensor; t: Tensor };
  /** Keep a copy of the state for a divergence to roll back to (onDivergence 'stop'). */
  backup: boolean;
  /** Warp each drawn image by its own random affine map, from a stream of its own (augmentSeed). */
  augment?: Required<AugmentOptions>;
}

export class Run {
  readonly xTrain: Tensor;
  readonly tTrain: Tensor;
  readonly xVal: Tensor | undefined;
  readonly tVal: Tensor | undefined;
  /** The loss of every iteration so far. */
  readonly losses: number[] = [];
  /** Iterations done (0-based index of the next one). */
  iteration = 0;
  /** The lr of the last update (NaN before the first). */
  lastLr = NaN;
  /** The first iteration (1-based) whose loss or buffers were not finite, and its loss. */
  diverged: { iteration: number; loss: number } | undefined;
  /** What a divergence rolls back to (src/training/rollback.ts); its update() is the iteration's update. */
  readonly backup: RollbackPoint | undefined;
  /** The epoch's correct decisions (or absolute errors) on its batches as trained, and how many. */
  readonly tally: Tally = { sum: 0, count: 0 };
  readonly #batches: MiniBatches;
  readonly #augmenter: Augmenter | undefined;
  readonly #owned: Tensor[] = [];
  readonly #buffers: [string, Tensor][];

  constructor(network: Network, x: Tensor, t: Tensor, s: RunSettings) {
    const n = x.shape[0], m = s.trainSize;
    if (m === n) {
      [this.xTrain, this.tTrain, this.xVal, this.tVal] = [x, t, s.validation?.x, s.validation?.t];
    } else {
      for (const [base, start, count] of [[x, 0, m], [t, 0, m], [x, m, n - m], [t, m, n - m]] as const) {
        this.#owned.push(rowsView(base, start, count));
      }
      [this.xTrain, this.tTrain, this.xVal, this.tVal] = this.#owned;
    }
    this.#buffers = Object.entries(network.buffers ?? {});
    try {
      this.#batches = new MiniBatches(this.xTrain, this.tTrain, s.batchSize, createRng(s.seed), s.sampling);
      this.#augmenter = s.augment && new Augmenter(s.augment, createRng(augmentSeed(s.seed)));
      this.backup = s.backup ? new RollbackPoint(network) : undefined;
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The next mini-batch (tensors reused by the next draw). The one place training data is drawn. */
  draw(): [Tensor, Tensor] {
    const [x, t] = this.#batches.sample();
    return [this.#augmenter?.apply(x) ?? x, t];
  }

  /** The name of a buffer that is no longer finite, if any.
   *  NOTE: batch-norm statistics can overflow while the (normalized) loss stays finite, and would
   *  then poison every later prediction; a buffer whose Σv² is not finite (a NaN or Infinity, or a
   *  value beyond 1.8e19, where float32 squares overflow) counts as a divergence too. One SIMD
   *  pass over the buffers, which are small (two values per feature of each batch-norm layer). */
  badBuffer(): string | undefined {
    for (const [name, b] of this.#buffers) if (!Number.isFinite(sumOfSquares(b))) return name;
    return undefined;
  }

  /** Adds a batch's tally to the epoch's. */
  count(batch: Tally | undefined): void {
    if (!batch) return;
    this.tally.sum += batch.sum;
    this.tally.count += batch.count;
  }

  dispose(): void {
    this.#batches?.dispose();
    this.#augmenter?.dispose();
    this.backup?.dispose();
    for (const v of this.#owned) v.dispose();
  }
}
