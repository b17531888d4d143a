// The book's train_deepnet.py: DeepConvNet on MNIST with Adam (lr 0.001), batch 100, 20 epochs.
// Saves the parameters and Adam's state after every epoch, with the number of epochs done, and
// resumes from that file when run again, continuing with the same moments.
//   node out/examples/train_deepnet.js [--epochs 20] [--params output/deep_convnet.safetensors] [--fresh]
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Adam, DeepConvNet, init, loadMnist, loadParams, saveParams, Trainer } from 'scratchnet';
import { mnistSizeOptions, mnistSizes, positiveIntegerOption } from './cli.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '20' },
    params: { type: 'string', default: 'output/deep_convnet.safetensors' },
    fresh: { type: 'boolean', default: false },
    ...mnistSizeOptions,
    seed: { type: 'string', default: '0' },
  },
});
const epochs = positiveIntegerOption('--epochs', values.epochs), seed = Number(values.seed);
const { trainSize, testSize } = mnistSizes(values);

await init();
const { xTrain, tTrain, xTest, tTest } = await loadMnist({ flatten: false, trainSize, testSize });
const network = new DeepConvNet({ seed });
const adam = new Adam({ lr: 0.001 });
mkdirSync(dirname(values.params!), { recursive: true });

let done = 0;
if (!values.fresh && existsSync(values.params!)) {
  const meta = await loadParams(network, values.params!, adam);
  done = Number(meta.epochs ?? 0);
  console.log(`resuming from ${values.params} after ${done} epochs`);
}
if (done >= epochs) {
  console.log(`already trained for ${done} epochs; test accuracy ${network.accuracy(xTest, tTest).toFixed(4)}`);
  process.exit(0);
}

let epochStart = performance.now();
const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest, {
  epochs: epochs - done, miniBatchSize: 100, optimizer: adam, evaluateSampleNumPerEpoch: 1000,
  seed: seed + 1 + done,
  onEpochEnd: async ({ epoch, testAcc }) => {
    const seconds = (performance.now() - epochStart) / 1000;
    await saveParams(network, values.params!, { epochs: String(done + epoch) }, adam);
    console.log(`epoch ${done + epoch}/${epochs}: ${seconds.toFixed(0)} s, test acc (1 000 images) ` +
      `${testAcc!.toFixed(4)} at its start; saved ${values.params}`);
    epochStart = performance.now();
  },
});
const result = await trainer.train();
console.log(`DeepConvNet after ${epochs} epochs: test accuracy ${result.testAcc!.toFixed(4)}`);
