// ONNX export: every network of the book, exported and run in onnxruntime on 100 MNIST test
// images, gives the logits predict() gives (and so the same class); the layers the book's networks
// do not use (padded pooling, average pooling, LeakyRelu, Elu, batch norm on images) are checked on
// a network built for it; and what cannot be exported is a clear error.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, test } from 'vitest';
import {
  Adam, Affine, AvgPooling, BatchNormalization, Convolution, DeepConvNet, Elu, init, LeakyRelu, loadMnist, MultiLayerNet,
  MultiLayerNetExtend, Pooling, randn, saveOnnx, SimpleConvNet, Tanh, tensor, toOnnx, TwoLayerNet, createRng, Sequential, layers as L,
  type Layer, type Network, type Tensor,
} from '../src/index.js';
import { LayerNet } from '../src/networks/network.js';

await init();

// 100 test images to compare on and 1 000 training images for a few training steps
const TEST = 100, TRAIN = 1000, PIXELS = 784;
const mnist = await loadMnist();
const xTestData = mnist.xTest.data.slice(0, TEST * PIXELS);
const xTrainData = mnist.xTrain.data.slice(0, TRAIN * PIXELS);
const tTrainData = mnist.tTrain.data.slice(0, TRAIN);
for (const t of Object.values(mnist)) t.dispose();

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Images shaped for the network: (N, 784) or (N, 1, 28, 28). */
function images(data: Float32Array, n: number, sample: readonly number[]): Tensor {
  return tensor(data.subarray(0, n * PIXELS), [n, ...sample]);
}

/** A few Adam steps on batches of the training images, so running statistics and weights move. */
function train(network: LayerNet, steps: number, batch: number): void {
  const optimizer = new Adam({ lr: 0.001 });
  for (let s = 0; s < steps; s++) {
    const start = (s * batch) % TRAIN;
    const x = images(xTrainData.subarray(start * PIXELS), batch, network.inputShape);
    const t = tensor(tTrainData.subarray(start, start + batch));
    optimizer.update(network.params, network.gradient(x, t));
    x.dispose();
    t.dispose();
  }
}

async function run(model: Uint8Array | string, x: Tensor): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(model as never);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]) });
    return Object.fromEntries(Object.entries(result).map(([name, t]) => [name, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}

/** Runs the exported model on x; expects logits within 1e-4 of predict() and the same argmax for
 *  every sample. (Measured: at most 2e-6 on the book's networks, 2e-5 on the custom network's random weights.) */
async function expectSameLogits(label: string, network: Network, x: Tensor, model: Uint8Array | string = toOnnx(network)): Promise<void> {
  const expected = network.predict(x);
  const { logits } = await run(model, x);
  const [n, classes] = expected.shape;
  const want = expected.data;
  expect(logits.length).toBe(n * classes);
  let maxDiff = 0, maxAbs = 0;
  for (let i = 0; i < want.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(logits[i] - want[i]));
    maxAbs = Math.max(maxAbs, Math.abs(want[i]));
  }
  const argmax = (v: ArrayLike<number>, row: number) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (v[row * classes + c] > v[row * classes + best]) best = c;
    return best;
  };
  for (let r = 0; r < n; r++) expect(argmax(logits, r), `${label}: class of sample ${r}`).toBe(argmax(want, r));
  expect(maxDiff, `${label}: max |logit difference| (largest |logit| ${maxAbs})`).toBeLessThan(1e-4);
  expect(maxAbs, `${label}: the logits are not all tiny, so 1e-4 means something`).toBeGreaterThan(0.05);
  expected.dispose();
}

