// The book's weight_init_compare.py (chapter 6.2): a five-layer ReLU network
// (784-100-100-100-100-10) trained on MNIST by SGD (lr 0.01, batch 128) from three weight scales:
// std 0.01, Xavier √(1/n) and He √(2/n) with n the fan-in. With std 0.01 the signal (and the
// gradient) shrinks layer after layer and the loss stays at ln 10 ≈ 2.30; Xavier learns, He
// learns fastest. Prints the loss every 100 iterations like the book, and the mean loss of the
// last 100; draws the smoothed loss curves.
//   node out/examples/weight_init_compare.js [--iters N] [--seed N] [--out DIR] [--quick]
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { createRng, init, loadMnist, MiniBatches, MultiLayerNet, SGD, type WeightInit } from 'scratchnet';
import { savePlot } from './plot.js';

const { values } = parseArgs({
  options: {
    iters: { type: 'string' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'output' },
    // 300 iterations instead of 2000, for the test suite: std 0.01 is already stuck, He well down
    quick: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
const maxIterations = Number(values.iters ?? (values.quick ? 300 : 2000));
if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new Error(`--iters must be a positive integer, got ${values.iters}`);

const batchSize = 128;
const printEvery = 100;
// The book's three, with its marker shapes.
const inits: { name: string; label: string; std: WeightInit; shape: string }[] = [
  { name: 'std=0.01', label: 'std=0.01', std: 0.01, shape: 'circle' },
  { name: 'Xavier', label: 'Xavier √(1/n)', std: 'sigmoid', shape: 'square' },
  { name: 'He', label: 'He √(2/n)', std: 'relu', shape: 'diamond' },
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
// NOTE: one seed for all three: the same Gaussian draws, so the weights differ by their scale alone
const runs = inits.map((o) => ({
  ...o,
  network: new MultiLayerNet({ inputSize: 784, hiddenSizeList: [100, 100, 100, 100], outputSize: 10, activation: 'relu', weightInitStd: o.std, seed }),
  losses: [] as number[],
}));
const optimizer = new SGD({ lr: 0.01 }); // stateless: one for all, as the book
// As the book: one mini-batch per iteration, shared by the three networks.
const batches = new MiniBatches(xTrain, tTrain, batchSize, createRng(seed + 1));

console.log(`MultiLayerNet 784-100-100-100-100-10 (ReLU), SGD lr 0.01, batch ${batchSize}, ${maxIterations} iterations, seed ${seed}`);
console.log('loss on the iteration\'s mini-batch after its update (as the book):');
console.log(`iteration  ${runs.map((r) => r.name.padStart(9)).join('')}`);
const started = performance.now();
for (let i = 0; i < maxIterations; i++) {
  const [x, t] = batches.sample();
  for (const r of runs) {
    optimizer.update(r.network.params, r.network.gradient(x, t));
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
console.log(`trained ${runs.length} networks in ${seconds.toFixed(1)} s`);

const curves = runs.flatMap((r) => smoothCurve(r.losses).map((loss, iteration) => ({ init: r.label, iteration, loss })));
batches.dispose();
optimizer.dispose();
for (const r of runs) r.network.dispose();

const labels = runs.map((r) => r.label);
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: {
    text: 'Weight initialization on MNIST: MultiLayerNet 784-100-100-100-100-10 (ReLU)',
    subtitle: [
      `SGD lr 0.01, batch ${batchSize}, ${maxIterations} iterations, seed ${seed}; the same Gaussian draws and mini-batches for all three`,
      'training loss of each mini-batch, smoothed like the book (11-point Kaiser window); markers every 100 iterations; n = fan-in',
    ],
  },
  width: 560,
  height: 340,
  data: { values: curves },
  encoding: {
    x: { field: 'iteration', type: 'quantitative', title: 'iterations', scale: { domain: [0, maxIterations], nice: false } },
    y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { domain: [0, 2.5] } },
    color: { field: 'init', type: 'nominal', title: 'weight init', scale: { domain: labels, scheme: 'category10' } },
  },
  layer: [
    { mark: { type: 'line', clip: true, strokeWidth: 1.5 } },
    {
      // markers every 100 iterations, as the book's markevery=100
      // NOTE: only those inside the y domain: resvg (2.6.2) aborts the process on a clipped
      // point mark with a point outside the plot
      transform: [{ filter: `datum.iteration % ${printEvery} === 0 && datum.loss <= 2.5` }],
      mark: { type: 'point', clip: true, filled: false, size: 50, strokeWidth: 1.5 },
      encoding: { shape: { field: 'init', type: 'nominal', title: 'weight init', scale: { domain: labels, range: runs.map((r) => r.shape) } } },
    },
  ],
};

const files = await savePlot(spec, 'weight_init_compare', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
