// `scratchnet train`: trains one of the book's networks on MNIST with the library's Trainer
// (progress bar with ETA, train and test accuracy at every epoch) and saves it as a model file.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { init } from '../backend/runtime.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optimizers/registry.js';
import { lineChart, panels, savePlot } from '../plot/index.js';
import { Trainer } from '../training/trainer.js';
import { loadMnistSamples, TEST_SAMPLES, TRAIN_SAMPLES } from './mnist.js';
import { saveModelFile } from './model-file.js';
import { MODEL_NAMES, MODELS } from './models.js';
import { integerIn, positiveNumber } from './options.js';
import { ValueError } from '../errors.js';

interface TrainOptions {
  model: string;
  epochs?: number;
  optimizer?: Lowercase<OptimizerName>;
  lr?: number;
  batch: number;
  seed: number;
  trainSize: number;
  testSize: number;
  save?: string;
  plot?: string;
}

export function trainCommand(): Command {
  const recipes = MODEL_NAMES.map((name) => {
    const m = MODELS[name];
    return `  ${name.padEnd(12)} ${m.optimizer} lr ${m.lr}, ${m.epochs} epochs`;
  });
  return new Command('train')
    .description('train a network on MNIST and save it as a model file')
    .addOption(new Option('-m, --model <name>', 'the network').choices(MODEL_NAMES).default('two-layer'))
    .option('--epochs <n>', "passes over the training set (default: the model's recipe)", integerIn(1))
    .addOption(new Option('--optimizer <name>', "optimizer (default: the model's recipe)").choices(OPTIMIZER_NAMES))
    .option('--lr <x>', "learning rate (default: the model's recipe)", positiveNumber)
    .option('--batch <n>', 'mini-batch size', integerIn(1), 100)
    .option('--seed <n>', 'seed of the initial weights and of the mini-batch draws', integerIn(0), 0)
    .option('--train-size <n>', `train on the first n of the ${TRAIN_SAMPLES} training images`, integerIn(1, TRAIN_SAMPLES), TRAIN_SAMPLES)
    .option('--test-size <n>', `measure accuracy on the first n of the ${TEST_SAMPLES} test images`, integerIn(1, TEST_SAMPLES), TEST_SAMPLES)
    .option('-o, --save <file>', 'where to save the model (default: <model>.safetensors)')
    .option('--plot <file>', 'draw the loss and accuracy curves into a .png or .svg file')
    .addHelpText('after', `\nRecipes (the book's, chapters 5-8):\n${recipes.join('\n')}`)
    .action(train);
}

async function train(o: TrainOptions): Promise<void> {
  const model = MODELS[o.model];
  const optimizer = o.optimizer ?? model.optimizer, lr = o.lr ?? model.lr, epochs = o.epochs ?? model.epochs;
  const file = o.save ?? `${o.model}.safetensors`;
  if (o.plot !== undefined && !/\.(png|svg)$/i.test(o.plot)) throw new ValueError(`--plot: the file name must end in .png or .svg, got ${o.plot}`);
  // a save that cannot happen fails now, not after an hour of training
  for (const out of [file, o.plot]) {
    if (out === undefined) continue;
    await access(dirname(resolve(out)), constants.W_OK).catch(() => {
      throw new ValueError(`cannot save to ${out}: its folder ${dirname(resolve(out))} does not exist or is not writable`);
    });
  }
  await init();
  const options = { ...model.options, seed: o.seed };
  const network = model.create(options);
  const { xTrain, tTrain, xTest, tTest } = await loadMnistSamples({ trainSize: o.trainSize, testSize: o.testSize });
  console.log(`${o.model}: ${epochs} epoch${epochs === 1 ? '' : 's'} on ${o.trainSize} images, ${optimizer} lr ${lr}, batch ${o.batch}, seed ${o.seed}`);
  const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest, {
    epochs, miniBatchSize: o.batch, optimizer, optimizerParam: { lr }, evaluateSampleNumPerEpoch: model.evalSamples, seed: o.seed + 1,
    evaluateAt: 'epoch-end', // the accuracies of each epoch's trained network, the last one's included
  });
  const start = performance.now();
  const result = await trainer.train();
  const testAcc = result.testAcc!; // a classifier's, with test data
  const seconds = (performance.now() - start) / 1000;
  await saveModelFile(file, network, o.model, {
    training: JSON.stringify({ epochs, optimizer, lr, batch: o.batch, seed: o.seed, trainSize: o.trainSize, testSize: o.testSize, testAcc }),
  });
  console.log(`trained in ${seconds.toFixed(1)} s; test accuracy ${testAcc.toFixed(4)} on ${o.testSize} images; saved ${file}`);
  if (o.plot !== undefined) {
    // the book's figures: the loss of every mini-batch (smoothed) and the accuracies of every epoch
    const epochs = result.trainAccList.map((_, i) => i + 1);
    const chart = panels([
      lineChart({ name: 'train', y: result.trainLossList }, { smooth: true, title: `${o.model}: loss`, xLabel: 'iteration', yLabel: 'loss' }),
      lineChart([{ name: 'train', x: epochs, y: result.trainAccList }, { name: 'test', x: epochs, y: result.testAccList }],
        { markers: true, yDomain: [0, 1], title: 'accuracy', xLabel: 'epoch', yLabel: 'accuracy' }),
    ]);
    console.log(`curves: ${await savePlot(chart, o.plot)}`);
  }
}
