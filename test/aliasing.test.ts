// Inputs that share memory with what a call writes: a layer fed its own output (or given its own
// dx as dout) computes what it computes on a copy, and gemm refuses a c that overlaps a or b.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { threadsReady } from '../src/backend/runtime.js';
import {
  Affine, AvgPooling, BatchNormalization, Convolution, createRng, Dropout, Elu, gemm, init, LeakyRelu, Pooling, Relu,
  setBackend, setThreads, Sigmoid, SoftmaxWithLoss, Tanh, tensor, type Layer, type Tensor,
} from '../src/index.js';

beforeAll(async () => {
  await init({ threads: 2 });
  await threadsReady(); // the kernel threads run the two-thread halves of every comparison
});
afterAll(() => {
  setBackend('wasm');
  setThreads(2);
});

const rng = createRng(11);
const random = (shape: number[]) => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

interface Case {
  name: string;
  shape: number[]; // input and output shape (the same, so the output can be fed back)
  make: () => Layer;
}

// layers whose output has their input's shape; two of each are built alike
let W: Tensor, b: Tensor, Wc: Tensor, bc: Tensor;
beforeAll(() => {
  [W, b, Wc, bc] = [random([6, 6]), random([6]), random([2, 2, 3, 3]), random([2])];
});
const cases: Case[] = [
  { name: 'Affine', shape: [5, 6], make: () => new Affine(W, b) },
  { name: 'Relu', shape: [4, 9], make: () => new Relu() },
  { name: 'Sigmoid', shape: [4, 9], make: () => new Sigmoid() },
  { name: 'Tanh', shape: [4, 9], make: () => new Tanh() },
  { name: 'LeakyRelu', shape: [4, 9], make: () => new LeakyRelu(0.1) },
  { name: 'Elu', shape: [4, 9], make: () => new Elu() },
  { name: 'BatchNormalization', shape: [5, 6], make: () => new BatchNormalization(tensor([1, 2, 1, 0.5, 1, 1]), tensor([0, 0.1, 0, 0, 0.2, 0])) },
  { name: 'Dropout', shape: [5, 6], make: () => new Dropout(0.3, { seed: 5 }) },
  { name: 'Convolution', shape: [3, 2, 5, 5], make: () => new Convolution(Wc, bc, 1, 1) },
  { name: 'Pooling', shape: [2, 3, 5, 5], make: () => new Pooling(3, 3, 1, 1) },
  { name: 'AvgPooling', shape: [2, 3, 5, 5], make: () => new AvgPooling(3, 3, 1, 1) },
];

const bits = (t: Tensor) => Array.from(new Uint32Array(t.data.slice().buffer));

describe.each(['wasm', 'js'] as const)('on %s', (backend) => {
  describe.each([1, 2])('%i threads', (threads) => {
    test.each(cases)('$name fed its own output and its own dx computes what it computes on copies', ({ shape, make }) => {
      setBackend(backend);
      setThreads(threads);
      const x = random(shape), dout = random(shape);
      const own = make(), copied = make();
      // forward twice, the second time on the first output
      const y1 = own.forward(x);
      const y2 = own.forward(y1);
      const c1 = copied.forward(x).clone();
      const c2 = copied.forward(c1);
      expect(bits(y2)).toEqual(bits(c2));
      // backward twice, the second time on the first dx
      const dx1 = own.backward(dout);
      const dx2 = own.backward(dx1);
      const e1 = copied.backward(dout).clone();
      const e2 = copied.backward(e1);
      expect(bits(dx2)).toEqual(bits(e2));
      for (const [name, g] of Object.entries(own.grads)) expect(bits(g), name).toEqual(bits((copied.grads as Record<string, Tensor>)[name]));
      for (const t of [x, dout, c1, e1]) t.dispose();
      own.dispose?.();
      copied.dispose?.();
    });

    test('SoftmaxWithLoss on its own softmax output', () => {
      setBackend(backend);
      setThreads(threads);
      const x = random([4, 5]), t = tensor([0, 4, 2, 2]);
      const own = new SoftmaxWithLoss(), copied = new SoftmaxWithLoss();
      own.forward(x, t);
      const loss = own.forward(own.y!, t);
      copied.forward(x, t);
      expect(loss).toBe(copied.forward(copied.y!.clone(), t));
      expect(bits(own.backward())).toEqual(bits(copied.backward()));
    });
  });

  test('gemm refuses a c that shares memory with a or b', () => {
    setBackend(backend);
    const a = random([24, 24]), b = random([24, 24]);
    expect(() => gemm(a, b, a.reshape([24, 24]))).toThrow(/gemm: c shares memory with a \(c is written while a is read\)/);
    expect(() => gemm(a, b, b)).toThrow(/gemm: c shares memory with b/);
    const c = gemm(a, b, random([24, 24]));
    expect(c.shape).toEqual([24, 24]);
  });
});

test.each(['wasm', 'js'] as const)('SoftmaxWithLoss.backward checks labels written since forward (%s)', (backend) => {
  setBackend(backend);
  const x = random([2, 3]), t = tensor([0, 2]), bystander = tensor([5, 6, 7]);
  const loss = new SoftmaxWithLoss();
  loss.forward(x, t);
  t.data[1] = 1e6; // the kernel would write dx a million floats past row 1
  expect(() => loss.backward()).toThrow(/^SoftmaxWithLoss\.backward: labels must be integers in \[0, 3\), got 1000000 at index 1$/);
  expect(bystander.toArray()).toEqual([5, 6, 7]);
});
