// functions: the book's common/functions.py and util.py on tensors, against values worked out
// here (float64 formulas or by hand), on both backends; bad input.
import { afterAll, describe, expect, test } from 'vitest';
import { createRng, functions as F, init, setBackend, tensor } from '../src/index.js';
import { expectClose, randomValues } from './helpers.js';

await init();
afterAll(() => setBackend('wasm'));

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  test('identity, stepFunction, sigmoid and relu return new tensors of x\'s shape', () => {
    setBackend(backend);
    const x = tensor([-1, 0, 0.5, 2, -0.25, 3], [2, 3]);
    const id = F.identity(x);
    expect(id.shape).toEqual([2, 3]);
    expect(id.toArray()).toEqual(x.toArray());
    id.data[0] = 9;
    expect(x.data[0]).toBe(-1); // a copy
    expect(F.stepFunction(x).toArray()).toEqual([0, 0, 1, 1, 0, 1]); // x > 0: 0 itself gives 0
    expectClose(F.sigmoid(x).data, [-1, 0, 0.5, 2, -0.25, 3].map((v) => 1 / (1 + Math.exp(-v))), 1e-6, 1e-7, 'sigmoid');
    expect(F.relu(x).toArray()).toEqual([0, 0, 0.5, 2, 0, 3]);
  });

  test('softmax over rows and over a vector, with the max subtracted (no overflow at 1000)', () => {
    setBackend(backend);
    const ref = (row: number[]) => {
      const m = Math.max(...row), e = row.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b);
      return e.map((v) => v / s);
    };
    const rows = [[0.3, 2.9, 4.0], [1000, 1000, 999]];
    const y = F.softmax(tensor(rows.flat(), [2, 3]));
    expect(y.shape).toEqual([2, 3]);
    expectClose(y.data, rows.flatMap(ref), 1e-6, 1e-7, 'rows');
    // the book's example: softmax([0.3, 2.9, 4.0]) = [0.01821127, 0.24519181, 0.73659691]
    const v = F.softmax(tensor([0.3, 2.9, 4.0], [3]));
    expect(v.shape).toEqual([3]);
    expectClose(v.data, [0.01821127, 0.24519181, 0.73659691], 1e-6, 1e-7, 'vector');
  });

  test('crossEntropyError as the book: one-hot or labels, a 1-D sample, + 1e-7, mean over the batch', () => {
    setBackend(backend);
    // the book's example: y = [0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0], t = class 2 → −log(0.6 + 1e-7) ≈ 0.510825457
    const y1 = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
    const hot = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    expect(F.crossEntropyError(tensor(y1, [10]), tensor(hot, [10]))).toBeCloseTo(-Math.log(Math.fround(0.6) + 1e-7), 7);
    expect(F.crossEntropyError(tensor(y1, [10]), tensor([2], [1]))).toBeCloseTo(0.510825457, 6);
    // class 7 has probability 0.1: 2.302584
    expect(F.crossEntropyError(tensor(y1, [10]), tensor([7], [1]))).toBeCloseTo(-Math.log(Math.fround(0.1) + 1e-7), 6);
    // a batch of two: the mean; a zero probability costs −log(1e-7) ≈ 16.118
    const y2 = tensor([0.7, 0.2, 0.1, 0, 1, 0], [2, 3]);
    const expected = (-Math.log(Math.fround(0.7) + 1e-7) - Math.log(1e-7)) / 2;
    expect(F.crossEntropyError(y2, tensor([0, 2], [2]))).toBeCloseTo(expected, 6);
    expect(F.crossEntropyError(y2, tensor([1, 0, 0, 0, 0, 1], [2, 3]))).toBeCloseTo(expected, 6);
  });

  test('meanSquaredError is the book\'s 0.5·Σ(y − t)², not divided by the batch', () => {
    setBackend(backend);
    // the book's example: 0.5·((0.1)² + (0.05)² + (0.4)² + (0.05)² + (0.1)² + (0.1)²) = 0.0975
    const y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0], t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    expect(F.meanSquaredError(tensor(y, [10]), tensor(t, [10]))).toBeCloseTo(0.0975, 7);
    // two copies of the sample as a batch: twice the loss (no mean over N)
    expect(F.meanSquaredError(tensor([...y, ...y], [2, 10]), tensor([...t, ...t], [2, 10]))).toBeCloseTo(0.195, 7);
  });

  test('shuffleDataset permutes x and t alike, as new tensors, the same way for the same seed', () => {
    setBackend(backend);
    const n = 37;
    const x = tensor(Array.from({ length: n * 2 * 3 }, (_, i) => i), [n, 2, 3]), t = tensor(Array.from({ length: n }, (_, i) => 100 + i), [n]);
    const [xs, ts] = F.shuffleDataset(x, t, createRng(5));
    expect(xs.shape).toEqual([n, 2, 3]);
    expect(ts.shape).toEqual([n]);
    const order = ts.toArray().map((v) => v - 100);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: n }, (_, i) => i));
    order.forEach((r, i) => expect(Array.from(xs.data.subarray(6 * i, 6 * i + 6))).toEqual(Array.from(x.data.subarray(6 * r, 6 * r + 6))));
    expect(F.shuffleDataset(x, t, createRng(5))[1].toArray()).toEqual(ts.toArray());
    expect(t.toArray()[0]).toBe(100); // the inputs are untouched
  });
});

