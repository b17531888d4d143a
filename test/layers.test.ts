// Layers against float64 references written here, numerical-gradient checks of the layer with
// parameters, and the errors for bad input. Every test runs on both backends.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AddLayer, Affine, Elu, init, LeakyRelu, MulLayer, numericalGradient, Relu, setBackend, Sigmoid,
  SoftmaxWithLoss, Tanh, tensor, type Tensor,
} from '../src/index.js';
import { expectClose, randomValues, rng } from './helpers.js';

beforeAll(() => init());
afterAll(() => setBackend('wasm'));

test("MulLayer and AddLayer reproduce the book's apple-and-orange graph", () => {
  const mulApple = new MulLayer(), mulOrange = new MulLayer(), add = new AddLayer(), mulTax = new MulLayer();
  const price = mulTax.forward(add.forward(mulApple.forward(100, 2), mulOrange.forward(150, 3)), 1.1);
  expect(price).toBeCloseTo(715, 10);
  const [dAllPrice, dTax] = mulTax.backward(1);
  const [dApplePrice, dOrangePrice] = add.backward(dAllPrice);
  const [dOrange, dOrangeNum] = mulOrange.backward(dOrangePrice);
  const [dApple, dAppleNum] = mulApple.backward(dApplePrice);
  expect([dApple, dAppleNum, dOrange, dOrangeNum, dTax].map((v) => +v.toFixed(6))).toEqual([2.2, 110, 3.3, 165, 650]);
});

