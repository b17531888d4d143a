// The book's batch_norm_test.py (chapter 6.3): a six-layer ReLU network
// (784-100-100-100-100-100-10) trained with and without batch normalization on the first 1000
// MNIST training images, from 16 weight scales logspace(0, -4, 16) (the std of the Gaussian
// initial weights), by SGD (lr 0.01, batch 100) for 20 epochs of 10 iterations. Without batch
// normalization only the scales near He's (√(2/100) ≈ 0.14) learn, and scales of 0.01 and below
// stay at chance; with it nearly every scale learns, and faster. Prints each scale's final train
// accuracy with and without; draws a 4×4 grid of the train accuracy per epoch.
//   node out/examples/batch_norm_test.js [--seed N] [--out DIR] [--quick]
import { createRng, init, loadMnist, MiniBatches, MultiLayerNetExtend, type MultiLayerNetExtendOptions, SGD } from 'scratchnet';
import { parseExperimentArgs } from './cli.js';
import { saveFigure } from './plot.js';
import { lineChart, panels } from 'scratchnet/plot';

const { values, seed } = parseExperimentArgs({});

const trainSize = 1000, batchSize = 100, learningRate = 0.01;
// --quick: 5 epochs instead of 20, for the test suite: every scale, and the two sides already part
const maxEpochs = values.quick ? 5 : 20;
const iterPerEpoch = Math.max(trainSize / batchSize, 1); // 10
// np.logspace(0, -4, num=16)
const weightScales = Array.from({ length: 16 }, (_, i) => 10 ** (-4 * i / 15));

await init();
// x_train[:1000], t_train[:1000]; the test set is not used (one sample, freed at once)
const { xTrain, tTrain, xTest, tTest } = await loadMnist({ normalize: true, oneHotLabel: false, trainSize, testSize: 1 });
xTest.dispose();
tTest.dispose();

interface Result { scale: number; bn: number[]; plain: number[] }

/** The book's __train: both networks see the same mini-batches; after the update of every
 *  iteration i with i % 10 == 0 (the first one included), both are evaluated on all 1000 images,
 *  until 20 evaluations are recorded. */
function train(scale: number, index: number): Result {
  const options: MultiLayerNetExtendOptions = { inputSize: 784, hiddenSizeList: [100, 100, 100, 100, 100], outputSize: 10, activation: 'relu', weightInitStd: scale };
  // NOTE: the same seed for both networks: the same Gaussian draws, so the two differ by batch
  // normalization alone; each scale gets its own seed, as the book draws fresh weights each time
  const bnNetwork = new MultiLayerNetExtend({ ...options, useBatchnorm: true, seed: seed * 1000 + index });
  const network = new MultiLayerNetExtend({ ...options, useBatchnorm: false, seed: seed * 1000 + index });
  const optimizer = new SGD({ lr: learningRate });
  const batches = new MiniBatches(xTrain, tTrain, batchSize, createRng(seed * 1000 + 500 + index));
  const result: Result = { scale, bn: [], plain: [] };
  for (let i = 0; result.bn.length < maxEpochs; i++) {
    const [x, t] = batches.sample();
    for (const net of [bnNetwork, network]) optimizer.update(net.params, net.gradient(x, t));
    if (i % iterPerEpoch === 0) {
      result.plain.push(network.accuracy(xTrain, tTrain));
      result.bn.push(bnNetwork.accuracy(xTrain, tTrain));
    }
  }
  batches.dispose();
  optimizer.dispose();
  bnNetwork.dispose();
  network.dispose();
  return result;
}

console.log(`MultiLayerNetExtend 784-100x5-10 (ReLU) with and without batch norm, ${trainSize} training images, ` +
  `SGD lr ${learningRate}, batch ${batchSize}, ${maxEpochs} epochs of ${iterPerEpoch} iterations, seed ${seed}`);
console.log('train accuracy on the 1000 images, at the last epoch and the best of all epochs:');
console.log(' #  weight std   with BN  without BN   best BN  best w/o');
const started = performance.now();
const results = weightScales.map((scale, i) => {
  const r = train(scale, i);
  console.log(`${String(i + 1).padStart(2)}  ${scale.toExponential(3).padStart(10)}  ${r.bn[r.bn.length - 1].toFixed(3).padStart(8)}  ` +
    `${r.plain[r.plain.length - 1].toFixed(3).padStart(10)}  ${Math.max(...r.bn).toFixed(3).padStart(8)}  ${Math.max(...r.plain).toFixed(3).padStart(8)}`);
  return r;
});
const seconds = (performance.now() - started) / 1000;
console.log(`trained ${2 * weightScales.length} networks in ${seconds.toFixed(1)} s`);
xTrain.dispose();
tTrain.dispose();

// One panel per std of the initial weights (logspace(0, -4, 16)): train accuracy after each epoch
const charts = results.map(({ scale, bn, plain }) => lineChart([{ name: 'with BN', y: bn }, { name: 'without', y: plain }], {
  title: `W std ${scale.toPrecision(3)}`, xLabel: 'epochs', yDomain: [0, 1], markers: true, width: 330, height: 200,
}));
const chart = panels(charts, {
  columns: 4,
  title: `Batch normalization against the initial weight scale (784-100×5-10, ${trainSize} images, SGD lr ${learningRate}, seed ${seed})`,
});
const files = await saveFigure(chart, 'batch_norm_test', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
