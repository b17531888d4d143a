// The book's weight_init_compare.py (chapter 6.2): a five-layer ReLU network
// (784-100-100-100-100-10) trained on MNIST by SGD (lr 0.01, batch 128) from three weight scales:
// std 0.01, Xavier √(1/n) and He √(2/n) with n the fan-in. With std 0.01 the signal (and the
// gradient) shrinks layer after layer and the loss stays at ln 10 ≈ 2.30; Xavier learns, He
// learns fastest. Prints the loss every 100 iterations like the book, and the mean loss of the
// last 100; draws the smoothed loss curves.
//   node out/examples/weight_init_compare.js [--iters N] [--seed N] [--out DIR] [--quick]
import { createRng, init, loadMnist, MiniBatches, MultiLayerNet, SGD, type WeightInit } from 'scratchnet';
import { parseExperimentArgs, positiveIntegerOption } from './cli.js';
import { lossCurvesChart, trainSideBySide } from './loss-comparison.js';
import { saveFigure } from './plot.js';

const { values, seed } = parseExperimentArgs({ iters: { type: 'string' } });
// --quick: 300 iterations instead of 2000, for the test suite: std 0.01 is already stuck, He well down
const maxIterations = positiveIntegerOption('--iters', values.iters, values.quick ? 300 : 2000);

const batchSize = 128;
const printEvery = 100;
// The book's three.
const inits: { name: string; label: string; std: WeightInit }[] = [
  { name: 'std=0.01', label: 'std=0.01', std: 0.01 },
  { name: 'Xavier', label: 'Xavier √(1/n)', std: 'sigmoid' },
  { name: 'He', label: 'He √(2/n)', std: 'relu' },
];

await init();
const { xTrain, tTrain } = await loadMnist({ normalize: true, oneHotLabel: false });
const optimizer = new SGD({ lr: 0.01 }); // stateless: one for all, as the book
// NOTE: one seed for all three: the same Gaussian draws, so the weights differ by their scale alone
const runs = inits.map((o) => ({
  ...o,
  network: new MultiLayerNet({ inputSize: 784, hiddenSizeList: [100, 100, 100, 100], outputSize: 10, activation: 'relu', weightInitStd: o.std, seed }),
  optimizer,
}));
// As the book: one mini-batch per iteration, shared by the three networks.
const batches = new MiniBatches(xTrain, tTrain, batchSize, createRng(seed + 1));

console.log(`MultiLayerNet 784-100-100-100-100-10 (ReLU), SGD lr 0.01, batch ${batchSize}, ${maxIterations} iterations, seed ${seed}`);
const { losses, seconds } = trainSideBySide(runs, batches, maxIterations, printEvery);
console.log(`trained ${runs.length} networks in ${seconds.toFixed(1)} s`);
batches.dispose();
optimizer.dispose();
for (const r of runs) r.network.dispose();

// the seed, batch and set-up are printed above
const chart = lossCurvesChart({
  title: 'Weight initialization on MNIST: MultiLayerNet 784-100-100-100-100-10 (ReLU), SGD lr 0.01',
  width: 640,
  height: 360,
  curves: runs.map((r, i) => ({ label: r.label, losses: losses[i] })),
  yMax: 2.5,
  markEvery: printEvery,
});

const files = await saveFigure(chart, 'weight_init_compare', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
