// The book's optimizer_compare_mnist.py (chapter 6.1): a five-layer ReLU network
// (784-100-100-100-100-10, He initialization) trained on MNIST by SGD, Momentum, AdaGrad and Adam
// at the book's default learning rates, plus RMSprop and Nesterov; every network starts from the
// same weights and sees the same mini-batches. Prints the loss every 100 iterations like the
// book, and the mean loss of the last 100; draws the smoothed loss curves.
//   node out/examples/optimizer_compare_mnist.js [--iters N] [--seed N] [--out DIR] [--quick]
import { AdaGrad, Adam, createRng, init, loadMnist, MiniBatches, Momentum, MultiLayerNet, Nesterov, type Optimizer, RMSprop, SGD } from 'scratchnet';
import { parseExperimentArgs, positiveIntegerOption } from './cli.js';
import { lossCurvesChart, trainSideBySide } from './loss-comparison.js';
import { saveFigure } from './plot.js';

const { values, seed } = parseExperimentArgs({ iters: { type: 'string' } });
// --quick: 300 iterations instead of 2000, for the test suite: the optimizers already separate
const maxIterations = positiveIntegerOption('--iters', values.iters, values.quick ? 300 : 2000);

const batchSize = 128;
const printEvery = 100;
// The book's defaults (common/optimizer.py).
const optimizers: { name: string; label: string; make: () => Optimizer }[] = [
  { name: 'SGD', label: 'lr 0.01', make: () => new SGD({ lr: 0.01 }) },
  { name: 'Momentum', label: 'lr 0.01, momentum 0.9', make: () => new Momentum({ lr: 0.01, momentum: 0.9 }) },
  { name: 'AdaGrad', label: 'lr 0.01', make: () => new AdaGrad({ lr: 0.01 }) },
  { name: 'Adam', label: 'lr 0.001, β1 0.9, β2 0.999', make: () => new Adam({ lr: 0.001, beta1: 0.9, beta2: 0.999 }) },
  { name: 'RMSprop', label: 'lr 0.01, decay 0.99', make: () => new RMSprop({ lr: 0.01, decayRate: 0.99 }) },
  { name: 'Nesterov', label: 'lr 0.01, momentum 0.9', make: () => new Nesterov({ lr: 0.01, momentum: 0.9 }) },
];

await init();
const { xTrain, tTrain } = await loadMnist({ normalize: true, oneHotLabel: false });
// NOTE: one seed for all: the same initial weights, so the curves differ by the optimizer alone
const runs = optimizers.map((o) => ({
  ...o,
  network: new MultiLayerNet({ inputSize: 784, hiddenSizeList: [100, 100, 100, 100], outputSize: 10, activation: 'relu', weightInitStd: 'he', seed }),
  optimizer: o.make(),
}));
// As the book: one mini-batch per iteration, shared by all the networks.
const batches = new MiniBatches(xTrain, tTrain, batchSize, createRng(seed + 1));

console.log(`MultiLayerNet 784-100-100-100-100-10 (ReLU, He init), batch ${batchSize}, ${maxIterations} iterations, seed ${seed}`);
const { losses, seconds } = trainSideBySide(runs, batches, maxIterations, printEvery);
console.log(`trained ${runs.length} networks in ${seconds.toFixed(1)} s (${((seconds * 1000) / maxIterations / runs.length).toFixed(2)} ms per network-iteration)`);
batches.dispose();
for (const r of runs) {
  r.network.dispose();
  r.optimizer.dispose();
}

// the seed, batch and set-up are printed above
const chart = lossCurvesChart({
  title: 'Optimizers on MNIST: MultiLayerNet 784-100-100-100-100-10 (ReLU, He init)',
  width: 700,
  height: 380,
  curves: runs.map((r, i) => ({ label: `${r.name} (${r.label})`, losses: losses[i] })),
  yMax: 1,
  markEvery: printEvery,
});

const files = await saveFigure(chart, 'optimizer_compare_mnist', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
