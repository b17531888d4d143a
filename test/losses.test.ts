// MeanSquaredError and SigmoidWithLoss: losses and gradients against float64 references written
// here, backward against numerical gradients, labels against their one-hot/column forms, extreme
// logits, the loss kernels on both backends, and target checks.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { init, MeanSquaredError, numericalGradient, setBackend, SigmoidWithLoss, tensor } from '../src/index.js';
import { backendKernels } from '../src/backend/runtime.js';
import { guardedMemory } from './guarded-memory.js';
import { expectClose, MISALIGNMENTS, randomValues, rng } from './helpers.js';

await init();
afterAll(() => setBackend('wasm'));

const { input, release } = guardedMemory();
afterEach(release);

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const randomLabels = (n: number, classes: number) => Float32Array.from({ length: n }, () => rng.int(classes));
const oneHot = (labels: ArrayLike<number>, classes: number) => {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return out;
};

// float64 references: the loss (mean over the batch) and d(loss)/dx
function mseRef(x: ArrayLike<number>, t: ArrayLike<number>, n: number) {
  let sum = 0;
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    sum += 0.5 * (x[i] - t[i]) ** 2;
    dx[i] = (x[i] - t[i]) / n;
  }
  return { loss: sum / n, dx };
}
// the textbook formula on σ(x), fine for moderate logits
function bceRef(x: ArrayLike<number>, t: ArrayLike<number>, n: number) {
  let sum = 0;
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const y = sigmoid(x[i]);
    sum -= t[i] * Math.log(y) + (1 - t[i]) * Math.log(1 - y);
    dx[i] = (y - t[i]) / n;
  }
  return { loss: sum / n, dx };
}

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  test.each([[1, 1], [3, 5], [17, 3], [8, 63]])('MeanSquaredError (%i, %i): 0.5·Σ(y − t)² / N and (y − t)·dout / N; labels = one-hot (C > 1), (N) = the column (C = 1)', (n, c) => {
    const x = randomValues(n * c, -2, 2), t = randomValues(n * c);
    const layer = new MeanSquaredError();
    const ref = mseRef(x, t, n);
    expect(layer.forward(tensor(x, [n, c]), tensor(t, [n, c]))).toBeCloseTo(ref.loss, 5);
    expect(Array.from(layer.y!.data)).toEqual(Array.from(x)); // the identity output
    expectClose(layer.backward().data, ref.dx, 1e-6, 1e-7, 'dx');
    expectClose(layer.backward(2.5).data, ref.dx.map((v) => 2.5 * v), 1e-6, 1e-7, 'dx · 2.5');
    if (c === 1) {
      // one unit: (N) targets are the column's values, not labels
      expect(layer.forward(tensor(x, [n, c]), tensor(t, [n]))).toBeCloseTo(ref.loss, 5);
      expectClose(layer.backward().data, ref.dx, 1e-6, 1e-7, 'dx from (N) targets');
      return;
    }
    const labels = randomLabels(n, c), hot = oneHot(labels, c);
    const fromLabels = layer.forward(tensor(x, [n, c]), tensor(labels, [n]));
    const dxLabels = layer.backward().toArray();
    expect(fromLabels).toBeCloseTo(mseRef(x, hot, n).loss, 5);
    expect(layer.forward(tensor(x, [n, c]), tensor(hot, [n, c]))).toBe(fromLabels);
    // the labels kernel scales y and then subtracts: the same values to a rounding
    expectClose(layer.backward().data, dxLabels, 1e-6, 1e-7, 'dx from labels');
  });

  test.each([[1, 1], [3, 5], [17, 3], [8, 63]])('SigmoidWithLoss (%i, %i): binary cross-entropy summed over units, mean over the batch; (σ(x) − t)·dout / N', (n, c) => {
    const x = randomValues(n * c, -4, 4), t = randomValues(n * c, 0, 1);
    const layer = new SigmoidWithLoss();
    const ref = bceRef(x, t, n);
    expect(layer.forward(tensor(x, [n, c]), tensor(t, [n, c]))).toBeCloseTo(ref.loss, 5);
    expectClose(layer.y!.data, Array.from(x, sigmoid), 1e-6, 1e-7, 'y = σ(x)');
    expectClose(layer.backward().data, ref.dx, 1e-5, 1e-7, 'dx');
    expectClose(layer.backward(-3).data, ref.dx.map((v) => -3 * v), 1e-5, 1e-7, 'dx · −3');
  });

  test('SigmoidWithLoss: one unit with labels (N) = the (N, 1) column', () => {
    const n = 9, x = randomValues(n, -3, 3), labels = Float32Array.from({ length: n }, (_, i) => i % 2);
    const layer = new SigmoidWithLoss();
    const a = layer.forward(tensor(x, [n, 1]), tensor(labels, [n]));
    const da = layer.backward().toArray();
    expect(a).toBeCloseTo(bceRef(x, labels, n).loss, 5);
    expect(layer.forward(tensor(x, [n, 1]), tensor(labels, [n, 1]))).toBe(a);
    expect(layer.backward().toArray()).toEqual(da);
  });

  test('SigmoidWithLoss stays finite and exact at extreme logits (the logits form)', () => {
    // softplus(x) − t·x: x = −100, t = 1 → 100; x = 100, t = 0 → 100; x = ±100 on the right side → ~e^−100
    const layer = new SigmoidWithLoss();
    const loss = layer.forward(tensor([-100, 100, 100, -100], [4, 1]), tensor([1, 0, 1, 0], [4]));
    expect(loss).toBeCloseTo((100 + 100) / 4, 10);
    expectClose(layer.backward().data, [-0.25, 0.25, 0, 0], 0, 1e-30, 'dx'); // σ(−100)/4 ≈ 1e-44
  });

  test.each(['mse', 'sigmoid'] as const)('%s backward matches numerical gradients', (which) => {
    const n = 4, c = 3;
    const x = tensor(randomValues(n * c, -2, 2), [n, c]);
    const t = which === 'mse' ? tensor(randomLabels(n, c), [n]) : tensor(randomValues(n * c, 0, 1), [n, c]);
    const layer = which === 'mse' ? new MeanSquaredError() : new SigmoidWithLoss();
    layer.forward(x, t);
    const dx = layer.backward().toArray();
    const numeric = numericalGradient(() => layer.forward(x, t), x).toArray();
    expectClose(dx, numeric, 1e-2, 2e-4, `${which} dx`);
  });
});

