// Training in steady state allocates nothing: the allocator's live bytes and the memory size are
// the same after iteration 10 and after iteration 300; disposing networks gives their memory back.
import { describe, expect, test } from 'vitest';
import {
  Adam, createRng, init, memoryStats, MiniBatches, MultiLayerNetExtend, SGD, SimpleConvNet, tensor, TwoLayerNet, type Network, type Optimizer,
} from '../src/index.js';
import { randomValues } from './helpers.js';

await init();

function steady(make: () => Network, optimizer: Optimizer, x: ReturnType<typeof tensor>, t: ReturnType<typeof tensor>) {
  const net = make();
  const batches = new MiniBatches(x, t, 20, createRng(1));
  const step = () => optimizer.update(net.params, net.gradient(...batches.sample()));
  for (let i = 0; i < 10; i++) step();
  net.accuracy(x, t); // evaluation in between, as the Trainer does
  const after10 = memoryStats();
  for (let i = 0; i < 290; i++) step();
  net.accuracy(x, t);
  const after300 = memoryStats();
  optimizer.dispose();
  batches.dispose();
  net.dispose();
  return { after10, after300 };
}

describe('a training iteration allocates nothing once running', () => {
  test('TwoLayerNet with SGD', () => {
    const x = tensor(randomValues(200 * 20), [200, 20]), t = tensor(Array.from({ length: 200 }, (_, i) => i % 5));
    const { after10, after300 } = steady(() => new TwoLayerNet({ inputSize: 20, hiddenSize: 16, outputSize: 5, seed: 1 }), new SGD({ lr: 0.1 }), x, t);
    expect(after300).toEqual(after10);
  });

  test('MultiLayerNetExtend with batch norm, dropout and weight decay, with Adam', () => {
    const x = tensor(randomValues(200 * 20), [200, 20]), t = tensor(Array.from({ length: 200 }, (_, i) => i % 5));
    const make = () => new MultiLayerNetExtend({ inputSize: 20, hiddenSizeList: [16, 16], outputSize: 5, useBatchnorm: true, useDropout: true, weightDecayLambda: 0.01, seed: 1 });
    const { after10, after300 } = steady(make, new Adam(), x, t);
    expect(after300).toEqual(after10);
  });

  test('SimpleConvNet with Adam', () => {
    const x = tensor(randomValues(60 * 144, 0, 1), [60, 1, 12, 12]), t = tensor(Array.from({ length: 60 }, (_, i) => i % 10));
    const make = () => new SimpleConvNet({ inputDim: [1, 12, 12], convParam: { filterNum: 4, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 8, seed: 1 });
    const { after10, after300 } = steady(make, new Adam(), x, t);
    expect(after300).toEqual(after10);
  });
});

test('disposing networks returns their memory: 1 000 built and disposed in a loop do not grow it', () => {
  const x = tensor(randomValues(10 * 20), [10, 20]), t = tensor(Array.from({ length: 10 }, (_, i) => i % 5));
  const once = () => {
    const net = new MultiLayerNetExtend({ inputSize: 20, hiddenSizeList: [16], outputSize: 5, useBatchnorm: true, useDropout: true, seed: 2 });
    net.gradient(x, t);
    net.predict(x).dispose();
    net.dispose();
  };
  once();
  const before = memoryStats();
  for (let i = 0; i < 1000; i++) once();
  expect(memoryStats()).toEqual(before);
});