test('convOutputSize floors: (4, pad 1, 3) → 4, (7, 3, stride 2) → 3, (28, 5, 3, 2) → 10, (31, 5, 3, 2) → 11, (6, 3, 2) → 2', () => {
  expect(F.convOutputSize(4, 3, 1, 1)).toBe(4);
  expect(F.convOutputSize(7, 3, 2)).toBe(3);
  expect(F.convOutputSize(28, 5, 3, 2)).toBe(10);
  expect(F.convOutputSize(31, 5, 3, 2)).toBe(11);
  expect(F.convOutputSize(6, 3, 2)).toBe(2); // ⌊3/2⌋ + 1
  expect(() => F.convOutputSize(2, 5, 1, 1)).toThrow('functions.convOutputSize: the filter (5) is larger than the padded input (4)');
  expect(() => F.convOutputSize(4, 3, 0)).toThrow('functions.convOutputSize: stride must be an integer >= 1, got 0');
});

test('smoothCurve equals the book\'s smooth_curve (values from numpy) and keeps constants and lines', () => {
  // util.smooth_curve(x) run in numpy 1.x for x[i] = (i² mod 7) + 0.1·i, i < 14
  const x = [0.0, 1.1, 4.2, 2.3, 2.4, 4.5, 1.6, 0.7, 1.8, 4.9, 3.0, 3.1, 5.2, 2.3];
  const book = [2.3967277146998796, 2.2949412435279584, 2.24858197239824, 2.232576588386372, 2.3074687174573443, 2.4695215879389028,
    2.651085220947952, 2.8648270168910437, 2.8510852209479522, 2.916722244492648, 3.1043664149557384, 3.145821270828768,
    3.293869937099972, 3.52076870677717];
  expectClose(F.smoothCurve(x), book, 1e-12, 0, 'smooth_curve');
  // np.kaiser(11, 2), from numpy: an impulse in the middle of a long curve becomes the normalized window
  const kaiser = [0.4386762798370488, 0.6113943543616491, 0.7676749968275236, 0.8921614338542881, 0.9723298008693713, 1.0,
    0.9723298008693713, 0.8921614338542881, 0.7676749968275236, 0.6113943543616491, 0.4386762798370488];
  const norm = kaiser.reduce((a, b) => a + b, 0);
  const impulse = Array(31).fill(0);
  impulse[15] = 1;
  expectClose(F.smoothCurve(impulse).slice(10, 21), kaiser.map((v) => v / norm), 1e-12, 0, 'impulse');
  expectClose(F.smoothCurve(Array(20).fill(3)), Array(20).fill(3), 1e-12, 0, 'constant');
  const line = Array.from({ length: 30 }, (_, i) => i); // symmetric window: a line is kept away from the ends
  expectClose(F.smoothCurve(line).slice(5, 25), line.slice(5, 25), 1e-12, 1e-12, 'line');
  expect(F.smoothCurve([1, 5, 2])).toEqual([1, 5, 2]); // shorter than the window: as it is
});

describe('bad input is a clear error', () => {
  test('shapes that do not match', () => {
    const y = tensor(randomValues(6, 0, 1), [2, 3]);
    expect(() => F.softmax(tensor(randomValues(8), [2, 2, 2]))).toThrow('functions.softmax: x must be a (C) vector or (N, C) rows, not empty, got (2, 2, 2)');
    expect(() => F.crossEntropyError(y, tensor([0, 3], [2]))).toThrow('functions.crossEntropyError: labels must be integers in [0, 3), got 3 at index 1');
    expect(() => F.crossEntropyError(y, tensor([0, 1, 2], [3]))).toThrow('functions.crossEntropyError: y has 2 samples but t has 3 labels');
    expect(() => F.meanSquaredError(y, tensor(randomValues(3), [3]))).toThrow('functions.meanSquaredError: t must have y\'s shape (2, 3), got (3,)');
    expect(() => F.shuffleDataset(y, tensor([1, 2, 3], [3]))).toThrow('functions.shuffleDataset: x and t must have the same number of samples on axis 0, got x (2, 3) and t (3,)');
    expect(() => F.sigmoid([1, 2] as never)).toThrow(/^functions\.sigmoid: x/);
  });
});
