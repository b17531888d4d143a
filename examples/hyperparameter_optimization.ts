// The book's hyperparameter_optimization.py (chapter 6.5): random search over the learning rate
// and the weight decay of the overfitting network (784-[100]×6-10, ReLU, He init). The first 500
// MNIST training images are shuffled and split into 100 for validation and 400 for training; each
// of 100 trials draws weight decay 10^U(-8, -4) and lr 10^U(-6, -2), trains with SGD (batch 100,
// 50 epochs of 4 iterations) and records train and validation accuracy each epoch. Prints every
// trial, then the best 20 by final validation accuracy as the book does, and draws their curves
// (validation solid, train dashed) as a 5×4 grid, plus a scatter of all trials over (lr, weight
// decay) coloured by validation accuracy.
//   node out/examples/hyperparameter_optimization.js [--trials N] [--epochs N] [--seed N] [--out DIR] [--quick]
import { createRng, init, loadMnist, MultiLayerNet, Trainer, zeros, type Tensor } from 'scratchnet';
import { parseExperimentArgs, positiveIntegerOption } from './cli.js';
import { saveFigure } from './plot.js';
import { lineChart, panels, scatter } from 'scratchnet/plot';

const { values, seed } = parseExperimentArgs({ trials: { type: 'string' }, epochs: { type: 'string' } });
// --quick: 6 trials of 5 epochs, for the test suite (accuracies stay near chance; the output's form is the point)
const trials = positiveIntegerOption('--trials', values.trials, values.quick ? 6 : 100);
const epochs = positiveIntegerOption('--epochs', values.epochs, values.quick ? 5 : 50);

const dataSize = 500, validationRate = 0.2, batchSize = 100;
const hiddenSizeList = [100, 100, 100, 100, 100, 100];
const LR_RANGE = [-6, -2] as const, WD_RANGE = [-8, -4] as const; // exponents of 10
const graphDrawNum = 20, colNum = 5;

/** The rows `indices` of x, in that order, as a new tensor. */
function takeRows(x: Tensor, indices: number[]): Tensor {
  const row = x.size / x.shape[0];
  const out = zeros([indices.length, ...x.shape.slice(1)]);
  // NOTE: both views are taken after the allocation, which may grow (and detach) the memory
  const src = x.data, dst = out.data;
  indices.forEach((r, i) => dst.set(src.subarray(r * row, (r + 1) * row), i * row));
  return out;
}

