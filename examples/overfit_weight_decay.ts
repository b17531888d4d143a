// The book's overfit_weight_decay.py (chapter 6.4.2): a deep network (784-[100]×6-10, ReLU, He
// init) trained on only 300 MNIST images overfits — train accuracy runs to 1 while test accuracy
// stalls — and an L2 penalty 0.5·λ·ΣW² (λ = 0.1) narrows that gap. SGD lr 0.01, batches of 100,
// 201 epochs of 3 iterations; train accuracy on the 300 images and test accuracy on all 10 000
// test images after each epoch's first update, as the book records them. Runs λ = 0 and λ = 0.1
// from the same initial weights and the same batches, prints both curves and the final gaps, and
// draws them side by side.
//   node out/examples/overfit_weight_decay.js [--lambda X] [--seed N] [--out DIR] [--quick]
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { init, loadMnist, MultiLayerNet, Trainer, zeros, type Tensor } from 'scratchnet';
import { savePlot } from './plot.js';

const { values } = parseArgs({
  options: {
    lambda: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'output' },
    // 40 epochs and 2 000 test images, for the test suite: enough for the overfitting to show
    quick: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed), lambda = Number(values.lambda);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
if (!(lambda > 0) || !Number.isFinite(lambda)) throw new Error(`--lambda must be a positive number, got ${values.lambda}`);

const trainSize = 300, batchSize = 100, lr = 0.01;
const epochs = values.quick ? 40 : 201;
const testSize = values.quick ? 2000 : 10000;
const hiddenSizeList = [100, 100, 100, 100, 100, 100];

/** Rows [start, start + n) of x as a new tensor. */
function sliceRows(x: Tensor, start: number, n: number): Tensor {
  const row = x.size / x.shape[0];
  const out = zeros([n, ...x.shape.slice(1)]);
  // NOTE: both views are taken after the allocation, which may grow (and detach) the memory
  out.data.set(x.data.subarray(start * row, (start + n) * row));
  return out;
}

await init();
const mnist = await loadMnist({ normalize: true });
const xTrain = sliceRows(mnist.xTrain, 0, trainSize), tTrain = sliceRows(mnist.tTrain, 0, trainSize);
const xTest = testSize === mnist.xTest.shape[0] ? mnist.xTest : sliceRows(mnist.xTest, 0, testSize);
const tTest = testSize === mnist.tTest.shape[0] ? mnist.tTest : sliceRows(mnist.tTest, 0, testSize);

interface Run {
  lambda: number;
  trainAcc: number[];
  testAcc: number[];
  seconds: number;
}

async function run(weightDecayLambda: number): Promise<Run> {
  const t0 = performance.now();
  // The same seed for both runs: the same initial weights and the same mini-batches, so the
  // penalty is the only difference.
  const network = new MultiLayerNet({ inputSize: 784, hiddenSizeList, outputSize: 10, activation: 'relu', weightInitStd: 'relu', weightDecayLambda, seed });
  const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest,
    { epochs, miniBatchSize: batchSize, optimizer: 'SGD', optimizerParam: { lr }, verbose: false, seed: seed + 1 });
  try {
    const result = await trainer.train();
    return { lambda: weightDecayLambda, trainAcc: result.trainAccList, testAcc: result.testAccList, seconds: (performance.now() - t0) / 1000 };
  } finally {
    trainer.optimizer.dispose();
    network.dispose();
  }
}

const runs = [await run(0), await run(lambda)];
const [plain, decayed] = runs;

console.log(`${trainSize} train images, ${testSize} test images, 784-${hiddenSizeList.join('-')}-10 ReLU/He, ` +
  `SGD lr ${lr}, batch ${batchSize}, ${epochs} epochs, seed ${seed}`);
const f = (v: number) => v.toFixed(4);
console.log(`epoch  λ=0 train  λ=0 test  λ=0 gap  λ=${lambda} train  λ=${lambda} test  λ=${lambda} gap`);
const step = epochs > 50 ? 20 : 5;
for (let e = 0; e < epochs; e++) {
  if (e % step !== 0 && e !== epochs - 1) continue;
  console.log(`${String(e).padStart(5)}  ${f(plain.trainAcc[e]).padStart(9)}  ${f(plain.testAcc[e]).padStart(8)}  ` +
    `${f(plain.trainAcc[e] - plain.testAcc[e]).padStart(7)}  ${f(decayed.trainAcc[e]).padStart(9 + String(lambda).length)}  ` +
    `${f(decayed.testAcc[e]).padStart(8 + String(lambda).length)}  ${f(decayed.trainAcc[e] - decayed.testAcc[e]).padStart(7 + String(lambda).length)}`);
}
for (const r of runs) {
  const train = r.trainAcc.at(-1)!, test = r.testAcc.at(-1)!;
  console.log(`final lambda=${r.lambda}: train ${f(train)} test ${f(test)} gap ${f(train - test)} ` +
    `(best test ${f(Math.max(...r.testAcc))}; ${r.seconds.toFixed(1)} s)`);
}

const label = (r: Run) => {
  const gap = r.trainAcc.at(-1)! - r.testAcc.at(-1)!;
  return `${r.lambda === 0 ? 'no weight decay (λ = 0)' : `weight decay λ = ${r.lambda}`}: final gap ${gap.toFixed(3)}`;
};
const points = runs.flatMap((r) => r.trainAcc.flatMap((train, epoch) => [
  { run: label(r), set: 'train (300 images)', epoch, accuracy: train },
  { run: label(r), set: `test (${testSize} images)`, epoch, accuracy: r.testAcc[epoch] },
]));
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: {
    text: `Overfitting on ${trainSize} MNIST images, and weight decay`,
    // NOTE: without a canvas Vega estimates text widths generously; short lines keep the figure tight
    subtitle: [
      `784-${hiddenSizeList.join('-')}-10 ReLU, He init, SGD lr ${lr}, batch ${batchSize}, seed ${seed}`,
      'both runs start from the same weights and see the same batches',
    ],
  },
  data: { values: points },
  facet: { column: { field: 'run', type: 'nominal', title: null, sort: runs.map(label), header: { labelFontSize: 12 } } },
  spec: {
    width: 340,
    height: 240,
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epochs', scale: { domain: [0, epochs - 1], nice: false } },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
      color: { field: 'set', type: 'nominal', title: null, sort: 'descending', scale: { range: ['#1f77b4', '#ff7f0e'] } },
    },
  },
  config: { legend: { orient: 'top', labelFontSize: 12, labelLimit: 400, symbolStrokeWidth: 3 } },
};
const files = await savePlot(spec, 'overfit_weight_decay', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
