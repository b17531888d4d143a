// Random mini-batches, as the book draws them: batch_mask = np.random.choice(train_size,
// batch_size), i.e. indices with replacement. The batch tensors and the index block are reused,
// so drawing a batch allocates nothing.
import { allocator, kernels, memoryBuffer } from '../backend/runtime.js';
import type { Rng } from '../rng.js';
import { checkTensor, empty, type Tensor } from '../tensor.js';
import { describe, formatShape } from '../shape.js';

/**
 * Random mini-batches drawn as the book does (`np.random.choice(train_size, batch_size)`: with
 * replacement), into two tensors reused by every call, so sampling allocates nothing.
 * @example
 * const batches = new MiniBatches(xTrain, tTrain, 100, createRng(1));
 * const [x, t] = batches.sample();
 */
export class MiniBatches {
  readonly x: Tensor;
  readonly t: Tensor;
  readonly #indices: number; // byte offset of batchSize i32 indices
  readonly #rowX: number;
  readonly #rowT: number;

  constructor(private readonly xAll: Tensor, private readonly tAll: Tensor, readonly batchSize: number, private readonly rng: Rng) {
    checkTensor('MiniBatches: x', xAll);
    checkTensor('MiniBatches: t', tAll);
    const n = xAll.shape[0];
    if (!(n >= 1) || tAll.shape[0] !== n) {
      throw new Error(`MiniBatches: x and t must have the same number N >= 1 of samples, got x ${formatShape(xAll.shape)} and t ${formatShape(tAll.shape)}`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`MiniBatches: batchSize must be a positive integer, got ${describe(batchSize)}`);
    if (rng === null || typeof rng !== 'object' || typeof rng.int !== 'function') {
      throw new Error(`MiniBatches: rng must be a generator from createRng(seed), got ${describe(rng)}`);
    }
    this.#rowX = xAll.size / n;
    this.#rowT = tAll.size / n;
    this.x = empty([batchSize, ...xAll.shape.slice(1)]);
    this.t = empty([batchSize, ...tAll.shape.slice(1)]);
    this.#indices = allocator().alloc(batchSize * 4);
  }

  /** Fills this.x and this.t with batchSize samples drawn with replacement; returns them. */
  sample(): [Tensor, Tensor] {
    const n = this.xAll.shape[0];
    const indices = new Int32Array(memoryBuffer(), this.#indices, this.batchSize);
    for (let i = 0; i < indices.length; i++) indices[i] = this.rng.int(n);
    const k = kernels();
    k.f32_gather_rows(this.xAll.offset, this.#indices, this.x.offset, this.batchSize, this.#rowX);
    k.f32_gather_rows(this.tAll.offset, this.#indices, this.t.offset, this.batchSize, this.#rowT);
    return [this.x, this.t];
  }

  /** Frees the batch tensors and the index block (not the data set). */
  dispose(): void {
    this.x.dispose();
    this.t.dispose();
    allocator().free(this.#indices);
  }
}
