// Page 7's worker: hyperparameter_optimization.py. Trials of MultiLayerNet 784-100×6-10 on 400
// MNIST images, each with its own learning rate and weight decay λ, trained by the library's
// Trainer (SGD, batch 100) and scored by accuracy on 100 held-out images; drawn at random from the
// book's ranges (lr 10^U(-6, -2), λ 10^U(-8, -4)) or on a grid over them. Each trial is sent as it
// finishes; a new search or a stop aborts the Trainer between two iterations.
import { createRng, MultiLayerNet, tensor, Trainer, type Tensor } from 'scratchnet';
import { fetchMnist } from './mnist.js';
import { Runs, serve } from './worker-base.js';

/** logLr, logLambda: the ranges of log₁₀ lr and log₁₀ λ searched. */
export type ToWorker = { type: 'search'; run: number; mode: 'random' | 'grid'; trials: number; epochs: number; seed: number;
  logLr: [number, number]; logLambda: [number, number] } | { type: 'stop' };
export type FromWorker =
  | { type: 'trial'; run: number; index: number; lr: number; lambda: number; valAcc: number; trainAcc: number }
  | { type: 'finished'; run: number };

/** The book's ranges of log₁₀ lr and log₁₀ λ. */
export const LOG_LR: [number, number] = [-6, -2];
export const LOG_LAMBDA: [number, number] = [-8, -4];
const VALIDATION = 100, TRAIN = 400, BATCH = 100;
const runs = new Runs();
let data: { x: Tensor; t: Tensor; xVal: Tensor; tVal: Tensor } | undefined;

async function load(): Promise<NonNullable<typeof data>> {
  const { xTrain, tTrain, xTest, tTest } = await fetchMnist({ trainSize: VALIDATION + TRAIN, testSize: 1 });
  // the first 100 images validate, the next 400 train (the book shuffles 500 and holds out 20%)
  const rows = (a: Tensor, from: number, n: number, width: number): Tensor => tensor(a.data.slice(from * width, (from + n) * width), width > 1 ? [n, width] : [n]);
  const split = { xVal: rows(xTrain, 0, VALIDATION, 784), tVal: rows(tTrain, 0, VALIDATION, 1), x: rows(xTrain, VALIDATION, TRAIN, 784), t: rows(tTrain, VALIDATION, TRAIN, 1) };
  for (const a of [xTrain, tTrain, xTest, tTest]) a.dispose();
  return split;
}

/** The side of the square grid a grid search of `trials` runs: the nearest square, side² trials. */
export const gridSide = (trials: number): number => Math.max(1, Math.round(Math.sqrt(trials)));

/** The (log lr, log λ) pairs of a search: uniform at random, or a side × side grid of cell centres. */
function points(mode: 'random' | 'grid', trials: number, seed: number, LOG_LR: [number, number], LOG_LAMBDA: [number, number]): [number, number][] {
  const at = ([lo, hi]: [number, number], u: number): number => lo + (hi - lo) * u;
  if (mode === 'random') {
    const rng = createRng(seed);
    return Array.from({ length: trials }, () => [at(LOG_LR, rng.uniform()), at(LOG_LAMBDA, rng.uniform())]);
  }
  const side = gridSide(trials);
  return Array.from({ length: side * side }, (_, k) => [at(LOG_LR, (Math.floor(k / side) + 0.5) / side), at(LOG_LAMBDA, ((k % side) + 0.5) / side)]);
}

const post = serve<ToWorker, FromWorker>(async (m) => {
  if (m.type === 'stop') return runs.stop();
  data ??= await load();
  const { x, t, xVal, tVal } = data;
  runs.start(async (_live, signal) => {
    for (const [index, [logLr, logLambda]] of points(m.mode, m.trials, m.seed, m.logLr, m.logLambda).entries()) {
      const [lr, lambda] = [10 ** logLr, 10 ** logLambda];
      const net = new MultiLayerNet({ inputSize: 784, hiddenSizeList: [100, 100, 100, 100, 100, 100], outputSize: 10, weightDecayLambda: lambda, seed: m.seed + index });
      // the validation images in the place of the test set, as the book's search does
      const trainer = new Trainer(net, x, t, xVal, tVal, {
        epochs: m.epochs, miniBatchSize: BATCH, optimizer: 'SGD', optimizerParam: { lr }, verbose: false, seed: m.seed + index,
        signal, yieldEvery: 50, onDivergence: 'continue',
      });
      try {
        const result = await trainer.train();
        if (result.stopped === 'aborted') return;
        post({ type: 'trial', run: m.run, index, lr, lambda, valAcc: result.testAcc ?? net.accuracy(xVal, tVal), trainAcc: net.accuracy(x, t) });
      } finally {
        trainer.optimizer.dispose();
        net.dispose();
      }
    }
    post({ type: 'finished', run: m.run });
  });
});
