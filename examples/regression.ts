// Regression: a network learns a real-valued curve from noisy samples, through fit() with a
// mean-squared-error loss, and is measured by its mean absolute error on fresh samples.
// The curve is y = sin(2x) + 0.1·x² on [-3, 3]; each sample gets Gaussian noise of σ 0.1, so no
// model can beat a mean absolute error of σ·√(2/π) ≈ 0.08 on noisy test samples.
// Draws the curve, the training samples and the network's predictions, predictions against
// targets, and the loss per epoch. Exits with code 1 if the test error misses its target.
//   node out/examples/regression.js [--out DIR] [--quick] [--seed N]
import { createRng, fit, init, layers as L, Sequential, tensor, type Tensor } from 'scratchnet';
import { lineChart, panels, scatter } from 'scratchnet/plot';
import { parseExperimentArgs } from './cli.js';
import { saveFigure } from './plot.js';

// --quick trains for fewer epochs (the test suite's run); the target is the same
const { values, seed } = parseExperimentArgs({});
const { quick, out } = values as { quick: boolean; out: string };
const TARGET = 0.12; // test mean absolute error
const NOISE = 0.1;

const curve = (x: number) => Math.sin(2 * x) + 0.1 * x * x;

// n samples: x uniform in [-3, 3], y = curve(x) + noise; as (n, 1) tensors and plain arrays
function samples(n: number, rngSeed: number): { x: Tensor; y: Tensor; xs: number[]; ys: number[] } {
  const rng = createRng(rngSeed);
  const xs = Array.from({ length: n }, () => rng.uniform() * 6 - 3);
  const ys = xs.map((x) => curve(x) + NOISE * rng.normal());
  return { x: tensor(xs, [n, 1]), y: tensor(ys, [n, 1]), xs, ys };
}

await init();
const train = samples(500, seed + 1), test = samples(500, seed + 2);

// the new-user path: a Sequential with a mean-squared-error loss, fit, evaluate
const net = new Sequential({
  inputShape: [1],
  layers: [L.dense({ units: 32 }), L.tanh(), L.dense({ units: 32 }), L.tanh(), L.dense({ units: 1 })],
  loss: 'mean-squared-error', seed,
});
const result = await fit(net, train.x, train.y, {
  epochs: quick ? 120 : 300, miniBatchSize: 32, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, validationSplit: 0.2, seed,
  verbose: false,
});
const { loss, meanAbsoluteError } = net.evaluate(test.x, test.y);
const last = result.history.at(-1)!;
console.log(`trained ${result.history.length} epochs: train loss ${last.trainLoss.toFixed(4)}, ` +
  `val mean absolute error ${last.valMeanAbsoluteError!.toFixed(4)}`);
console.log(`test: loss ${loss.toFixed(4)}, mean absolute error ${meanAbsoluteError!.toFixed(4)} ` +
  `(the noise alone: ${(NOISE * Math.sqrt(2 / Math.PI)).toFixed(4)})`);

// the figure: the curve and the predictions over a grid; predictions against targets; the losses
const grid = Array.from({ length: 241 }, (_, i) => -3 + i / 40);
const predicted = net.predict(tensor(grid, [grid.length, 1])).toArray();
const testPredicted = net.predict(test.x).toArray();
const epochs = result.history.map((h) => h.epoch);
const figure = panels([
  panels([
    lineChart([{ name: 'sin(2x) + 0.1x²', x: grid, y: grid.map(curve) }, { name: 'network', x: grid, y: predicted }],
      { title: 'the curve and the network\'s predictions', xLabel: 'x', yLabel: 'y' }),
    scatter({ name: 'training samples', x: train.xs, y: train.ys }, { title: 'the training samples (noise σ 0.1)', xLabel: 'x', yLabel: 'y', radius: 2 }),
  ]),
  panels([
    scatter({ name: 'test samples', x: test.ys, y: testPredicted },
      { title: `predictions against targets (test MAE ${meanAbsoluteError!.toFixed(3)})`, xLabel: 'target', yLabel: 'prediction', radius: 2 }),
    lineChart([{ name: 'train', x: epochs, y: result.history.map((h) => h.trainLoss) }, { name: 'validation', x: epochs, y: result.valLossList! }],
      { title: 'loss per epoch', xLabel: 'epoch', yLabel: 'mean squared error', yScale: 'log' }),
  ]),
], { columns: 1 });
const files = await saveFigure(figure, 'regression', out);
console.log(`wrote ${files.png}`);
const met = meanAbsoluteError! < TARGET;
console.log(`target: test mean absolute error < ${TARGET}: ${met ? 'met' : 'MISSED'}`);
if (!met) process.exitCode = 1;
