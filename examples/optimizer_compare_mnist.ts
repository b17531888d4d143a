// The book's optimizer_compare_mnist.py (chapter 6.1): a five-layer ReLU network
// (784-100-100-100-100-10, He initialization) trained on MNIST by SGD, Momentum, AdaGrad and Adam
// at the book's default learning rates, plus RMSprop and Nesterov; every network starts from the
// same weights and sees the same mini-batches. Prints the loss every 100 iterations like the
// book, and the mean loss of the last 100; draws the smoothed loss curves.
//   node out/examples/optimizer_compare_mnist.js [--iters N] [--seed N] [--out DIR] [--quick]
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { AdaGrad, Adam, createRng, init, loadMnist, MiniBatches, Momentum, MultiLayerNet, Nesterov, type Optimizer, RMSprop, SGD } from 'scratchnet';
import { savePlot } from './plot.js';

const { values } = parseArgs({
  options: {
    iters: { type: 'string' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'output' },
    // 300 iterations instead of 2000, for the test suite: the optimizers already separate
    quick: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
const maxIterations = Number(values.iters ?? (values.quick ? 300 : 2000));
if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new Error(`--iters must be a positive integer, got ${values.iters}`);

const batchSize = 128;
const printEvery = 100;
// The book's defaults (common/optimizer.py), and the shapes of its markers.
const optimizers: { name: string; label: string; shape: string; make: () => Optimizer }[] = [
  { name: 'SGD', label: 'lr 0.01', shape: 'circle', make: () => new SGD({ lr: 0.01 }) },
  { name: 'Momentum', label: 'lr 0.01, momentum 0.9', shape: 'cross', make: () => new Momentum({ lr: 0.01, momentum: 0.9 }) },
  { name: 'AdaGrad', label: 'lr 0.01', shape: 'square', make: () => new AdaGrad({ lr: 0.01 }) },
  { name: 'Adam', label: 'lr 0.001, β1 0.9, β2 0.999', shape: 'diamond', make: () => new Adam({ lr: 0.001, beta1: 0.9, beta2: 0.999 }) },
  { name: 'RMSprop', label: 'lr 0.01, decay 0.99', shape: 'triangle-up', make: () => new RMSprop({ lr: 0.01, decayRate: 0.99 }) },
  { name: 'Nesterov', label: 'lr 0.01, momentum 0.9', shape: 'triangle-down', make: () => new Nesterov({ lr: 0.01, momentum: 0.9 }) },
];

/** The book's smooth_curve (common/util.py): an 11-point Kaiser window (β = 2) over the curve,
 *  reflected at both ends so the output has the input's length. */
function smoothCurve(x: number[]): number[] {
  const windowLen = 11, half = (windowLen - 1) / 2;
  if (x.length < windowLen) return x.slice();
  // np.kaiser(11, 2): I0(β·√(1 - (2n/(M-1) - 1)²)) / I0(β)
  const i0 = (v: number) => {
    let sum = 1, term = 1;
    for (let k = 1; k < 30; k++) sum += (term *= (v / (2 * k)) ** 2);
    return sum;
  };
  const w = Array.from({ length: windowLen }, (_, n) => i0(2 * Math.sqrt(1 - ((2 * n) / (windowLen - 1) - 1) ** 2)));
  const wSum = w.reduce((a, b) => a + b, 0);
  // s = np.r_[x[10:0:-1], x, x[-1:-11:-1]]
  const s = [...x.slice(1, windowLen).reverse(), ...x, ...x.slice(-(windowLen - 1)).reverse()];
  return x.map((_, i) => {
    let v = 0;
    for (let j = 0; j < windowLen; j++) v += w[j] * s[i + half + j];
    return v / wSum;
  });
}

await init();
const { xTrain, tTrain } = await loadMnist({ normalize: true, oneHotLabel: false });
const runs = optimizers.map((o) => ({
  ...o,
  // NOTE: one seed for all: the same initial weights, so the curves differ by the optimizer alone
  network: new MultiLayerNet({ inputSize: 784, hiddenSizeList: [100, 100, 100, 100], outputSize: 10, activation: 'relu', weightInitStd: 'he', seed }),
  optimizer: o.make(),
  losses: [] as number[],
}));
// As the book: one mini-batch per iteration, shared by all the networks.
const batches = new MiniBatches(xTrain, tTrain, batchSize, createRng(seed + 1));

console.log(`MultiLayerNet 784-100-100-100-100-10 (ReLU, He init), batch ${batchSize}, ${maxIterations} iterations, seed ${seed}`);
console.log('loss on the iteration\'s mini-batch after its update (as the book):');
console.log(`iteration  ${runs.map((r) => r.name.padStart(9)).join('')}`);
const started = performance.now();
for (let i = 0; i < maxIterations; i++) {
  const [x, t] = batches.sample();
  for (const r of runs) {
    r.optimizer.update(r.network.params, r.network.gradient(x, t));
    r.losses.push(r.network.loss(x, t));
  }
  if (i % printEvery === 0 || i === maxIterations - 1) {
    console.log(`${String(i).padStart(9)}  ${runs.map((r) => r.losses[i].toFixed(4).padStart(9)).join('')}`);
  }
}
const seconds = (performance.now() - started) / 1000;
const lastN = Math.min(100, maxIterations);
const meanLast = (r: (typeof runs)[number]) => r.losses.slice(-lastN).reduce((a, b) => a + b, 0) / lastN;
console.log(`mean of last ${lastN}  ${runs.map((r) => meanLast(r).toFixed(4).padStart(9)).join('')}`);
console.log(`trained ${runs.length} networks in ${seconds.toFixed(1)} s (${((seconds * 1000) / maxIterations / runs.length).toFixed(2)} ms per network-iteration)`);

const legendLabel = (r: { name: string; label: string }) => `${r.name} (${r.label})`;
const curves = runs.flatMap((r) => {
  const smooth = smoothCurve(r.losses);
  return smooth.map((loss, iteration) => ({ optimizer: legendLabel(r), iteration, loss }));
});
batches.dispose();
for (const r of runs) {
  r.network.dispose();
  r.optimizer.dispose();
}

const names = runs.map(legendLabel);
const color = { field: 'optimizer', type: 'nominal', title: 'optimizer', scale: { domain: names, scheme: 'category10' } } as const;
const shape = { field: 'optimizer', type: 'nominal', title: 'optimizer', scale: { domain: names, range: runs.map((r) => r.shape) } } as const;
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: {
    text: 'Optimizers on MNIST: MultiLayerNet 784-100-100-100-100-10 (ReLU, He init)',
    subtitle: [
      `batch ${batchSize}, ${maxIterations} iterations, seed ${seed}: all networks start from the same weights and see the same mini-batches`,
      'training loss of each mini-batch, smoothed like the book (11-point Kaiser window); markers every 100 iterations',
    ],
  },
  width: 640,
  height: 360,
  data: { values: curves },
  encoding: {
    x: { field: 'iteration', type: 'quantitative', title: 'iterations', scale: { domain: [0, maxIterations], nice: false } },
    y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { domain: [0, 1] } },
    color,
  },
  layer: [
    { mark: { type: 'line', clip: true, strokeWidth: 1.5 } },
    {
      // markers every 100 iterations, as the book's markevery=100
      // NOTE: only those inside the y domain: resvg (2.6.2) aborts the process on a clipped
      // point mark with a point outside the plot
      transform: [{ filter: `datum.iteration % ${printEvery} === 0 && datum.loss <= 1` }],
      mark: { type: 'point', clip: true, filled: false, size: 50, strokeWidth: 1.5 },
      encoding: { shape },
    },
  ],
  config: { legend: { orient: 'right', labelLimit: 400 } },
};

const files = await savePlot(spec, 'optimizer_compare_mnist', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
