// The book's train_deepnet.py: DeepConvNet on MNIST with Adam (lr 0.001), batch 100, 20 epochs.
// Saves the parameters after every epoch, with the number of epochs done, and resumes from that
// file when run again (the optimizer's moments start afresh on resume).
//   node out/examples/train_deepnet.js [--epochs 20] [--params output/deep_convnet.safetensors] [--fresh]
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DeepConvNet, init, loadMnist, loadParams, saveParams, tensor, Trainer } from 'scratchnet';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '20' },
    params: { type: 'string', default: 'output/deep_convnet.safetensors' },
    fresh: { type: 'boolean', default: false },
    'train-size': { type: 'string', default: '60000' },
    'test-size': { type: 'string', default: '10000' },
    seed: { type: 'string', default: '0' },
  },
});
const epochs = Number(values.epochs), trainSize = Number(values['train-size']), seed = Number(values.seed);
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a positive integer, got ${values.epochs}`);
if (!Number.isInteger(trainSize) || trainSize < 100 || trainSize > 60000) throw new Error(`--train-size must be in [100, 60000], got ${values['train-size']}`);

await init();
const mnist = await loadMnist({ flatten: false });
const xTrain = trainSize === 60000 ? mnist.xTrain : tensor(mnist.xTrain.data.subarray(0, trainSize * 784), [trainSize, 1, 28, 28]);
const tTrain = trainSize === 60000 ? mnist.tTrain : tensor(mnist.tTrain.data.subarray(0, trainSize), [trainSize]);
const testSize = Number(values['test-size']);
if (!Number.isInteger(testSize) || testSize < 1 || testSize > 10000) throw new Error(`--test-size must be in [1, 10000], got ${values['test-size']}`);
const xTest = testSize === 10000 ? mnist.xTest : tensor(mnist.xTest.data.subarray(0, testSize * 784), [testSize, 1, 28, 28]);
const tTest = testSize === 10000 ? mnist.tTest : tensor(mnist.tTest.data.subarray(0, testSize), [testSize]);
const network = new DeepConvNet({ seed });
mkdirSync(dirname(values.params!), { recursive: true });

let done = 0;
if (!values.fresh && existsSync(values.params!)) {
  const meta = await loadParams(network, values.params!);
  done = Number(meta.epochs ?? 0);
  console.log(`resuming from ${values.params} after ${done} epochs`);
}
if (done >= epochs) {
  console.log(`already trained for ${done} epochs; test accuracy ${network.accuracy(xTest, tTest).toFixed(4)}`);
  process.exit(0);
}

let epochStart = performance.now();
const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest, {
  epochs: epochs - done, miniBatchSize: 100, optimizer: 'Adam', optimizerParam: { lr: 0.001 }, evaluateSampleNumPerEpoch: 1000,
  seed: seed + 1 + done,
  onEpochEnd: async (epoch, result) => {
    const seconds = (performance.now() - epochStart) / 1000;
    await saveParams(network, values.params!, { epochs: String(done + epoch + 1) });
    console.log(`epoch ${done + epoch + 1}/${epochs}: ${seconds.toFixed(0)} s, test acc (1 000 images) ` +
      `${result.testAccList[epoch].toFixed(4)} at its start; saved ${values.params}`);
    epochStart = performance.now();
  },
});
const result = await trainer.train();
console.log(`DeepConvNet after ${epochs} epochs: test accuracy ${result.testAcc.toFixed(4)}`);
