// Ensemble: the mean of the members' probabilities (computed here from their predict()), its
// accuracy and cross-entropy, the checks on its members, and that it leaves them to the caller.
import { describe, expect, test } from 'vitest';
import { createRng, Ensemble, init, layers as L, randn, Sequential, tensor, TwoLayerNet, type Tensor } from '../src/index.js';
import { expectClose } from './helpers.js';

await init();

const net = (seed: number, loss: 'softmax-cross-entropy' | 'sigmoid-cross-entropy' | 'mean-squared-error' = 'softmax-cross-entropy', units = 4) =>
  new Sequential({ inputShape: [6], layers: [L.dense({ units: 8 }), L.tanh(), L.dense({ units, init: 1 })], loss, seed });

// Row-wise softmax (or elementwise sigmoid) of a member's scores, in float64.
function probs(scores: Tensor, sigmoid: boolean): number[] {
  const s = Array.from(scores.data), k = scores.shape[1];
  if (sigmoid) return s.map((v) => 1 / (1 + Math.exp(-v)));
  return s.map((_, i) => {
    const row = s.slice(i - (i % k), i - (i % k) + k);
    const max = Math.max(...row);
    return Math.exp(s[i] - max) / row.reduce((a, v) => a + Math.exp(v - max), 0);
  });
}

describe('Ensemble', () => {
  const x = randn([10, 6], createRng(1));
  const t = tensor([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);

  test('probabilities are the mean of the members\' softmax; accuracy and evaluate score that mean', () => {
    const members = [net(1), net(2), net(3)];
    const ensemble = new Ensemble(members);
    const each = members.map((m) => {
      const s = m.predict(x);
      const p = probs(s, false);
      s.dispose();
      return p;
    });
    const mean = each[0].map((_, i) => (each[0][i] + each[1][i] + each[2][i]) / 3);
    const p = ensemble.probabilities(x);
    expect(p.shape).toEqual([10, 4]);
    expectClose(p.data, mean, 1e-6, 1e-7, 'mean');
    // members disagree, so the mean is none of them
    expect(Math.max(...mean.map((v, i) => Math.abs(v - each[0][i])))).toBeGreaterThan(0.01);
    const labels = Array.from(t.data);
    const predicted = labels.map((_, i) => mean.slice(i * 4, i * 4 + 4).indexOf(Math.max(...mean.slice(i * 4, i * 4 + 4))));
    const accuracy = predicted.filter((c, i) => c === labels[i]).length / 10;
    const loss = -labels.reduce((s, c, i) => s + Math.log(mean[i * 4 + c] + 1e-7), 0) / 10;
    const r = ensemble.evaluate(x, t);
    expect(r.accuracy).toBe(accuracy);
    expect(r.loss).toBeCloseTo(loss, 6);
    expect(ensemble.accuracy(x, t)).toBe(accuracy);
    // one-hot labels give the same
    const oneHot = tensor(labels.flatMap((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 : 0))), [10, 4]);
    expect(ensemble.evaluate(x, oneHot)).toEqual(r);
    // the members are the caller's: still usable, and freed by the caller
    p.dispose();
    oneHot.dispose();
    for (const m of members) {
      expect(m.predict(x).shape).toEqual([10, 4]);
      m.dispose();
    }
  });

  test('sigmoid members: the mean of the sigmoids, the share of right unit decisions, binary cross-entropy', () => {
    const members = [net(4, 'sigmoid-cross-entropy', 2), net(5, 'sigmoid-cross-entropy', 2)];
    const ensemble = new Ensemble(members);
    const targets = tensor(Array.from({ length: 20 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0), [10, 2]);
    const [a, b] = members.map((m) => { const s = m.predict(x); const p = probs(s, true); s.dispose(); return p; });
    const mean = a.map((v, i) => (v + b[i]) / 2);
    const td = Array.from(targets.data);
    const r = ensemble.evaluate(x, targets);
    expect(r.accuracy).toBe(mean.filter((v, i) => (v > 0.5) === (td[i] > 0.5)).length / 20);
    expect(r.loss).toBeCloseTo(-mean.reduce((s, v, i) => s + td[i] * Math.log(v + 1e-7) + (1 - td[i]) * Math.log(1 - v + 1e-7), 0) / 10, 6);
    targets.dispose();
    for (const m of members) m.dispose();
  });

  test('members must agree on output size, loss and input shape; mean-squared-error has no probabilities', () => {
    const a = net(1), b = net(2, 'softmax-cross-entropy', 3), c = net(3, 'sigmoid-cross-entropy'), d = net(4, 'mean-squared-error');
    const e = new TwoLayerNet({ inputSize: 5, hiddenSize: 3, outputSize: 4 });
    expect(() => new Ensemble([])).toThrow('Ensemble: expected a non-empty array of networks, got an array of length 0');
    expect(() => new Ensemble([a, b])).toThrow('Ensemble: network 2 gives 3 outputs, network 1 gives 4');
    expect(() => new Ensemble([a, c])).toThrow('Ensemble: network 2 is trained with sigmoid-cross-entropy, network 1 with softmax-cross-entropy');
    expect(() => new Ensemble([a, e])).toThrow('Ensemble: network 2 takes samples of (5,), network 1 of (6,)');
    expect(() => new Ensemble([d])).toThrow('Ensemble: networks trained with mean-squared-error have no probabilities to average');
    expect(() => new Ensemble([a, {} as never])).toThrow('Ensemble: network 2: expected a network (with predict), got');
    expect(() => new Ensemble([a]).evaluate(x, tensor([0, 1]))).toThrow(/^Ensemble\.evaluate: softmax-cross-entropy needs class labels \(N\) in \[0, 4\) or one-hot rows \(N, 4\); got \(2\) for the 10 samples of x/);
    for (const n of [a, b, c, d, e]) n.dispose();
  });
});
