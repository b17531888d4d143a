// The training loop the MNIST pages' workers share: networks trained side by side on the same
// mini-batches (as the book's comparisons do), in slices that let the page's messages in.
import type { MiniBatches, Network, Optimizer } from 'scratchnet';
import { nextTask } from './worker-base.js';

const SLICE_MS = 50;

export interface Contender {
  net: Network;
  optimizer: Optimizer;
}

export interface TrainTogether {
  contenders: Contender[];
  batches: MiniBatches;
  iterations: number;
  /** False once the run is cancelled (Runs.start's `live`). */
  live: () => boolean;
  /** Called every `every` iterations with each contender's mean loss over them. */
  every: number;
  onProgress(iteration: number, losses: number[]): void;
}

/** One book iteration for every contender on the same batch; resolves true when all ran, false if cancelled. */
export async function trainTogether(o: TrainTogether): Promise<boolean> {
  const sums = o.contenders.map(() => 0);
  let sliceStart = performance.now();
  for (let i = 1; i <= o.iterations; i++) {
    const [x, t] = o.batches.sample();
    o.contenders.forEach(({ net, optimizer }, k) => {
      optimizer.update(net.params, net.gradient(x, t));
      sums[k] += net.lastLoss; // computed by gradient(), before this update
    });
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