describe('the book\'s networks give the same logits in onnxruntime on 100 MNIST test images', () => {
  const flat = () => images(xTestData, TEST, [PIXELS]);
  const square = () => images(xTestData, TEST, [1, 28, 28]);

  test('TwoLayerNet, trained a little', async () => {
    const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1 });
    train(net, 20, 100);
    await expectSameLogits('TwoLayerNet', net, flat());
  });

  test.each(['sigmoid', 'relu', 'tanh', 'leakyrelu', 'elu'] as const)('MultiLayerNet with %s, trained a little', async (activation) => {
    const net = new MultiLayerNet({ inputSize: 784, hiddenSizeList: [100, 50], outputSize: 10, activation, seed: 2 });
    train(net, 20, 100);
    await expectSameLogits(`MultiLayerNet ${activation}`, net, flat());
  });

  test('MultiLayerNetExtend with batch norm and dropout: running statistics and test-time dropout scaling', async () => {
    const net = new MultiLayerNetExtend({
      inputSize: 784, hiddenSizeList: [100, 100], outputSize: 10, useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, seed: 3,
    });
    train(net, 20, 100);
    expect(Math.max(...net.buffers.runningMean1.toArray().map(Math.abs))).toBeGreaterThan(0.01);
    await expectSameLogits('MultiLayerNetExtend bn+dropout', net, flat());
  });

  test('SimpleConvNet, trained a little', async () => {
    const net = new SimpleConvNet({ weightInitStd: 'he', seed: 4 });
    train(net, 10, 50);
    await expectSameLogits('SimpleConvNet', net, square());
  });

  test('DeepConvNet (padded convolutions, final dropout scaling), after two small steps', async () => {
    const net = new DeepConvNet({ seed: 5 });
    train(net, 2, 20);
    await expectSameLogits('DeepConvNet', net, square());
  });
});

// A LayerNet built from any layers, as a subclass of the library's base class can be.
class CustomNet extends LayerNet {
  constructor(inputShape: number[], classes: number, layers: Layer[]) {
    super('CustomNet', inputShape, classes);
    for (const layer of layers) this.addLayer(layer);
  }
}

test('padded max pooling pads with zeros, average pooling counts the padding, batch norm on images is per feature', async () => {
  const rng = createRng(6);
  const positive = (shape: number[]) => tensor(randn(shape, rng).toArray().map((v) => 0.5 + Math.abs(v)), shape);
  // No activation before the pooling: windows that hold only negatives and padding give 0 here
  // and would give a negative number if the padding were -∞ as ONNX's MaxPool's.
  const net = new CustomNet([2, 8, 8], 3, [
    new Convolution(randn([4, 2, 3, 3], rng), randn([4], rng), 1, 1), // (4, 8, 8)
    new Pooling(2, 2, 2, 1), // (4, 5, 5)
    new BatchNormalization(positive([100]), randn([100], rng), 0.9, randn([100], rng), positive([100])),
    new LeakyRelu(0.1),
    new AvgPooling(3, 3, 1, 1), // (4, 5, 5)
    new Elu(0.5),
    new Affine(randn([100, 6], rng), randn([6], rng)),
    new Tanh(),
    new Affine(randn([6, 3], rng), randn([3], rng)),
  ]);
  const x = randn([20, 2, 8, 8], rng);
  await expectSameLogits('CustomNet pads', net, x);
});

test('any Sequential: maxout over channels and features, the MSE and sigmoid losses (probabilities: the sigmoid)', async () => {
  const rng = createRng(10);
  const conv = new Sequential({
    inputShape: [1, 28, 28],
    layers: [L.conv2d({ filters: 6, kernelSize: 5, stride: 2 }), L.maxout({ pieces: 3 }), L.maxPool2d({ size: 3, stride: 2 }), L.flatten(),
      L.dense({ units: 12 }), L.maxout({ pieces: 4 }), L.dense({ units: 10 })],
    loss: 'mean-squared-error', seed: 11,
  });
  await expectSameLogits('Sequential maxout + MSE', conv, images(xTestData, 10, [1, 28, 28]));
  expect(() => toOnnx(conv, { probabilities: true })).toThrow(/^toOnnx: a network trained with mean-squared-error has no probabilities/);
  const multiLabel = new Sequential({ inputShape: [5], layers: [L.dense({ units: 4 }), L.tanh(), L.dense({ units: 3 })], loss: 'sigmoid-cross-entropy', seed: 12 });
  const x = randn([7, 5], rng);
  await expectSameLogits('Sequential sigmoid', multiLabel, x);
  const { logits, probabilities } = await run(toOnnx(multiLabel, { probabilities: true }), x);
  logits.forEach((v, i) => expect(probabilities[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 6));
});

test('the probabilities output is the softmax of the logits', async () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 20, outputSize: 10, weightInitStd: 0.1, seed: 7 });
  const x = images(xTestData, 10, [PIXELS]);
  const { logits, probabilities } = await run(toOnnx(net, { probabilities: true }), x);
  for (let r = 0; r < 10; r++) {
    const row = Array.from(logits.subarray(r * 10, r * 10 + 10));
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    row.forEach((v, c) => expect(probabilities[r * 10 + c]).toBeCloseTo(Math.exp(v - max) / sum, 6));
  }
  expect(Object.keys(await run(toOnnx(net), x))).toEqual(['logits']);
});

