// Random mini-batches, as the book draws them: batch_mask = np.random.choice(train_size,
// batch_size), i.e. indices with replacement; or, as most frameworks do, each sample once per
// epoch in a fresh random order ('epoch-shuffle'). The batch tensors and the index block are
// reused, so drawing a batch allocates nothing (but the views of an epoch's shorter last batch).
import { positiveInteger } from '../options.js';
import { allocator, memoryBuffer } from '../backend/runtime.js';
import { gatherRows } from '../ops/data.js';
import type { Rng } from '../rng.js';
import { checkTensor, empty, rowsView, type Tensor } from '../tensor.js';
import { describe, formatShape } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';

export type Sampling = 'with-replacement' | 'epoch-shuffle';


/**
 * Random mini-batches drawn as the book does (`np.random.choice(train_size, batch_size)`: with
 * replacement) or once per epoch in a shuffled order, into two tensors reused by every call, so sampling allocates nothing.
 * @example
 * const batches = new MiniBatches(xTrain, tTrain, 100, createRng(1));
 * const [x, t] = batches.sample();
 */
export class MiniBatches {
  readonly x: Tensor;
  readonly t: Tensor;
  readonly #indices: number; // byte offset of batchSize i32 indices
  // epoch-shuffle: this epoch's order, the next position in it, and the last batch's views
  #order: Int32Array | undefined;
  #next = 0;
  #views: Tensor[] = [];

  constructor(private readonly xAll: Tensor, private readonly tAll: Tensor, readonly batchSize: number, private readonly rng: Rng,
              readonly sampling: Sampling = 'with-replacement') {
    checkTensor('MiniBatches: x', xAll);
    checkTensor('MiniBatches: t', tAll);
    const n = xAll.shape[0];
    if (!(n >= 1) || tAll.shape[0] !== n) {
      throw new ShapeError(`MiniBatches: x and t must have the same number N >= 1 of samples, got x ${formatShape(xAll.shape)} and t ${formatShape(tAll.shape)}`);
    }
    positiveInteger('MiniBatches', 'batchSize', batchSize);
    if (rng === null || typeof rng !== 'object' || typeof rng.int !== 'function') {
      throw new ValueError(`MiniBatches: rng must be a generator from createRng(seed), got ${describe(rng)}`);
    }
    if (sampling !== 'with-replacement' && sampling !== 'epoch-shuffle') {
      throw new ValueError(`MiniBatches: sampling must be 'with-replacement' or 'epoch-shuffle', got ${describe(sampling)}`);
    }
    if (sampling === 'epoch-shuffle') {
      this.#order = Int32Array.from({ length: n }, (_, i) => i);
      this.#next = n; // the first sample() shuffles
    }
    this.x = empty([batchSize, ...xAll.shape.slice(1)]);
    this.t = empty([batchSize, ...tAll.shape.slice(1)]);
    this.#indices = allocator().alloc(batchSize * 4);
  }

  /** Mini-batches per epoch: ⌈N / batchSize⌉ with epoch-shuffle (the last one may be shorter);
   *  with replacement ⌊N / batchSize⌋, at least 1 (the book's train_size / batch_size, whole). */
  get perEpoch(): number {
    const n = this.xAll.shape[0];
    return this.#order ? Math.ceil(n / this.batchSize) : Math.max(Math.floor(n / this.batchSize), 1);
  }

  /** The next mini-batch: batchSize samples drawn with replacement, or the next samples of this
   *  epoch's order (fewer at the end of an epoch). The tensors are reused by the next call. */
  sample(): [Tensor, Tensor] {
    const n = this.xAll.shape[0];
    const indices = new Int32Array(memoryBuffer(), this.#indices, this.batchSize);
    let count = this.batchSize;
    if (this.#order) {
      if (this.#next >= n) this.#shuffle();
      count = Math.min(this.batchSize, n - this.#next);
      indices.set(this.#order.subarray(this.#next, this.#next + count));
      this.#next += count;
    } else {
      for (let i = 0; i < indices.length; i++) indices[i] = this.#draw(n);
    }
    gatherRows(this.xAll, this.#indices, count, this.x);
    gatherRows(this.tAll, this.#indices, count, this.t);
    this.#disposeViews();
    if (count === this.batchSize) return [this.x, this.t];
    this.#views = [rowsView(this.x, 0, count), rowsView(this.t, 0, count)];
    return [this.#views[0], this.#views[1]];
  }

  // An index in [0, n) from the seeded stream, checked.
  // NOTE: the gather kernel reads row `index` wherever it lies: one outside [0, n) would copy
  // another tensor's memory into the batch
  #draw(n: number): number {
    const index = this.rng.int(n);
    if (!(Number.isInteger(index) && index >= 0 && index < n)) {
      throw new ValueError(`MiniBatches.sample: rng.int(${n}) must give an integer in [0, ${n}), got ${describe(index)}`);
    }
    return index;
  }

  // Fisher-Yates over the whole order, from the seeded stream
  #shuffle(): void {
    const order = this.#order!;
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.#draw(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    this.#next = 0;
  }

  #disposeViews(): void {
    for (const v of this.#views) v.dispose();
    this.#views = [];
  }

  /** Frees the batch tensors and the index block (not the data set). */
  dispose(): void {
    this.#disposeViews();
    this.x.dispose();
    this.t.dispose();
    allocator().free(this.#indices);
  }
}
