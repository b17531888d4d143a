// The playground's training through the library's Trainer: `trainer.step()` runs one iteration
// (a mini-batch drawn in an epoch-shuffled order, the gradient, the optimizer's update); pausing
// is not calling it.
import { Trainer, type OptimizerName, type Sequential, type Tensor } from 'scratchnet';

export interface Stepper {
  /** Iterations in one pass over the training points. */
  readonly stepsPerEpoch: number;
  /** Iterations so far. */
  readonly iteration: number;
  /** Runs one iteration; returns its mini-batch's loss. */
  step(): number;
  /** Sets the optimizer's lr for the next steps (the training goes on from where it is). */
  setLr(lr: number): void;
  dispose(): void;
}

/** A Trainer of `net` on (x, t) (the test rows are the Trainer's test set; the training rows when
 *  there are none, as step() never evaluates). */
export function createStepper(net: Sequential, optimizer: OptimizerName, lr: number, x: Tensor, t: Tensor, test: [Tensor, Tensor] | undefined,
                              batchSize: number, seed: number): Stepper {
  const n = x.shape[0], size = Math.min(batchSize, n);
  const [xTest, tTest] = test ?? [x, t];
  const trainer = new Trainer(net, x, t, xTest, tTest, {
    miniBatchSize: size, optimizer, optimizerParam: { lr }, sampling: 'epoch-shuffle', seed, verbose: false,
  });
  let iteration = 0;
  return {
    stepsPerEpoch: Math.ceil(n / size),
    get iteration() {
      return iteration;
    },
    step() {
      const loss = trainer.step();
      iteration++;
      return loss;
    },
    setLr(lr) {
      trainer.optimizer.lr = lr;
    },
    dispose() {
      trainer.dispose();
      trainer.optimizer.dispose();
    },
  };
}
