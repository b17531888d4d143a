// MultiLayerNet(Extend), BatchNormalization, Dropout and weight decay: gradient checks, the
// running statistics, the book's dropout semantics, and bad options.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  BatchNormalization, Dropout, gradientCheck, init, MultiLayerNet, MultiLayerNetExtend, ones, setBackend, tensor, zeros,
} from '../src/index.js';
import { expectClose, randomValues } from './helpers.js';

await init();
afterAll(() => setBackend('wasm'));

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  test('MultiLayerNetExtend with batch norm, dropout and weight decay passes the gradient check', () => {
    // NOTE: tanh keeps the function smooth, so h = 1e-3 meets no kink; the dropout mask is held
    // fixed by numericalGradient while x ± h are compared.
    const net = new MultiLayerNetExtend({
      inputSize: 6, hiddenSizeList: [5, 4], outputSize: 3, activation: 'tanh', weightInitStd: 'xavier',
      weightDecayLambda: 0.1, useBatchnorm: true, useDropout: true, dropoutRatio: 0.3, seed: 4,
    });
    expect(Object.keys(net.params)).toEqual(['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'gamma2', 'beta2', 'W3', 'b3']);
    const x = tensor(randomValues(8 * 6, -1, 1), [8, 6]);
    const t = tensor([0, 1, 2, 0, 1, 2, 1, 0]);
    const grads = Object.fromEntries(Object.entries(net.gradient(x, t)).map(([k, g]) => [k, g.toArray()]));
    for (const [name, r] of Object.entries(gradientCheck(net, x, t))) {
      if (name === 'b1' || name === 'b2') {
        // batch norm subtracts the batch mean, so the bias before it has no effect: both
        // gradients are zero up to rounding (and their relative error is meaningless)
        expect(Math.max(...grads[name].map(Math.abs)), name).toBeLessThan(1e-6);
        expect(r.meanAbsDiff, name).toBeLessThan(1e-4);
      } else {
        expect(r.relError, name).toBeLessThan(5e-3);
      }
    }
  });

  test('MultiLayerNet with ReLU and He init passes the gradient check', () => {
    const net = new MultiLayerNet({ inputSize: 5, hiddenSizeList: [7, 7], outputSize: 4, weightDecayLambda: 0.05, seed: 2 });
    const x = tensor(randomValues(6 * 5, -1, 1), [6, 5]);
    const t = tensor([0, 1, 2, 3, 1, 2]);
    // NOTE: ReLU kinks within h of a pre-activation cost a percent or so (see numericalGradient)
    for (const [name, r] of Object.entries(gradientCheck(net, x, t))) expect(r.relError, name).toBeLessThan(3e-2);
  });
});

test('weight decay adds 0.5·λ·ΣW² to the loss (biases excluded)', () => {
  const make = (lambda: number) => new MultiLayerNet({ inputSize: 3, hiddenSizeList: [4], outputSize: 2, weightDecayLambda: lambda, seed: 9 });
  const plain = make(0), decayed = make(0.2);
  decayed.params.b1.data.fill(5); // would change the penalty if biases were decayed; also changes the scores...
  plain.params.b1.data.fill(5); // ...equally for both
  const x = tensor([1, 2, 3, 0, -1, 1], [2, 3]), t = tensor([0, 1]);
  const sumW2 = ['W1', 'W2'].reduce((s, k) => s + plain.params[k].toArray().reduce((a, v) => a + v * v, 0), 0);
  expect(decayed.loss(x, t) - plain.loss(x, t)).toBeCloseTo(0.5 * 0.2 * sumW2, 5);
});

test('He and Xavier scale the initial weights by the fan-in', () => {
  const std = (a: number[]) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  const he = new MultiLayerNet({ inputSize: 400, hiddenSizeList: [300], outputSize: 10, weightInitStd: 'he', seed: 1 });
  const xavier = new MultiLayerNet({ inputSize: 400, hiddenSizeList: [300], outputSize: 10, weightInitStd: 'xavier', seed: 1 });
  // within 5%: the sample std of 3000+ draws is off by ~1.3% (one standard error) at most here
  const near = (a: number, b: number) => expect(Math.abs(a / b - 1)).toBeLessThan(0.05);
  near(std(he.params.W1.toArray()), Math.sqrt(2 / 400));
  near(std(he.params.W2.toArray()), Math.sqrt(2 / 300));
  near(std(xavier.params.W1.toArray()), Math.sqrt(1 / 400));
});

