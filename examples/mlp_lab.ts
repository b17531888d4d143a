// A lab table (not from the book): what each step from softmax regression to a deeper, regularized
// MLP buys on MNIST. Six models train on all 60 000 training images for the same number of epochs
// (10; batches of 100, the same batches for every model) and are scored on the full test set:
//   784→10 with SGD (lr 0.1) and with Adam (lr 0.001), 784→256→10 with Adam (He init, then Xavier),
//   784→256→256→256→10 with Adam and Xavier, and that with dropout 0.3.
// Prints a markdown table (also written to <out>/mlp_lab.md) and draws test accuracy per model.
//   node out/examples/mlp_lab.js [--epochs N] [--seed N] [--out DIR] [--quick]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { init, loadMnist, MultiLayerNet, MultiLayerNetExtend, Trainer, type WeightInit } from 'scratchnet';
import { parseExperimentArgs, positiveIntegerOption } from './cli.js';
import { saveFigure } from './plot.js';
import { scatter } from 'scratchnet/plot';

const { values, seed } = parseExperimentArgs({ epochs: { type: 'string' } });
// --quick: 1 epoch on the first 4 000 training images (40 iterations per model), for the test suite
const epochs = positiveIntegerOption('--epochs', values.epochs, values.quick ? 1 : 10);
const trainSize = values.quick ? 4000 : 60000;
const batchSize = 100;

interface Model {
  hidden: number[];
  optimizer: 'SGD' | 'Adam';
  lr: number;
  init: WeightInit;
  dropout: number; // 0: none
}
const models: Model[] = [
  { hidden: [], optimizer: 'SGD', lr: 0.1, init: 'he', dropout: 0 },
  { hidden: [], optimizer: 'Adam', lr: 0.001, init: 'he', dropout: 0 },
  { hidden: [256], optimizer: 'Adam', lr: 0.001, init: 'he', dropout: 0 },
  { hidden: [256], optimizer: 'Adam', lr: 0.001, init: 'xavier', dropout: 0 },
  { hidden: [256, 256, 256], optimizer: 'Adam', lr: 0.001, init: 'xavier', dropout: 0 },
  { hidden: [256, 256, 256], optimizer: 'Adam', lr: 0.001, init: 'xavier', dropout: 0.3 },
];
const arch = (m: Model) => [784, ...m.hidden, 10].join('→');
const initName = (m: Model) => (m.init === 'xavier' ? 'Xavier' : 'He (default)');

await init();
const { xTrain, tTrain, xTest, tTest } = await loadMnist({ normalize: true, trainSize });

interface Row extends Model {
  testAcc: number;
  trainAcc: number;
  seconds: number;
}
const rows: Row[] = [];
console.log(`${trainSize} train images, ${xTest.shape[0]} test images, batch ${batchSize}, ${epochs} epoch${epochs > 1 ? 's' : ''}, seed ${seed}`);
for (const m of models) {
  const options = { inputSize: 784, hiddenSizeList: m.hidden, outputSize: 10, activation: 'relu' as const, weightInitStd: m.init, seed };
  const network = m.dropout > 0 ? new MultiLayerNetExtend({ ...options, useDropout: true, dropoutRatio: m.dropout }) : new MultiLayerNet(options);
  // NOTE: the per-epoch accuracies of the Trainer are not used here; 1 000 images keep them cheap
  const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest, {
    epochs, miniBatchSize: batchSize, optimizer: m.optimizer, optimizerParam: { lr: m.lr },
    evaluateSampleNumPerEpoch: 1000, verbose: false, seed: seed + 1,
  });
  try {
    const t0 = performance.now();
    const { testAcc } = await trainer.train(); // on the whole test set
    const seconds = (performance.now() - t0) / 1000;
    const trainAcc = network.accuracy(xTrain, tTrain);
    rows.push({ ...m, testAcc, trainAcc, seconds });
    console.log(`${arch(m)} ${m.optimizer} ${initName(m)}${m.dropout ? ` dropout ${m.dropout}` : ''}: ` +
      `test ${testAcc.toFixed(4)}, train ${trainAcc.toFixed(4)}, ${seconds.toFixed(1)} s`);
  } finally {
    trainer.optimizer.dispose();
    network.dispose();
  }
}

const table = [
  '| model | optimizer | init | dropout | epochs | test accuracy | train accuracy | seconds |',
  '| --- | --- | --- | --- | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${arch(r)} | ${r.optimizer} lr ${r.lr} | ${initName(r)} | ${r.dropout || '-'} | ${epochs} | ` +
    `${r.testAcc.toFixed(4)} | ${r.trainAcc.toFixed(4)} | ${r.seconds.toFixed(1)} |`),
].join('\n');
console.log();
console.log(table);

const about = `MNIST: ${trainSize} training images, all ${xTest.shape[0]} test images; ReLU hidden layers; ` +
  `batches of ${batchSize} drawn with replacement (the same batches for every model), ${epochs} epoch${epochs > 1 ? 's' : ''} ` +
  `of ${Math.floor(trainSize / batchSize)} iterations; seed ${seed}. Test accuracy on the whole test set after training, ` +
  'train accuracy on the whole training set after training (dropout off); seconds of training, including the ' +
  "Trainer's per-epoch evaluation of 1 000 + 1 000 images and the final test evaluation. Node " + process.version + '.';
await mkdir(values.out, { recursive: true });
const mdFile = join(values.out, 'mlp_lab.md');
await writeFile(mdFile, `# mlp_lab\n\n${about}\n\n${table}\n`);

const label = (r: Row) => `${arch(r)}, ${r.optimizer}, ${initName(r).replace(' (default)', '')}${r.dropout ? `, dropout ${r.dropout}` : ''}`;
// each model a point: train accuracy across, test accuracy up (the gap is the overfitting)
const chart = scatter(rows.map((r) => ({ name: label(r), x: [r.trainAcc], y: [r.testAcc] })), {
  title: `MNIST accuracy per model (${trainSize} training images, ${epochs} epoch${epochs > 1 ? 's' : ''}, seed ${seed})`,
  xLabel: 'train accuracy', yLabel: `test accuracy (${xTest.shape[0]} images)`, width: 900, height: 420, radius: 5,
});
const files = await saveFigure(chart, 'mlp_lab', values.out);
console.log(`\nwrote ${mdFile}, ${files.svg} and ${files.png}`);
