// TwoLayerNet: backprop against numerical gradients, learning XOR, shared parameters, errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRng, gradientCheck, init, numericalGradient, setBackend, SGD, tensor, TwoLayerNet } from '../src/index.js';
import { randomValues } from './helpers.js';

await init();
afterAll(() => setBackend('wasm'));

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  test('backprop gradients agree with numerical gradients for every parameter', () => {
    // NOTE: weights of std 0.1 keep the hidden pre-activations away from ReLU's kink at the
    // check's step; see numericalGradient for the float32 error budget.
    const net = new TwoLayerNet({ inputSize: 12, hiddenSize: 6, outputSize: 4, weightInitStd: 0.1, seed: 3 });
    const x = tensor(randomValues(5 * 12, 0, 1), [5, 12]);
    const t = tensor([0, 3, 1, 1, 2]);
    const result = gradientCheck(net, x, t);
    expect(Object.keys(result).sort()).toEqual(['W1', 'W2', 'b1', 'b2']);
    for (const [name, r] of Object.entries(result)) {
      expect(r.relError, name).toBeLessThan(5e-3);
      expect(r.maxRelError, name).toBeLessThan(2e-2);
    }
  });

  test('learns XOR: all four cases right and the loss falls below 0.05', () => {
    const net = new TwoLayerNet({ inputSize: 2, hiddenSize: 16, outputSize: 2, weightInitStd: 1, seed: 7 });
    const x = tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
    const t = tensor([0, 1, 1, 0]);
    const optimizer = new SGD({ lr: 0.5 });
    const first = net.loss(x, t);
    for (let i = 0; i < 1000; i++) optimizer.update(net.params, net.gradient(x, t));
    expect(net.loss(x, t)).toBeLessThan(Math.min(0.05, first));
    expect(net.accuracy(x, t)).toBe(1);
  });
});

test('the same seed builds the same network; the params are the layers\' own tensors', () => {
  const a = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, seed: 11 });
  const b = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, seed: 11 });
  expect(a.params.W1.toArray()).toEqual(b.params.W1.toArray());
  expect(a.params.b1.toArray()).toEqual([0, 0, 0]);
  const x = tensor([1, 2, 3, 4], [1, 4]);
  const before = a.predict(x).toArray();
  a.params.b2.data[0] += 1; // writing the params changes what the network computes
  const after = a.predict(x).toArray();
  expect(after[0]).toBeCloseTo(before[0] + 1, 5);
  expect(after[1]).toBeCloseTo(before[1], 6);
});

test('predict returns a tensor the caller owns: disposing it does not break the network', () => {
  const net = new TwoLayerNet({ inputSize: 3, hiddenSize: 2, outputSize: 2, seed: 1 });
  const x = tensor([1, 0, 1], [1, 3]);
  const y = net.predict(x);
  const values = y.toArray();
  y.dispose();
  expect(net.predict(x).toArray()).toEqual(values);
});

test('numericalGradient restores x exactly and differentiates a known function', () => {
  const x = tensor([0.5, -1.25, 3]);
  const g = numericalGradient(() => x.data.reduce((s, v) => s + v * v * v, 0), x);
  expect(x.toArray()).toEqual([0.5, -1.25, 3]);
  const expected = [0.5, -1.25, 3].map((v) => 3 * v * v);
  g.toArray().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
});

describe('bad input is a clear error that changes nothing', () => {
  const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 3, seed: 5 });
  const x = tensor(randomValues(8), [2, 4]);

  test('x and t with different batch sizes', () => {
    const before = net.params.W1.toArray();
    expect(() => net.gradient(x, tensor([0, 1, 2]))).toThrow('TwoLayerNet.gradient: softmax-cross-entropy needs class labels (N) in [0, 3) or one-hot rows (N, 3); got (3) for the 2 samples of x');
    expect(() => net.accuracy(x, tensor([0]))).toThrow('TwoLayerNet.accuracy: softmax-cross-entropy needs class labels (N) in [0, 3) or one-hot rows (N, 3); got (1) for the 2 samples of x');
    expect(net.params.W1.toArray()).toEqual(before);
  });

  test('labels outside [0, C)', () => {
    expect(() => net.loss(x, tensor([0, 3]))).toThrow('TwoLayerNet.loss: softmax-cross-entropy needs class labels (N) in [0, 3) or one-hot rows (N, 3); got (N) with 3 at index 1');
    expect(() => net.loss(x, tensor([-1, 0]))).toThrow(/got \(N\) with -1 at index 0/);
  });

  test('the wrong feature count for W1', () => {
    expect(() => net.loss(tensor(randomValues(10), [2, 5]), tensor([0, 1]))).toThrow(
      'TwoLayerNet.loss: x must be (N, 4) with N >= 1 (4 features per sample), got (2, 5)');
    expect(() => net.predict(tensor(randomValues(3), [3]))).toThrow(/TwoLayerNet.predict: x must be \(N, 4\)/);
  });

  test('bad constructor options', () => {
    expect(() => new TwoLayerNet({ inputSize: 0, hiddenSize: 3, outputSize: 2 })).toThrow('TwoLayerNet: inputSize must be a positive integer, got 0');
    expect(() => new TwoLayerNet({ inputSize: 2, hiddenSize: 3, outputSize: 2, weightInitStd: -1 })).toThrow('TwoLayerNet: weightInitStd must be a finite number >= 0, got -1');
  });

  test('an SGD update with mismatched params and grads changes nothing', () => {
    const sgd = new SGD({ lr: 0.1 });
    const grads = net.gradient(x, tensor([0, 1]));
    const before = net.params.W1.toArray();
    expect(() => sgd.update(net.params, { ...grads, W2: grads.W1 })).toThrow('SGD.update: grads.W2 is (4, 3) but params.W2 is (3, 3)');
    const { b2: _, ...missing } = grads;
    expect(() => sgd.update(net.params, missing)).toThrow(/SGD.update: grads has no 'b2'/);
    expect(net.params.W1.toArray()).toEqual(before);
    expect(() => new SGD({ lr: -1 })).toThrow('SGD: lr must be a positive number, got -1');
  });
});

test('createRng is what seeds the networks (a different seed, different weights)', () => {
  const a = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, seed: 1 });
  const b = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, seed: 2 });
  expect(a.params.W1.toArray()).not.toEqual(b.params.W1.toArray());
  expect(createRng(1).normal()).toBeCloseTo(a.params.W1.data[0] / 0.01, 4);
});
