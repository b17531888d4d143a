// l1Lambda: λ·Σ|W| in the loss and λ·sign(W) in each dW, beside the book's weight decay.
import { beforeAll, expect, test } from 'vitest';
import { deserializeModel, gradientCheck, init, MultiLayerNet, Sequential, serializeModel, layers as L, tensor } from '../src/index.js';

beforeAll(() => init());

const build = (l1Lambda: number, weightDecayLambda = 0) => new Sequential({
  inputShape: [3], layers: [L.dense({ units: 5 }), L.tanh(), L.dense({ units: 2 })], l1Lambda, weightDecayLambda, seed: 4,
});
const x = () => tensor([0.5, -1, 2, 1.5, 0.25, -0.75, -2, 1, 0.1], [3, 3]);
const t = () => tensor([0, 1, 1], [3]);

test('l1Lambda adds λ·Σ|W| (weights only, not biases) to the loss', () => {
  const [plain, l1] = [build(0), build(0.03)];
  const sumAbs = ['W1', 'W2'].reduce((s, k) => s + plain.params[k].toArray().reduce((a, v) => a + Math.abs(v), 0), 0);
  expect(l1.loss(x(), t())).toBeCloseTo(plain.loss(x(), t()) + 0.03 * sumAbs, 5);
});

test('l1Lambda adds λ·sign(W) to each dW and nothing to db; L1 and L2 add up', () => {
  const [plain, both] = [build(0), build(0.03, 0.2)];
  const g0 = Object.fromEntries(Object.entries(plain.gradient(x(), t())).map(([k, g]) => [k, g.toArray()]));
  const g1 = both.gradient(x(), t());
  for (const k of ['W1', 'W2']) {
    const w = plain.params[k].toArray();
    const expected = g0[k].map((g, i) => g + 0.03 * Math.sign(w[i]) + 0.2 * w[i]);
    g1[k].toArray().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  }
  for (const k of ['b1', 'b2']) expect(g1[k].toArray()).toEqual(g0[k]);
});

test('the L1 gradient agrees with numerical differentiation', () => {
  const check = gradientCheck(build(0.05), x(), t());
  for (const [name, { maxRelError }] of Object.entries(check)) expect(maxRelError, name).toBeLessThan(1e-2);
});

test('l1Lambda is checked, offered by MultiLayerNet and kept by serializeModel', () => {
  expect(() => build(-1)).toThrow('Sequential: l1Lambda must be');
  const net = new MultiLayerNet({ inputSize: 3, hiddenSizeList: [4], outputSize: 2, l1Lambda: 0.01, seed: 1 });
  expect(net.l1Lambda).toBe(0.01);
  const back = deserializeModel(serializeModel(net));
  expect((back as MultiLayerNet).l1Lambda).toBe(0.01);
  expect(back.loss(x(), t())).toBe(net.loss(x(), t()));
  expect(build(0).architecture).not.toHaveProperty('l1Lambda'); // files stay as they were without it
});