test('saveOnnx writes a file onnxruntime loads, atomically, the same bytes as toOnnx', async () => {
  const net = new SimpleConvNet({ convParam: { filterNum: 8, filterSize: 5, pad: 2, stride: 1 }, hiddenSize: 20, weightInitStd: 'he', seed: 8 });
  const path = join(dir, 'simple.onnx');
  await saveOnnx(net, path);
  expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  expect(new Uint8Array(readFileSync(path))).toEqual(toOnnx(net));
  await expectSameLogits('SimpleConvNet pad 2 from file', net, images(xTestData, 10, [1, 28, 28]), path);
  await expect(saveOnnx(net, join(dir, 'no-such-dir', 'x.onnx'))).rejects.toThrow(/^saveOnnx: could not write .*no-such-dir/);
});

describe('what cannot be exported is a clear error', () => {
  // A layer of the user's own, which the exporter cannot know.
  class Square implements Layer {
    readonly params = {};
    readonly grads = {};
    forward(x: Tensor): Tensor {
      return tensor(x.toArray().map((v) => v * v), x.shape);
    }
    backward(dout: Tensor): Tensor {
      return dout;
    }
    dispose(): void {}
  }
  const rng = createRng(9);

  test('an unknown layer is named, with its position and what is supported', () => {
    const net = new CustomNet([4], 2, [new Affine(randn([4, 3], rng), randn([3], rng)), new Square(), new Affine(randn([3, 2], rng), randn([2], rng))]);
    expect(() => toOnnx(net)).toThrow(/^toOnnx: layer 2 \(Square\) has no ONNX export \(supported: the layers of the kinds dense, conv2d, .*\)$/);
    return expect(saveOnnx(net, join(dir, 'square.onnx'))).rejects.toThrow(/^saveOnnx: layer 2 \(Square\) has no ONNX export/);
  });

  test('a network that is not made of layers', () => {
    const fake = { params: {}, predict: () => undefined } as unknown as Network;
    expect(() => toOnnx(fake)).toThrow(/^toOnnx: expected a network made of layers \(a Sequential, or one of the book's networks built on it\), got /);
  });

  test('a diverged network (NaN weights) names the parameter', () => {
    const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, seed: 1 });
    net.params.W2.data[4] = NaN;
    expect(() => toOnnx(net)).toThrow(/^toOnnx: 'W2' must be finite, got NaN at index 4 \(a diverged network\?\)$/);
  });

  test('layers whose shapes do not chain', () => {
    const net = new CustomNet([4], 2, [new Affine(randn([4, 3], rng), randn([3], rng)), new Affine(randn([5, 2], rng), randn([2], rng))]);
    expect(() => toOnnx(net)).toThrow(/^toOnnx: layer 2 \(Affine\): W \(5, 2\) expects 5 features per sample, got \(3,\) from the layer before$/);
  });

  test('pooling padded as wide as its window', () => {
    const net = new CustomNet([1, 4, 4], 2, [new Pooling(2, 2, 2, 2), new Affine(randn([16, 2], rng), randn([2], rng))]);
    expect(() => toOnnx(net)).toThrow(/^toOnnx: layer 1 \(Pooling\): pad 2 is not smaller than the 2×2 window, which ONNX runtimes refuse for pooling$/);
  });

  test('a bad option', () => {
    const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, seed: 1 });
    expect(() => toOnnx(net, { probabilities: 'yes' as never })).toThrow(/^toOnnx: probabilities must be a boolean, got "yes"$/);
  });
});