test.each([1, 3, 5, 17, 63])('loss kernels on %i floats: wasm = js (MSE exactly, the cross-entropy to 1e-14)', (n) => {
  const m = MISALIGNMENTS[n % 4];
  const y = input(randomValues(n, -30, 30), m), t = input(randomValues(n, 0, 1), m);
  const labels = input(randomLabels(1, n), m);
  const [w, j] = (['wasm', 'js'] as const).map((name) => {
    const k = backendKernels(name);
    return { mse: k.f32_mse_fwd(y, t, n), labels: k.f32_mse_labels_fwd(y, labels, 1, n), xent: k.f32_sigmoid_xent_fwd(y, t, n) };
  });
  expect(j.mse).toBe(w.mse);
  expect(j.labels).toBe(w.labels);
  expect(Math.abs(j.xent - w.xent)).toBeLessThanOrEqual(1e-14 * Math.abs(w.xent));
});

describe('bad targets are a clear error', () => {
  const x = tensor(randomValues(6), [2, 3]);
  test('MeanSquaredError', () => {
    const mse = new MeanSquaredError();
    expect(() => mse.forward(x, tensor(randomValues(4), [2, 2]))).toThrow('MeanSquaredError.forward: mean-squared-error needs targets shaped like the output, (N, 3); got (N, 2)');
    expect(() => mse.forward(x, tensor([0, 3], [2]))).toThrow('MeanSquaredError.forward: mean-squared-error needs targets shaped like the output, (N, 3); got (N) with 3 at index 1 (integer labels (N) in [0, 3) stand for one-hot rows)');
    expect(() => mse.forward(x, tensor([0, 1, 2], [3]))).toThrow('MeanSquaredError.forward: mean-squared-error needs targets shaped like the output, (N, 3); got (3) for the 2 samples of x');
    expect(() => mse.forward(x, tensor([0, 1, NaN, 0, 0, 0], [2, 3]))).toThrow('MeanSquaredError.forward: mean-squared-error needs targets shaped like the output, (N, 3); got (N, 3) with NaN at flat index 2');
    expect(() => mse.forward(tensor(randomValues(6), [6]), tensor([0], [1]))).toThrow('MeanSquaredError.forward: x must be (N, C) outputs with N, C >= 1, got (6');
    expect(() => mse.backward()).toThrow('MeanSquaredError.backward: call forward first');
    mse.forward(x, tensor([0, 1], [2]));
    expect(() => mse.backward(NaN)).toThrow('MeanSquaredError.backward: dout must be a finite number, got NaN');
  });
  test('SigmoidWithLoss', () => {
    const bce = new SigmoidWithLoss();
    expect(() => bce.forward(x, tensor([0, 1], [2]))).toThrow('SigmoidWithLoss.forward: sigmoid-cross-entropy needs targets in [0, 1] shaped like the output, (N, 3); got (N)');
    expect(() => bce.forward(x, tensor([0, 1, 0.5, 0, 1.5, 0], [2, 3]))).toThrow('SigmoidWithLoss.forward: sigmoid-cross-entropy needs targets in [0, 1] shaped like the output, (N, 3); got (N, 3) with 1.5 at flat index 4');
    expect(() => bce.forward(x, tensor([0, 1, NaN, 0, 1, 0], [2, 3]))).toThrow('SigmoidWithLoss.forward: sigmoid-cross-entropy needs targets in [0, 1] shaped like the output, (N, 3); got (N, 3) with NaN at flat index 2');
    expect(() => bce.forward(x, tensor(randomValues(3), [3, 1]))).toThrow('SigmoidWithLoss.forward: sigmoid-cross-entropy needs targets in [0, 1] shaped like the output, (N, 3); got (3, 1) for the 2 samples of x');
    const one = tensor([0.5, -1], [2, 1]);
    expect(() => bce.forward(one, tensor([0, 2], [2]))).toThrow('SigmoidWithLoss.forward: sigmoid-cross-entropy needs targets in [0, 1] shaped like the output, (N, 1), or (N); got (N) with 2 at flat index 1');
    expect(() => bce.forward(one, tensor([0, 1, 1], [3]))).toThrow('SigmoidWithLoss.forward: sigmoid-cross-entropy needs targets in [0, 1] shaped like the output, (N, 1), or (N); got (3) for the 2 samples of x');
    expect(() => bce.backward()).toThrow('SigmoidWithLoss.backward: call forward first');
  });
});

test('MeanSquaredError.backward checks labels again: one written out of range since forward would write outside dx', () => {
  setBackend('wasm');
  const layer = new MeanSquaredError();
  const t = tensor([0, 1]);
  layer.forward(tensor([0.5, 0.1, 0.2, 0.3], [2, 2]), t);
  t.data[1] = 99;
  expect(() => layer.backward()).toThrow(/^MeanSquaredError\.backward: labels must be integers in \[0, 2\), got 99 at index 1$/);
  layer.dispose();
});
