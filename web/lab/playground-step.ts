// One training iteration of the playground through the library's public API: a mini-batch drawn
// (an epoch-shuffled order, as `fit` draws), the network's gradient, the optimizer's update.
import { createRng, MiniBatches, type Optimizer, type Sequential, type Tensor } from 'scratchnet';

export interface Stepper {
  /** Iterations in one pass over the training points. */
  readonly stepsPerEpoch: number;
  /** Iterations so far. */
  readonly iteration: number;
  /** Runs one iteration; returns its mini-batch's loss. */
  step(): number;
  dispose(): void;
}

export function createStepper(net: Sequential, optimizer: Optimizer, x: Tensor, t: Tensor, batchSize: number, seed: number): Stepper {
  const n = x.shape[0], size = Math.min(batchSize, n);
  const batches = new MiniBatches(x, t, size, createRng(seed), 'epoch-shuffle');
  let iteration = 0;
  return {
    stepsPerEpoch: Math.ceil(n / size),
    get iteration() {
      return iteration;
    },
    step() {
      const [xb, tb] = batches.sample();
      optimizer.update(net.params, net.gradient(xb, tb));
      iteration++;
      return net.lastLoss;
    },
    dispose() {
      batches.dispose();
      optimizer.dispose();
    },
  };
}