await init();
const mnist = await loadMnist({ normalize: true });
// the book's shuffle_dataset: a random permutation of the 500, then the first 20% for validation
const rng = createRng(seed);
const order = Array.from({ length: dataSize }, (_, i) => i);
for (let i = dataSize - 1; i > 0; i--) {
  const j = rng.int(i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}
const validationNum = Math.floor(dataSize * validationRate);
const xVal = takeRows(mnist.xTrain, order.slice(0, validationNum)), tVal = takeRows(mnist.tTrain, order.slice(0, validationNum));
const xTrain = takeRows(mnist.xTrain, order.slice(validationNum)), tTrain = takeRows(mnist.tTrain, order.slice(validationNum));
for (const t of Object.values(mnist)) t.dispose();

interface Trial {
  trial: number;
  lr: number;
  weightDecay: number;
  valAcc: number[];
  trainAcc: number[];
}

const fmt = (v: number) => (v < 1e-3 ? v.toExponential(2) : v.toPrecision(3));
console.log(`${dataSize - validationNum} train / ${validationNum} validation images (first ${dataSize} of MNIST, shuffled), ` +
  `784-${hiddenSizeList.join('-')}-10 ReLU/He, SGD, batch ${batchSize}, ${epochs} epochs, ${trials} trials, seed ${seed}`);
const results: Trial[] = [];
const t0 = performance.now();
for (let trial = 0; trial < trials; trial++) {
  // the book's order: weight decay first, then lr
  const weightDecay = 10 ** (WD_RANGE[0] + (WD_RANGE[1] - WD_RANGE[0]) * rng.uniform());
  const lr = 10 ** (LR_RANGE[0] + (LR_RANGE[1] - LR_RANGE[0]) * rng.uniform());
  const network = new MultiLayerNet({ inputSize: 784, hiddenSizeList, outputSize: 10, weightDecayLambda: weightDecay, seed: rng.nextUint32() });
  const trainer = new Trainer(network, xTrain, tTrain, xVal, tVal,
    { epochs, miniBatchSize: batchSize, optimizer: 'SGD', optimizerParam: { lr }, verbose: false, seed: rng.nextUint32() });
  try {
    const { testAccList, trainAccList } = await trainer.train();
    results.push({ trial: trial + 1, lr, weightDecay, valAcc: testAccList, trainAcc: trainAccList });
    console.log(`trial ${String(trial + 1).padStart(3)}: val acc:${testAccList.at(-1)!.toFixed(2)} | lr:${fmt(lr)}, weight decay:${fmt(weightDecay)}`);
  } finally {
    trainer.optimizer.dispose();
    network.dispose();
  }
}
const seconds = (performance.now() - t0) / 1000;

console.log('=========== Hyper-Parameter Optimization Result ===========');
// stable: ties keep the order of the trials, as the book's sorted() over its dict
const ranked = [...results].sort((a, b) => b.valAcc.at(-1)! - a.valAcc.at(-1)!);
const best = ranked.slice(0, graphDrawNum);
best.forEach((r, i) => {
  console.log(`Best-${i + 1} (val acc:${r.valAcc.at(-1)!.toFixed(2)}) | lr:${fmt(r.lr)}, weight decay:${fmt(r.weightDecay)} ` +
    `| train acc:${r.trainAcc.at(-1)!.toFixed(4)}, trial ${r.trial}`);
});
const range = (xs: number[]) => `${fmt(Math.min(...xs))} … ${fmt(Math.max(...xs))}`;
console.log(`best ${best.length}: lr ${range(best.map((r) => r.lr))}, weight decay ${range(best.map((r) => r.weightDecay))}`);
const learned = results.filter((r) => r.valAcc.at(-1)! >= 0.5);
console.log(`${learned.length} of ${trials} trials reached val acc 0.5; their lr ${learned.length ? range(learned.map((r) => r.lr)) : '-'}`);
console.log(`${trials} trials in ${seconds.toFixed(1)} s (${(seconds / trials).toFixed(2)} s per trial)`);

// Small multiples of the best trials: validation solid, train dashed, as the book's figure.
// The best trials' curves (validation and train accuracy over the epochs), then every trial's
// final validation accuracy by where it sat in the (log) search space.
const curves = best.map((r, i) => lineChart([{ name: 'validation', y: r.valAcc }, { name: 'train', y: r.trainAcc }], {
  title: `Best-${i + 1}: val ${r.valAcc.at(-1)!.toFixed(2)}, lr ${r.lr.toExponential(1)}, wd ${r.weightDecay.toExponential(1)}`,
  yDomain: [0, 1], width: 330, height: 190,
}));
const bestTrials = new Set(best.map((r) => r.trial));
const group = (chosen: boolean, name: string) => {
  const trials = results.filter((r) => bestTrials.has(r.trial) === chosen);
  return { name, x: trials.map((r) => r.lr), y: trials.map((r) => r.weightDecay) };
};
const space = scatter([group(true, `best ${graphDrawNum}`), group(false, 'other')], {
  title: 'All trials over lr and weight decay', xLabel: 'learning rate', yLabel: 'weight decay λ', xScale: 'log', yScale: 'log',
  width: 660, height: 380,
});
const chart = panels([panels(curves, { columns: colNum }), space], {
  columns: 1, title: `Random search of lr and weight decay (${trials} trials, ${epochs} epochs each, seed ${seed})`,
});
const files = await saveFigure(chart, 'hyperparameter_optimization', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
