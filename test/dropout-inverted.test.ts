// layers.dropout({ inverted: true }): PyTorch's nn.Dropout (survivors scaled by 1 / (1 − p) in
// training, the identity at test time), while the book's dropout stays the default.
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { createRng, Dropout, exportPytorch, gradientCheck, init, layers as L, randn, Sequential, setBackend, tensor, toOnnx } from '../src/index.js';

await init();

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  test('training keeps each value with probability 1 − p, scaled by 1 / (1 − p); backward scales alike; test time is the identity', () => {
    const p = 0.3, n = 20_000;
    const layer = new Dropout(p, { seed: 1, inverted: true });
    const x = tensor(Array.from({ length: n }, (_, i) => 1 + (i % 7)), [n]);
    const y = layer.forward(x, true).toArray();
    const xs = x.toArray();
    let kept = 0;
    y.forEach((v, i) => {
      if (v !== 0) {
        kept++;
        expect(v).toBeCloseTo(xs[i] / (1 - p), 5);
      }
    });
    // binomial: 14 000 expected, standard deviation 65
    expect(Math.abs(kept - n * (1 - p))).toBeLessThan(400);
    const dx = layer.backward(tensor(new Array(n).fill(2), [n])).toArray();
    dx.forEach((v, i) => expect(v).toBeCloseTo(y[i] === 0 ? 0 : 2 / (1 - p), 5));
    expect(layer.forward(x, false).toArray()).toEqual(xs);
    // the book's default scales at test time instead
    const book = new Dropout(p);
    expect(book.forward(tensor([10], [1]), false).toArray()[0]).toBeCloseTo(7, 5);
    for (const l of [layer, book]) l.dispose();
    x.dispose();
  });

  test('a network with inverted dropout passes the gradient check (one mask for x ± h)', () => {
    const net = new Sequential({ inputShape: [5], layers: [L.dense({ units: 8 }), L.tanh(), L.dropout({ ratio: 0.4, inverted: true }), L.dense({ units: 3 })], seed: 2 });
    for (const [name, r] of Object.entries(gradientCheck(net, randn([6, 5], createRng(3)), tensor([0, 1, 2, 0, 1, 2])))) expect(r.relError, name).toBeLessThan(2e-3);
    net.dispose();
  });
});

test('specs: inverted is a boolean, absent from the saved spec when false; ONNX Identity; PyTorch nn.Dropout', async () => {
  expect(() => new Sequential({ inputShape: [3], layers: [L.dropout({ inverted: 1 as never }), L.dense({ units: 2 })] }))
    .toThrow('Sequential: layer 1 (dropout): inverted must be a boolean, got 1');
  const book = new Sequential({ inputShape: [3], layers: [L.dropout({ ratio: 0.2 }), L.dense({ units: 2 })] });
  expect(book.architecture.layers[0]).toEqual({ kind: 'dropout', ratio: 0.2 });
  expect(exportPytorch(book)).toContain('BookDropout(0.2),');
  const net = new Sequential({ inputShape: [3], layers: [L.dropout({ ratio: 0.2, inverted: true }), L.dense({ units: 2 })], seed: 1 });
  expect(net.architecture.layers[0]).toEqual({ kind: 'dropout', ratio: 0.2, inverted: true });
  expect(exportPytorch(net)).toContain('        nn.Dropout(0.2),  # 1: dropout → (3)');
  const x = randn([4, 3], createRng(5));
  const session = await ort.InferenceSession.create(toOnnx(net));
  const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.data), [4, 3]) });
  await session.release();
  const scores = net.predict(x);
  expect(Array.from(result.logits.data as Float32Array).map((v, i) => Math.abs(v - scores.data[i])).every((d) => d < 1e-6)).toBe(true);
  for (const t of [x, scores]) t.dispose();
  for (const n of [book, net]) n.dispose();
});
