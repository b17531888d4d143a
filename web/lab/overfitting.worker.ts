// Page 6's worker: overfit_weight_decay.py and overfit_dropout.py side by side. Two copies of
// MultiLayerNetExtend 784-100×6-10 (ReLU, He) from the same weights on the first 300 MNIST images
// (SGD lr 0.01, batch 100, the same batches): one plain, one with the page's weight decay λ and
// dropout ratio; train and test accuracy of both after each epoch of 3 iterations. The sweeps
// train one regularized copy per λ and per dropout ratio with the library's Trainer.
import { MultiLayerNetExtend, Trainer, type Tensor } from 'scratchnet';
import { fetchMnist } from './mnist.js';
import { type Contender, contender, disposeContenders, trainTogether } from './training.js';
import { Runs, serve } from './worker-base.js';

/** A setting of a sweep: λ and the dropout ratio (0: no dropout). */
export interface Setting { lambda: number; dropout: number }
export type ToWorker = { type: 'run'; run: number; lambda: number; dropout: number; epochs: number }
  | { type: 'sweep'; run: number; settings: Setting[]; epochs: number };
export type FromWorker =
  /** Accuracies after `epoch` epochs: [train, test] of the plain network, then of the regularized one. */
  | { type: 'epoch'; run: number; epoch: number; plain: [number, number]; regularized: [number, number] }
  /** A sweep's setting `index`, trained: its final accuracies. */
  | { type: 'point'; run: number; index: number; train: number; test: number }
  | { type: 'finished'; run: number; sweep?: boolean };

export const TRAIN_SIZE = 300, TEST_SIZE = 1000;
const BATCH = 100, ITERATIONS_PER_EPOCH = TRAIN_SIZE / BATCH;
const runs = new Runs();
let data: { x: Tensor; t: Tensor; xTest: Tensor; tTest: Tensor } | undefined;

async function load(): Promise<NonNullable<typeof data>> {
  // the first 300 training images and the first 1000 test images (the book tests on all 10 000)
  const m = await fetchMnist({ trainSize: TRAIN_SIZE, testSize: TEST_SIZE });
  return { x: m.xTrain, t: m.tTrain, xTest: m.xTest, tTest: m.tTest };
}

const options = { inputSize: 784, hiddenSizeList: [100, 100, 100, 100, 100, 100], outputSize: 10, activation: 'relu' as const, weightInitStd: 'relu' as const, seed: 0 };
const sweeps = new Runs();

// One regularized network per setting, trained by the Trainer on the same batches (seed 1) as the pair.
function sweep(m: Extract<ToWorker, { type: 'sweep' }>, { x, t, xTest, tTest }: NonNullable<typeof data>): void {
  sweeps.start(async (_live, signal) => {
    for (const [index, s] of m.settings.entries()) {
      const net = new MultiLayerNetExtend({ ...options, weightDecayLambda: s.lambda, useDropout: s.dropout > 0, dropoutRatio: s.dropout || 0.5 });
      const trainer = new Trainer(net, x, t, xTest, tTest, {
        epochs: m.epochs, miniBatchSize: BATCH, optimizer: 'SGD', optimizerParam: { lr: 0.01 }, verbose: false, seed: 1, signal, yieldEvery: 20,
      });
      try {
        const result = await trainer.train();
        if (result.stopped === 'aborted') return;
        post({ type: 'point', run: m.run, index, train: net.accuracy(x, t), test: net.accuracy(xTest, tTest) });
      } finally {
        trainer.optimizer.dispose();
        net.dispose();
      }
    }
    post({ type: 'finished', run: m.run, sweep: true });
  });
}

const post = serve<ToWorker, FromWorker>(async (m) => {
  data ??= await load();
  if (m.type === 'sweep') return sweep(m, data);
  const { x, t, xTest, tTest } = data;
  runs.start(async (live) => {
    const contenders: Contender[] = [
      new MultiLayerNetExtend(options),
      new MultiLayerNetExtend({ ...options, weightDecayLambda: m.lambda, useDropout: m.dropout > 0, dropoutRatio: m.dropout || 0.5 }),
    ].map((net) => contender(net, x, t, 0.01, BATCH));
    const report = (epoch: number): void => {
      const [plain, regularized] = contenders.map(({ net }) => [net.accuracy(x, t), net.accuracy(xTest, tTest)] as [number, number]);
      post({ type: 'epoch', run: m.run, epoch, plain, regularized });
    };
    try {
      report(0);
      const done = await trainTogether({
        contenders, iterations: m.epochs * ITERATIONS_PER_EPOCH, live, every: ITERATIONS_PER_EPOCH,
        onProgress: (iteration) => report(iteration / ITERATIONS_PER_EPOCH),
      });
      if (done) post({ type: 'finished', run: m.run });
    } finally {
      disposeContenders(contenders);
    }
  });
});
