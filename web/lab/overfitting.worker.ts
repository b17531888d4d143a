// Page 6's worker: overfit_weight_decay.py and overfit_dropout.py side by side. Two copies of
// MultiLayerNetExtend 784-100×6-10 (ReLU, He) from the same weights on the first 300 MNIST images
// (SGD lr 0.01, batch 100, the same batches): one plain, one with the page's weight decay λ and
// dropout ratio; train and test accuracy of both after each epoch of 3 iterations.
import { createRng, MiniBatches, MultiLayerNetExtend, SGD, type Tensor } from 'scratchnet';
import { fetchMnist } from './mnist.js';
import { type Contender, trainTogether } from './training.js';
import { Runs, serve } from './worker-base.js';

export type ToWorker = { type: 'run'; run: number; lambda: number; dropout: number; epochs: number };
export type FromWorker =
  /** Accuracies after `epoch` epochs: [train, test] of the plain network, then of the regularized one. */
  | { type: 'epoch'; run: number; epoch: number; plain: [number, number]; regularized: [number, number] }
  | { type: 'finished'; run: number };

export const TRAIN_SIZE = 300, TEST_SIZE = 1000;
const BATCH = 100, ITERATIONS_PER_EPOCH = TRAIN_SIZE / BATCH;
const runs = new Runs();
let data: { x: Tensor; t: Tensor; xTest: Tensor; tTest: Tensor } | undefined;

async function load(): Promise<NonNullable<typeof data>> {
  // the first 300 training images and the first 1000 test images (the book tests on all 10 000)
  const m = await fetchMnist({ trainSize: TRAIN_SIZE, testSize: TEST_SIZE });
  return { x: m.xTrain, t: m.tTrain, xTest: m.xTest, tTest: m.tTest };
}

const post = serve<ToWorker, FromWorker>(async (m) => {
  data ??= await load();
  const { x, t, xTest, tTest } = data;
  runs.start(async (live) => {
    const options = { inputSize: 784, hiddenSizeList: [100, 100, 100, 100, 100, 100], outputSize: 10, activation: 'relu' as const, weightInitStd: 'relu' as const, seed: 0 };
    const contenders: Contender[] = [
      new MultiLayerNetExtend(options),
      new MultiLayerNetExtend({ ...options, weightDecayLambda: m.lambda, useDropout: m.dropout > 0, dropoutRatio: m.dropout || 0.5 }),
    ].map((net) => ({ net, optimizer: new SGD({ lr: 0.01 }) }));
    const batches = new MiniBatches(x, t, BATCH, createRng(1));
    const report = (epoch: number): void => {
      const [plain, regularized] = contenders.map(({ net }) => [net.accuracy(x, t), net.accuracy(xTest, tTest)] as [number, number]);
      post({ type: 'epoch', run: m.run, epoch, plain, regularized });
    };
    try {
      report(0);
      const done = await trainTogether({
        contenders, batches, iterations: m.epochs * ITERATIONS_PER_EPOCH, live, every: ITERATIONS_PER_EPOCH,
        onProgress: (iteration) => report(iteration / ITERATIONS_PER_EPOCH),
      });
      if (done) post({ type: 'finished', run: m.run });
    } finally {
      batches.dispose();
      for (const c of contenders) {
        c.net.dispose();
        c.optimizer.dispose();
      }
    }
  });
});
