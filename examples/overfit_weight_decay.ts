// The book's overfit_weight_decay.py (chapter 6.4.2): a deep network (784-[100]×6-10, ReLU, He
// init) trained on only 300 MNIST images overfits — train accuracy runs to 1 while test accuracy
// stalls — and an L2 penalty 0.5·λ·ΣW² (λ = 0.1) narrows that gap. SGD lr 0.01, batches of 100,
// 201 epochs of 3 iterations; train accuracy on the 300 images and test accuracy on all 10 000
// test images after each epoch's first update, as the book records them. Runs λ = 0 and λ = 0.1
// from the same initial weights and the same batches, prints both curves and the final gaps, and
// draws them side by side.
//   node out/examples/overfit_weight_decay.js [--lambda X] [--seed N] [--out DIR] [--quick]
import { init, MultiLayerNet } from 'scratchnet';
import { parseExperimentArgs } from './cli.js';
import { hiddenSizeList, loadOverfittingData, type OverfittingRun, overfittingChart, printAccuracyTable, printSetup, trainRecordingAccuracies } from './overfitting.js';
import { saveFigure } from './plot.js';

const { values, seed } = parseExperimentArgs({ lambda: { type: 'string', default: '0.1' } });
const lambda = Number(values.lambda);
if (!(lambda > 0) || !Number.isFinite(lambda)) throw new Error(`--lambda must be a positive number, got ${values.lambda}`);
// --quick: 40 epochs (and 2 000 test images), for the test suite: enough for the overfitting to show
const epochs = values.quick ? 40 : 201;

await init();
const data = await loadOverfittingData(values.quick);
const testSize = data.xTest.shape[0];

async function run(weightDecayLambda: number, legend: string): Promise<OverfittingRun> {
  // The same seed for both runs: the same initial weights and the same mini-batches, so the
  // penalty is the only difference.
  const network = new MultiLayerNet({ inputSize: 784, hiddenSizeList, outputSize: 10, activation: 'relu', weightInitStd: 'relu', weightDecayLambda, seed });
  return { key: `lambda=${weightDecayLambda}`, legend, ...await trainRecordingAccuracies(network, data, epochs, seed) };
}

const runs = [await run(0, 'no weight decay (λ = 0)'), await run(lambda, `weight decay λ = ${lambda}`)];

printSetup(testSize, epochs, seed);
// NOTE: the λ columns are printed one character wider than their headers, as they always were
const L = String(lambda).length;
printAccuracyTable(runs, epochs > 50 ? 20 : 5,
  ['λ=0 train', 'λ=0 test', 'λ=0 gap', `λ=${lambda} train`, `λ=${lambda} test`, `λ=${lambda} gap`], [9, 8, 7, 9 + L, 8 + L, 7 + L]);

const files = await saveFigure(overfittingChart(runs, 'weight decay', testSize, seed), 'overfit_weight_decay', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