const ALPHA = 0.2;
const ACTIVATIONS = [
  { name: 'Relu', make: () => new Relu(), f: (x: number) => Math.max(x, 0), df: (x: number) => (x > 0 ? 1 : 0) },
  { name: 'Sigmoid', make: () => new Sigmoid(), f: (x: number) => 1 / (1 + Math.exp(-x)), df: (x: number) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2 },
  { name: 'Tanh', make: () => new Tanh(), f: Math.tanh, df: (x: number) => 1 / Math.cosh(x) ** 2 },
  { name: 'LeakyRelu', make: () => new LeakyRelu(ALPHA), f: (x: number) => (x > 0 ? x : ALPHA * x), df: (x: number) => (x > 0 ? 1 : ALPHA) },
  { name: 'Elu', make: () => new Elu(ALPHA), f: (x: number) => (x > 0 ? x : ALPHA * Math.expm1(x)), df: (x: number) => (x > 0 ? 1 : ALPHA * Math.exp(x)) },
];

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  describe.each(ACTIVATIONS)('$name', ({ name, make, f, df }) => {
    test('forward and backward match the float64 function and derivative; dout is not modified', () => {
      const layer = make();
      const xv = randomValues(5 * 7, -4, 4);
      xv[0] = 0; // ReLU'(0) = 0 (and LeakyRelu's is alpha)
      const x = tensor(xv, [5, 7]);
      const y = layer.forward(x);
      expect(y.shape).toEqual([5, 7]);
      expectClose(y.data, Array.from(xv, f), 4e-6, 4e-7, `${name} forward`);
      const gv = randomValues(35, -1, 1);
      const dout = tensor(gv, [5, 7]);
      const dx = layer.backward(dout);
      expectClose(dx.data, Array.from(xv, (v, i) => gv[i] * df(v)), 2e-5, 1e-6, `${name} backward`);
      expect(Array.from(dout.data)).toEqual(Array.from(gv));
    });

    test('backward before forward, and a dout of the wrong shape, are errors', () => {
      const layer = make();
      expect(() => layer.backward(tensor([1], [1, 1]))).toThrow(`${name}.backward: call forward first`);
      layer.forward(tensor([1, 2, 3, 4], [2, 2]));
      expect(() => layer.backward(tensor([1, 2], [1, 2]))).toThrow(`${name}.backward: dout must have the forward output's shape (2, 2), got (1, 2)`);
    });
  });

  describe('Affine', () => {
    // float64 references
    const matmul = (a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number) =>
      Array.from({ length: m * n }, (_, i) => {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[Math.floor(i / n) * k + p] * b[p * n + (i % n)];
        return s;
      });
    const transpose = (a: ArrayLike<number>, rows: number, cols: number) =>
      Array.from({ length: rows * cols }, (_, i) => a[(i % rows) * cols + Math.floor(i / rows)]);

    test('forward is x·W + b and backward gives dx = dout·Wᵀ, dW = xᵀ·dout, db = Σ dout, for a 4-D input', () => {
      const [n, inputs, outputs] = [3, 12, 5];
      const xv = randomValues(n * inputs), wv = randomValues(inputs * outputs), bv = randomValues(outputs);
      const layer = new Affine(tensor(wv, [inputs, outputs]), tensor(bv, [outputs]));
      const x = tensor(xv, [n, 2, 3, 2]);
      const out = layer.forward(x);
      expect(out.shape).toEqual([n, outputs]);
      const xw = matmul(xv, wv, n, inputs, outputs);
      expectClose(out.data, xw.map((v, i) => v + bv[i % outputs]), 1e-5, 1e-6, 'Affine forward');
      const gv = randomValues(n * outputs);
      const dx = layer.backward(tensor(gv, [n, outputs]));
      expect(dx.shape).toEqual([n, 2, 3, 2]);
      expectClose(dx.data, matmul(gv, transpose(wv, inputs, outputs), n, outputs, inputs), 1e-5, 1e-6, 'dx');
      expectClose(layer.dW.data, matmul(transpose(xv, n, inputs), gv, inputs, n, outputs), 1e-5, 1e-6, 'dW');
      expectClose(layer.db.data, Array.from({ length: outputs }, (_, j) => gv[j] + gv[outputs + j] + gv[2 * outputs + j]), 1e-6, 1e-7, 'db');
      expect(layer.grads.W).toBe(layer.dW);
    });

    test('dW and db agree with numerical gradients of a scalar function of the output', () => {
      const [n, inputs, outputs] = [4, 6, 3];
      const layer = new Affine(tensor(randomValues(inputs * outputs), [inputs, outputs]), tensor(randomValues(outputs), [outputs]));
      const x = tensor(randomValues(n * inputs), [n, inputs]);
      const r = randomValues(n * outputs); // f = Σ out ⊙ r, so df/dout = r
      const f = () => layer.forward(x).data.reduce((s, v, i) => s + v * r[i], 0);
      layer.forward(x);
      layer.backward(tensor(r, [n, outputs]));
      expectClose(layer.dW.data, numericalGradient(f, layer.W, 1e-2).data, 1e-3, 1e-4, 'dW numeric');
      expectClose(layer.db.data, numericalGradient(f, layer.b, 1e-2).data, 1e-3, 1e-4, 'db numeric');
    });

    test('bad shapes are errors naming the layer, the expected and the actual shape', () => {
      const w = tensor(randomValues(12), [4, 3]);
      expect(() => new Affine(w, tensor([1, 2], [2]))).toThrow('Affine: b must be (3,) to match W (4, 3), got (2,)');
      expect(() => new Affine(tensor([1, 2, 3], [3]), tensor([1], [1]))).toThrow('Affine: W must be 2-D (in, out), got (3,)');
      const layer = new Affine(w, tensor([0, 0, 0], [3]));
      expect(() => layer.forward(tensor(randomValues(10), [2, 5]))).toThrow(
        'Affine.forward: expected x of shape (N, 4) or (N, ...) with 4 features per sample and N >= 1 (W is (4, 3)), got (2, 5)');
      expect(() => layer.forward(tensor([], [0, 4]))).toThrow(/N >= 1/);
      expect(() => layer.backward(tensor([1, 2, 3], [1, 3]))).toThrow('Affine.backward: call forward first');
      layer.forward(tensor(randomValues(8), [2, 4]));
      expect(() => layer.backward(tensor(randomValues(4), [2, 2]))).toThrow('Affine.backward: dout must be (2, 3), got (2, 2)');
    });
  });

  describe('SoftmaxWithLoss', () => {
    const softmax = (row: number[]) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };

    test('loss is the mean of -log(y[t] + 1e-7), the same for labels and one-hot; backward is (y - t)/N', () => {
      const [n, c] = [4, 5];
      const xv = randomValues(n * c, -3, 3);
      const labels = [0, 4, 2, 2];
      const onehot = labels.flatMap((l) => Array.from({ length: c }, (_, j) => (j === l ? 1 : 0)));
      const y = labels.map((_, r) => softmax(Array.from(xv.subarray(r * c, (r + 1) * c))));
      const expected = -labels.reduce((s, l, r) => s + Math.log(y[r][l] + 1e-7), 0) / n;
      const x = tensor(xv, [n, c]);
      const a = new SoftmaxWithLoss(), b = new SoftmaxWithLoss();
      expect(a.forward(x, tensor(labels))).toBeCloseTo(expected, 5);
      expect(b.forward(x, tensor(onehot, [n, c]))).toBeCloseTo(expected, 5);
      const grad = y.flat().map((v, i) => (v - onehot[i]) / n);
      expectClose(a.backward().data, grad, 1e-5, 1e-7, 'labels');
      expectClose(b.backward().data, grad, 1e-5, 1e-7, 'one-hot');
      expectClose(a.backward(2).data, grad.map((v) => 2 * v), 1e-5, 1e-7, 'dout = 2');
    });

    test('stays finite for logits of 1000', () => {
      const layer = new SoftmaxWithLoss();
      const loss = layer.forward(tensor([1000, 0, -1000, 1000], [2, 2]), tensor([1, 1]));
      expect(loss).toBeCloseTo((-Math.log(1e-7) + -Math.log(1 + 1e-7)) / 2, 4);
      expect(layer.backward().toArray().every(Number.isFinite)).toBe(true);
    });

    test('labels out of range, mismatched batches and bad shapes are errors', () => {
      const layer = new SoftmaxWithLoss();
      const x = tensor(randomValues(6), [2, 3]);
      expect(() => layer.forward(x, tensor([0, 3]))).toThrow('SoftmaxWithLoss.forward: softmax-cross-entropy needs class labels (N) in [0, 3) or one-hot rows (N, 3); got (N) with 3 at index 1');
      expect(() => layer.forward(x, tensor([0, 1.5]))).toThrow(/got \(N\) with 1.5 at index 1/);
      expect(() => layer.forward(x, tensor([0, 1, 2]))).toThrow('SoftmaxWithLoss.forward: softmax-cross-entropy needs class labels (N) in [0, 3) or one-hot rows (N, 3); got (3) for the 2 samples of x');
      expect(() => layer.forward(x, tensor(randomValues(8), [2, 4]))).toThrow('SoftmaxWithLoss.forward: softmax-cross-entropy needs class labels (N) in [0, 3) or one-hot rows (N, 3); got (N, 4)');
      expect(() => layer.forward(tensor([1, 2, 3]), tensor([0]))).toThrow(/x must be \(N, C\) scores/);
      expect(() => layer.backward()).toThrow('SoftmaxWithLoss.backward: call forward first');
    });
  });
});

test('Affine gives the same numbers on both backends, on a larger random batch: forward, dx, dW and db', () => {
  const w = randomValues(784 * 50, -0.1, 0.1), b = randomValues(50), xv = randomValues(100 * 784, 0, 1);
  const dout = randomValues(100 * 50, -0.5, 0.5); // one gradient for both backends
  const run = (backend: 'wasm' | 'js'): Float32Array[] => {
    setBackend(backend);
    const layer = new Affine(tensor(w, [784, 50]), tensor(b, [50]));
    const out = layer.forward(tensor(xv, [100, 784])).data.slice();
    const dx = layer.backward(tensor(dout, [100, 50])).data.slice();
    return [out, dx, layer.dW.data.slice(), layer.db.data.slice()];
  };
  const wasm = run('wasm'), js = run('js');
  ['forward', 'dx', 'dW', 'db'].forEach((what, i) => expectClose(wasm[i], js[i], 1e-4, 1e-5, `${what} wasm vs js`));
  expect(Math.max(...Array.from(wasm[2], Math.abs))).toBeGreaterThan(0.1); // dW is not trivially small
});

export type { Tensor };
