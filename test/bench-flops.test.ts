// bench/flops.ts counts a training step's direct FLOPs from the layer shapes: the counts issue 27's
// table gives for the book's three networks at batch 100, worked out by hand below.
import { expect, test } from 'vitest';
import { DeepConvNet, init, SimpleConvNet, TwoLayerNet } from '../src/index.js';
import { productLayers, stepFlops, type LayerSpec } from '../bench/flops.js';

await init({ threads: 1 });

const count = (net: { architecture: { inputShape: number[]; layers: object[] }; dispose(): void }) => {
  const flops = stepFlops({ inputShape: net.architecture.inputShape, layers: net.architecture.layers as LayerSpec[] }, 100);
  net.dispose();
  return flops;
};

test('TwoLayerNet 784-50-10: 16.0 M', () => {
  // forward and dW: 784·50 + 50·10 multiply-adds a sample; dx: the second layer's 50·10
  expect(count(new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 }))).toBe(2 * 100 * (2 * 39_200 + 2 * 500 + 500));
  expect(2 * 100 * (2 * 39_200 + 2 * 500 + 500)).toBe(15_980_000);
});

test('SimpleConvNet: 432.6 M', () => {
  // conv 30 × (24·24) outputs × 25 taps = 432 000; dense 4320·100 = 432 000; dense 100·10 = 1 000
  expect(count(new SimpleConvNet())).toBe(2 * 100 * (2 * 432_000 + 3 * 432_000 + 3 * 1_000));
  expect(2 * 100 * (2 * 432_000 + 3 * 432_000 + 3 * 1_000)).toBe(432_600_000);
});

test('DeepConvNet: 5.24 G (conv4 pads by 2: 16 × 16 outputs)', () => {
  const perSample = [
    16 * 28 * 28 * 9, // conv1: 1 channel in
    16 * 28 * 28 * 144, // conv2
    32 * 14 * 14 * 144, // conv3, after the first pool
    32 * 16 * 16 * 288, // conv4, pad 2
    64 * 8 * 8 * 288, // conv5, after the second pool
    64 * 8 * 8 * 576, // conv6
    64 * 4 * 4 * 50, // dense after the third pool
    50 * 10,
  ];
  const net = new DeepConvNet();
  expect(productLayers(net.architecture.inputShape, net.architecture.layers as LayerSpec[]).map((l) => l.macs)).toEqual(perSample);
  const expected = 2 * 100 * (2 * perSample[0]! + 3 * perSample.slice(1).reduce((a, b) => a + b, 0));
  expect(count(net)).toBe(expected);
  expect(expected / 1e9).toBeCloseTo(5.24, 2);
});

test('a layer it cannot count is an error, not a silent zero', () => {
  expect(() => productLayers([1, 8, 8], [{ kind: 'residual' }])).toThrow(/no count for a 'residual' layer/);
});
