// Page 5's worker: batch_norm_test.py. MultiLayerNetExtend 784-100×5-10 (ReLU) with and without
// batch normalization, from the same initial weights of a given std, trained on the first 1000
// MNIST images by SGD (lr 0.01, batch 100); train accuracy on the 1000 after each epoch of 10
// iterations. The page asks for one weight scale, or for a sweep over many; for the one scale it
// also gets each hidden layer's activations at the start, with and without batch norm.
import { MultiLayerNetExtend, Relu, tensor, type Tensor } from 'scratchnet';
import { binned } from './binned.js';
import { fetchMnist } from './mnist.js';
import { type Contender, contender, disposeContenders, trainTogether } from './training.js';
import { Runs, serve } from './worker-base.js';

export type Kind = 'focus' | 'sweep';
export type ToWorker = { type: 'run'; run: number; kind: Kind; scales: number[]; epochs: number } | { type: 'stop'; kind: Kind };
export type FromWorker =
  /** Train accuracies after `epoch` epochs (0: before training) of the scale at `index`. */
  | { type: 'epoch'; run: number; kind: Kind; index: number; epoch: number; bn: number; plain: number }
  | { type: 'finished'; run: number; kind: Kind }
  /** Each hidden layer's ReLU outputs for 100 images before training, in train mode (batch norm
   *  normalizing with the batch's statistics): histograms over ACTIVATION_RANGE of the non-zero values. */
  | { type: 'activations'; run: number; bn: LayerActivations[]; plain: LayerActivations[] };

/** zeros: the share exactly 0 (not in the histogram); beyond: the share past the range; std of all values. */
export interface LayerActivations { histogram: number[]; zeros: number; beyond: number; std: number }
export const ACTIVATION_RANGE: [number, number] = [0, 3];

// The ReLU layers' outputs of a fresh network for the batch `x`, as training's first forward pass sees them.
function activations(net: MultiLayerNetExtend, x: Tensor): LayerActivations[] {
  const result: LayerActivations[] = [];
  let out: Tensor = x;
  for (const layer of net.layerList) {
    out = layer.forward(out, true);
    if (!(layer instanceof Relu)) continue;
    const { histogram, leftOut, beyond } = binned(out.data, ACTIVATION_RANGE, 30, (v) => v !== 0);
    let sum = 0, sumSq = 0;
    for (const v of out.data) (sum += v), (sumSq += v * v);
    const n = out.data.length;
    result.push({ histogram, zeros: leftOut, beyond, std: Math.sqrt(Math.max(0, sumSq / n - (sum / n) ** 2)) });
  }
  return result;
}

const TRAIN_SIZE = 1000, BATCH = 100, ITERATIONS_PER_EPOCH = TRAIN_SIZE / BATCH;
const runs: Record<Kind, Runs> = { focus: new Runs(), sweep: new Runs() };
let mnist: Awaited<ReturnType<typeof fetchMnist>> | undefined;

const post = serve<ToWorker, FromWorker>(async (m) => {
  if (m.type === 'stop') return runs[m.kind].stop();
  mnist ??= await fetchMnist({ trainSize: TRAIN_SIZE, testSize: 1 });
  const { xTrain: x, tTrain: t } = mnist;
  runs[m.kind].start(async (live) => {
    for (const [index, scale] of m.scales.entries()) {
      const options = { inputSize: 784, hiddenSizeList: [100, 100, 100, 100, 100], outputSize: 10, activation: 'relu' as const, weightInitStd: scale, seed: 0 };
      if (m.kind === 'focus') {
        // fresh copies, so the trained ones' batch-norm running statistics stay untouched
        const batch = tensor(x.data.slice(0, 100 * 784), [100, 784]);
        const [bn, plain] = [true, false].map((useBatchnorm) => {
          const net = new MultiLayerNetExtend({ ...options, useBatchnorm });
          const a = activations(net, batch);
          net.dispose();
          return a;
        });
        batch.dispose();
        post({ type: 'activations', run: m.run, bn, plain });
      }
      const contenders: Contender[] = [true, false].map((useBatchnorm) => contender(new MultiLayerNetExtend({ ...options, useBatchnorm }), x, t, 0.01, BATCH));
      const report = (epoch: number): void => {
        const [bn, plain] = contenders.map((c) => c.net.accuracy(x, t));
        post({ type: 'epoch', run: m.run, kind: m.kind, index, epoch, bn, plain });
      };
      try {
        report(0);
        const done = await trainTogether({
          contenders, iterations: m.epochs * ITERATIONS_PER_EPOCH, live, every: ITERATIONS_PER_EPOCH,
          onProgress: (iteration) => report(iteration / ITERATIONS_PER_EPOCH),
        });
        if (!done) return;
      } finally {
        disposeContenders(contenders);
      }
    }
    post({ type: 'finished', run: m.run, kind: m.kind });
  });
});
