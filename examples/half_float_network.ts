// The book's ch08/half_float_network.py: a trained DeepConvNet-class network's test accuracy with
// its weights (and the test images) in float32, then in float16 — the same accuracy in half the
// bytes. The network is the record's (output/mnist_record_1.safetensors, from npm run mnist_record)
// or train_deepnet's (output/deep_convnet.safetensors) when one exists, else a DeepConvNet trained
// here for --epochs. The float16 copy goes through a real float16 file.
//   node out/examples/half_float_network.js [--model FILE] [--epochs 3] [--train-size 60000] [--test-size 10000] [--out output]
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DeepConvNet, deserialize, init, loadMnist, loadModel, loadParams, saveModel, serialize, tensor, Trainer, type Network, type Tensor,
} from 'scratchnet';
import { mnistSizeOptions, mnistSizes, positiveIntegerOption } from './cli.js';

const { values } = parseArgs({ options: { model: { type: 'string' }, epochs: { type: 'string', default: '3' }, out: { type: 'string', default: 'output' }, ...mnistSizeOptions } });
const epochs = positiveIntegerOption('--epochs', values.epochs);
const { trainSize, testSize } = mnistSizes(values);
await init();
const { xTrain, tTrain, xTest, tTest } = await loadMnist({ flatten: false, trainSize, testSize });
mkdirSync(values.out!, { recursive: true });

// The network to measure, and where it came from.
async function trainedNetwork(): Promise<[Network, string]> {
  const record = join(values.out!, 'mnist_record_1.safetensors'), deep = join(values.out!, 'deep_convnet.safetensors');
  if (values.model) return [await loadModel(values.model), values.model];
  if (existsSync(record)) return [await loadModel(record), record];
  const net = new DeepConvNet({ seed: 0 });
  if (existsSync(deep)) {
    await loadParams(net, deep);
    return [net, deep];
  }
  console.log(`no trained network in ${values.out}: training a DeepConvNet for ${epochs} epoch(s) on ${trainSize} images first`);
  await new Trainer(net, xTrain, tTrain, xTest, tTest, { epochs, miniBatchSize: 100, optimizer: 'Adam', optimizerParam: { lr: 0.001 }, evaluateSampleNumPerEpoch: 1000, seed: 1 }).train();
  return [net, `a DeepConvNet trained here for ${epochs} epoch(s)`];
}

// The images rounded to float16, as the book's x_test.astype(np.float16) (through an F16 safetensors copy).
function asFloat16(x: Tensor): Tensor {
  const { arrays } = deserialize(serialize({ x: { shape: [...x.shape], data: x.data } }, {}, { dtype: 'F16' }));
  return tensor(arrays.x.data, arrays.x.shape);
}

const [network, source] = await trainedNetwork();
const full = join(values.out!, 'half_float_network.float32.safetensors'), half = join(values.out!, 'half_float_network.float16.safetensors');
await saveModel(network, full);
await saveModel(network, half, { dtype: 'float16' });
console.log(`network: ${source}`);
console.log(`calculate accuracy (float32) ... ${network.accuracy(xTest, tTest).toFixed(4)}  (${statSync(full).size} bytes)`);
const halfNetwork = await loadModel(half);
const xHalf = asFloat16(xTest);
console.log(`calculate accuracy (float16) ... ${halfNetwork.accuracy(xHalf, tTest).toFixed(4)}  (${statSync(half).size} bytes)`);
for (const d of [network, halfNetwork, xHalf]) d.dispose();
