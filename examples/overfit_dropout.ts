// The book's overfit_dropout.py (chapter 6.4.3): the overfitting network of overfit_weight_decay
// (784-[100]×6-10, ReLU, He init, 300 MNIST training images) as a MultiLayerNetExtend with
// dropout (ratio 0.2) after every hidden activation, trained by the Trainer for 301 epochs (SGD
// lr 0.01, batches of 100) with train accuracy on the 300 images and test accuracy on all 10 000
// test images each epoch. Also trains the same network without dropout, from the same initial
// weights and on the same batches, prints both curves and the final gaps, and draws them side by
// side.
//   node out/examples/overfit_dropout.js [--ratio R] [--seed N] [--out DIR] [--quick]
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { init, loadMnist, MultiLayerNetExtend, Trainer, zeros, type Tensor } from 'scratchnet';
import { savePlot } from './plot.js';

const { values } = parseArgs({
  options: {
    ratio: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'output' },
    // 40 epochs and 2 000 test images, for the test suite: enough for the overfitting to show
    quick: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed), dropoutRatio = Number(values.ratio);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
if (!(dropoutRatio > 0 && dropoutRatio < 1)) throw new Error(`--ratio must be a number in (0, 1), got ${values.ratio}`);

const trainSize = 300, batchSize = 100, lr = 0.01;
const epochs = values.quick ? 40 : 301;
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

const makeNet = (useDropout: boolean) => new MultiLayerNetExtend({
  inputSize: 784, hiddenSizeList, outputSize: 10, activation: 'relu', weightInitStd: 'relu', useDropout, dropoutRatio, seed,
});
const withDropout = makeNet(true), without = makeNet(false);
// NOTE: the constructor draws each Dropout layer's seed from the same generator as the weights,
// so the same seed gives different weights from W2 on with and without dropout; copying them
// makes the two runs start from the same point.
for (const [name, p] of Object.entries(withDropout.params)) without.params[name].data.set(p.data);

interface Run {
  dropout: boolean;
  trainAcc: number[];
  testAcc: number[];
  seconds: number;
}

async function run(network: MultiLayerNetExtend, dropout: boolean): Promise<Run> {
  const t0 = performance.now();
  const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest,
    { epochs, miniBatchSize: batchSize, optimizer: 'SGD', optimizerParam: { lr }, verbose: false, seed: seed + 1 });
  try {
    const result = await trainer.train();
    return { dropout, trainAcc: result.trainAccList, testAcc: result.testAccList, seconds: (performance.now() - t0) / 1000 };
  } finally {
    trainer.optimizer.dispose();
    network.dispose();
  }
}

const runs = [await run(without, false), await run(withDropout, true)];
const [plain, dropped] = runs;

console.log(`${trainSize} train images, ${testSize} test images, 784-${hiddenSizeList.join('-')}-10 ReLU/He, ` +
  `SGD lr ${lr}, batch ${batchSize}, ${epochs} epochs, seed ${seed}`);
const f = (v: number) => v.toFixed(4);
console.log('epoch  plain train  plain test  plain gap  dropout train  dropout test  dropout gap');
const step = epochs > 50 ? 25 : 5;
for (let e = 0; e < epochs; e++) {
  if (e % step !== 0 && e !== epochs - 1) continue;
  console.log(`${String(e).padStart(5)}  ${f(plain.trainAcc[e]).padStart(11)}  ${f(plain.testAcc[e]).padStart(10)}  ` +
    `${f(plain.trainAcc[e] - plain.testAcc[e]).padStart(9)}  ${f(dropped.trainAcc[e]).padStart(13)}  ` +
    `${f(dropped.testAcc[e]).padStart(12)}  ${f(dropped.trainAcc[e] - dropped.testAcc[e]).padStart(11)}`);
}
for (const r of runs) {
  const train = r.trainAcc.at(-1)!, test = r.testAcc.at(-1)!;
  console.log(`final ${r.dropout ? `dropout=${dropoutRatio}` : 'dropout=0'}: train ${f(train)} test ${f(test)} gap ${f(train - test)} ` +
    `(best test ${f(Math.max(...r.testAcc))}; ${r.seconds.toFixed(1)} s)`);
}

const label = (r: Run) => {
  const gap = r.trainAcc.at(-1)! - r.testAcc.at(-1)!;
  return `${r.dropout ? `dropout ratio ${dropoutRatio}` : 'no dropout'}: final gap ${gap.toFixed(3)}`;
};
const points = runs.flatMap((r) => r.trainAcc.flatMap((train, epoch) => [
  { run: label(r), set: 'train (300 images)', epoch, accuracy: train },
  { run: label(r), set: `test (${testSize} images)`, epoch, accuracy: r.testAcc[epoch] },
]));
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: {
    text: `Overfitting on ${trainSize} MNIST images, and dropout`,
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
const files = await savePlot(spec, 'overfit_dropout', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
