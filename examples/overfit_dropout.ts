// The book's overfit_dropout.py (chapter 6.4.3): the overfitting network of overfit_weight_decay
// (784-[100]×6-10, ReLU, He init, 300 MNIST training images) as a MultiLayerNetExtend with
// dropout (ratio 0.2) after every hidden activation, trained by the Trainer for 301 epochs (SGD
// lr 0.01, batches of 100) with train accuracy on the 300 images and test accuracy on all 10 000
// test images each epoch. Also trains the same network without dropout, from the same initial
// weights and on the same batches, prints both curves and the final gaps, and draws them side by
// side.
//   node out/examples/overfit_dropout.js [--ratio R] [--seed N] [--out DIR] [--quick]
import { init, MultiLayerNetExtend } from 'scratchnet';
import { parseExperimentArgs } from './cli.js';
import { hiddenSizeList, loadOverfittingData, overfittingChart, printAccuracyTable, printSetup, trainRecordingAccuracies } from './overfitting.js';
import { saveFigure } from './plot.js';

const { values, seed } = parseExperimentArgs({ ratio: { type: 'string', default: '0.2' } });
const dropoutRatio = Number(values.ratio);
if (!(dropoutRatio > 0 && dropoutRatio < 1)) throw new Error(`--ratio must be a number in (0, 1), got ${values.ratio}`);
// --quick: 40 epochs (and 2 000 test images), for the test suite: enough for the overfitting to show
const epochs = values.quick ? 40 : 301;

await init();
const data = await loadOverfittingData(values.quick);
const testSize = data.xTest.shape[0];

const makeNet = (useDropout: boolean) => new MultiLayerNetExtend({
  inputSize: 784, hiddenSizeList, outputSize: 10, activation: 'relu', weightInitStd: 'relu', useDropout, dropoutRatio, seed,
});
const withDropout = makeNet(true), without = makeNet(false);
// NOTE: the constructor draws each Dropout layer's seed from the same generator as the weights,
// so the same seed gives different weights from W2 on with and without dropout; copying them
// makes the two runs start from the same point.
for (const [name, p] of Object.entries(withDropout.params)) without.params[name].data.set(p.data);

const runs = [
  { key: 'dropout=0', legend: 'no dropout', ...await trainRecordingAccuracies(without, data, epochs, seed) },
  { key: `dropout=${dropoutRatio}`, legend: `dropout ratio ${dropoutRatio}`, ...await trainRecordingAccuracies(withDropout, data, epochs, seed) },
];

printSetup(testSize, epochs, seed);
printAccuracyTable(runs, epochs > 50 ? 25 : 5, ['plain train', 'plain test', 'plain gap', 'dropout train', 'dropout test', 'dropout gap']);

const files = await saveFigure(overfittingChart(runs, 'dropout', testSize, seed), 'overfit_dropout', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
