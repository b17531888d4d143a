// The training the MNIST pages' workers share: networks trained side by side, each by its own
// Trainer (trainer.step()) drawing the same mini-batches (one seed), as the book's comparisons do,
// in slices that let the page's messages in.
import { Trainer, type Network, type Tensor } from 'scratchnet';
import { nextTask } from './worker-base.js';

const SLICE_MS = 50;

export interface Contender {
  net: Network;
  trainer: Trainer;
}

/** `net` with a Trainer of SGD at `lr` on (x, t), in the book's batches (with replacement) of
 *  `batch` drawn from seed 1: every contender made here sees the same batches. */
export function contender(net: Network, x: Tensor, t: Tensor, lr: number, batch: number): Contender {
  // NOTE: step() never evaluates, so the training set stands in for the test set the Trainer asks
  // for; a network that diverges (batch norm's std 1 without it) trains on, as the book's does
  return { net, trainer: new Trainer(net, x, t, x, t, { miniBatchSize: batch, optimizer: 'SGD', optimizerParam: { lr }, seed: 1, verbose: false, onDivergence: 'continue' }) };
}

export function disposeContenders(contenders: Contender[]): void {
  for (const { net, trainer } of contenders) {
    trainer.dispose();
    trainer.optimizer.dispose();
    net.dispose();
  }
}

export interface TrainTogether {
  contenders: Contender[];
  iterations: number;
  /** False once the run is cancelled (Runs.start's `live`). */
  live: () => boolean;
  /** Called every `every` iterations with each contender's mean loss over them. */
  every: number;
  onProgress(iteration: number, losses: number[]): void;
}

/** One iteration for every contender; resolves true when all ran, false if cancelled. */
export async function trainTogether(o: TrainTogether): Promise<boolean> {
  const sums = o.contenders.map(() => 0);
  let sliceStart = performance.now();
  for (let i = 1; i <= o.iterations; i++) {
    o.contenders.forEach(({ trainer }, k) => (sums[k] += trainer.step())); // the batch's loss, before the update
    if (i % o.every === 0 || i === o.iterations) {
      const n = i % o.every || o.every;
      o.onProgress(i, sums.map((s) => s / n));
      sums.fill(0);
    }
    if (performance.now() - sliceStart > SLICE_MS) {
      await nextTask();
      if (!o.live()) return false;
      sliceStart = performance.now();
    }
  }
  return o.live();
}