describe('BatchNormalization', () => {
  test('training normalizes each feature and moves the running statistics by 1 - momentum', () => {
    const bn = new BatchNormalization(ones([2]), zeros([2]), 0.9);
    const x = tensor([1, 10, 3, 20, 5, 60], [3, 2]);
    const y = bn.forward(x, true).toArray();
    const col0 = [y[0], y[2], y[4]], col1 = [y[1], y[3], y[5]];
    for (const col of [col0, col1]) {
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
      expect(col.reduce((a, b) => a + b * b, 0) / 3).toBeCloseTo(1, 4);
    }
    expectClose(bn.runningMean.data, [0.1 * 3, 0.1 * 30], 1e-6, 0, 'running mean');
    expectClose(bn.runningVar.data, [0.1 * (8 / 3), 0.1 * ((400 + 100 + 900) / 3)], 1e-5, 0, 'running var');
  });

  test('test mode uses the running statistics, and 4-D input normalizes per C·H·W feature', () => {
    const bn = new BatchNormalization(tensor([2, 2, 2, 2]), tensor([1, 1, 1, 1]), 0.9, tensor([1, 1, 1, 1]), tensor([4, 4, 4, 4]));
    const x = tensor([3, 5, 1, -1], [1, 1, 2, 2]);
    const y = bn.forward(x, false);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expectClose(y.data, [3, 5, 1, -1].map((v) => (2 * (v - 1)) / Math.sqrt(4 + 1e-6) + 1), 1e-6, 0, 'test mode');
    expect(() => bn.backward(tensor([1, 1, 1, 1], [1, 1, 2, 2]))).toThrow('BatchNormalization.backward: call forward(x, true) first');
    expect(() => bn.forward(tensor([1, 2, 3], [1, 3]))).toThrow(/BatchNormalization.forward: expected x of shape \(N, 4\)/);
  });
});

describe('Dropout', () => {
  test('trains with a 0/1 mask kept for backward and tests with x·(1 - ratio), the book\'s semantics', () => {
    const dropout = new Dropout(0.3, { seed: 5 });
    const x = tensor(Array.from({ length: 10000 }, () => 2), [100, 100]);
    const y = dropout.forward(x, true).toArray();
    const kept = y.filter((v) => v === 2).length / y.length;
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.02);
    const dx = dropout.backward(tensor(Array.from({ length: 10000 }, () => 3), [100, 100])).toArray();
    dx.forEach((v, i) => expect(v).toBe(y[i] === 2 ? 3 : 0));
    expect(dropout.forward(x, false).toArray().every((v) => Math.abs(v - 2 * 0.7) < 1e-6)).toBe(true);
  });

  test('the same seed draws the same masks; a new forward draws a new one', () => {
    const x = tensor(Array.from({ length: 64 }, () => 1), [8, 8]);
    const a = new Dropout(0.5, { seed: 1 }), b = new Dropout(0.5, { seed: 1 });
    const first = a.forward(x).toArray();
    expect(b.forward(x).toArray()).toEqual(first);
    expect(a.forward(x).toArray()).not.toEqual(first);
    expect(() => new Dropout(1)).toThrow('Dropout: dropoutRatio must be a number in [0, 1), got 1');
  });
});

test('bad options are clear errors', () => {
  const base = { inputSize: 4, hiddenSizeList: [3], outputSize: 2 };
  expect(() => new MultiLayerNet({ ...base, hiddenSizeList: [3, 0] })).toThrow('MultiLayerNet: hiddenSizeList must be an array of positive integers, got [3,0]');
  expect(() => new MultiLayerNet({ ...base, activation: 'softplus' as 'relu' })).toThrow(/MultiLayerNet: activation must be one of relu, sigmoid, tanh/);
  expect(() => new MultiLayerNet({ ...base, weightInitStd: 'lecun' as 'he' })).toThrow(/weightInitStd must be a number or one of 'xavier', 'sigmoid', 'he', 'relu', got "lecun"/);
  expect(() => new MultiLayerNetExtend({ ...base, useDropout: true, dropoutRatio: 1.5 })).toThrow('MultiLayerNetExtend: dropoutRatio must be a number in [0, 1), got 1.5');
  expect(() => new MultiLayerNet({ ...base, weightDecayLambda: -1 })).toThrow(/weightDecayLambda must be a finite number >= 0, got -1/);
});
