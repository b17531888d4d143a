// Every task through the Trainer and fit: regression, binary (one sigmoid unit, (N) or (N, 1)
// targets), multi-label and classification; evaluate, probabilities, history and targets that
// follow the loss.
import { beforeAll, describe, expect, test } from 'vitest';
import { createRng, fit, init, SGD, Sequential, layers as L, tensor, Trainer, type Tensor } from '../src/index.js';
import { blobs } from './fixtures-data.js';

beforeAll(() => init());

// x (n, 3) uniform in [-1, 1]; y = [sin(2·x0) + x1·x2, x0 − x2] (n, 2) real targets
function curves(n: number, seed: number): [Tensor, Tensor, number[][]] {
  const rng = createRng(seed);
  const x: number[] = [], y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [rng.uniform() * 2 - 1, rng.uniform() * 2 - 1, rng.uniform() * 2 - 1];
    x.push(a, b, c);
    y.push([Math.sin(2 * a) + b * c, a - c]);
  }
  return [tensor(x, [n, 3]), tensor(y.flat(), [n, 2]), y];
}

// 0/1 targets of three independent rules on x (n, 3): x0 > 0, x1 + x2 > 0, x0·x1 > 0
function rules(x: Tensor): number[][] {
  const v = x.toArray(), out: number[][] = [];
  for (let i = 0; i < x.shape[0]; i++) {
    const [a, b, c] = v.slice(3 * i, 3 * i + 3);
    out.push([a > 0 ? 1 : 0, b + c > 0 ? 1 : 0, a * b > 0 ? 1 : 0]);
  }
  return out;
}

const regressor = (units = 2) => new Sequential({ inputShape: [3], layers: [L.dense({ units: 32 }), L.tanh(), L.dense({ units })],
  loss: 'mean-squared-error', seed: 0 });
const sigmoidNet = (units: number) => new Sequential({ inputShape: [3], layers: [L.dense({ units: 32 }), L.relu(), L.dense({ units })],
  loss: 'sigmoid-cross-entropy', seed: 0 });
const quiet = { verbose: false } as const;
const meanAbs = (pred: number[], target: number[]) => pred.reduce((s, p, i) => s + Math.abs(p - target[i]), 0) / pred.length;

describe('regression (mean-squared-error)', () => {
  test('fit learns real-valued (N, 2) targets; evaluate gives loss and the mean absolute error over all N·k outputs', async () => {
    const [x, y, rows] = curves(400, 1), [xT, yT, rowsT] = curves(200, 2);
    const net = regressor();
    const r = await fit(net, x, y, { epochs: 60, miniBatchSize: 32, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, validationSplit: 0.2, seed: 1, ...quiet });
    expect(r.history).toHaveLength(60);
    expect(r.testAcc).toBeUndefined();
    const last = r.history.at(-1)!;
    expect(Object.keys(last).sort()).toEqual(['epoch', 'lr', 'trainLoss', 'trainMeanAbsoluteError', 'valLoss', 'valMeanAbsoluteError'].sort());
    expect(last.lr).toBe(0.01);
    expect(r.history[0].trainLoss).toBeGreaterThan(3 * last.trainLoss);
    const e = net.evaluate(xT, yT);
    const pred = net.predict(xT).toArray();
    expect(e.meanAbsoluteError).toBeCloseTo(meanAbs(pred, rowsT.flat()), 5);
    expect(e.meanAbsoluteError).toBeLessThan(0.1); // the targets' spread: mean |y| ≈ 0.6
    expect(e.loss).toBeCloseTo(net.loss(xT, yT), 5);
    expect(rows).toHaveLength(400);
    // the validation metrics are those of the last 20 % (the samples fit set aside)
    expect(last.valLoss).toBeGreaterThan(0);
  });

  test('one output unit takes (N) or (N, 1) targets alike; the Trainer reports test loss and mean absolute error', async () => {
    const [x, y] = curves(300, 3), [xT, yT] = curves(100, 4);
    const column = (t: Tensor) => tensor(t.toArray().filter((_, i) => i % 2 === 1), [t.shape[0]]); // y = x0 − x2
    const [flat, tall] = [column(y), column(y).reshape([300, 1])];
    const results = [];
    for (const t of [flat, tall]) {
      const net = regressor(1);
      const trainer = new Trainer(net, x, t, xT, column(yT), { epochs: 20, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, seed: 2, ...quiet });
      results.push(await trainer.train());
    }
    expect(results[1].trainLossList).toEqual(results[0].trainLossList);
    const r = results[0];
    expect(r.testAcc).toBeUndefined();
    expect(r.trainAccList).toEqual([]);
    expect(r.testMeanAbsoluteError).toBeLessThan(0.1);
    expect(r.history.at(-1)!.testMeanAbsoluteError).toBeGreaterThan(0);
  });

  test('accuracy and probabilities are errors that say what to use; valAcc cannot be monitored', async () => {
    const [x, y] = curves(20, 5);
    const net = regressor();
    expect(() => net.accuracy(x, y)).toThrow("Sequential.accuracy: a mean-squared-error network's outputs are values, not classes, so it has no accuracy; use evaluate(x, t)");
    expect(() => net.probabilities(x)).toThrow("Sequential.probabilities: a mean-squared-error network's outputs are values, not probabilities; predict(x) gives them");
    await expect(fit(net, x, y, { validationSplit: 0.5, earlyStopping: { monitor: 'valAcc' }, ...quiet })).rejects
      .toThrow("fit: earlyStopping.monitor 'valAcc' needs accuracies");
  });

  test('wrong targets name the loss and the shape it needs, before anything changes', async () => {
    const [x, y] = curves(10, 6);
    const net = regressor();
    const before = net.params.W1.toArray();
    const fractional = tensor(Array.from({ length: 10 }, (_, i) => i / 2), [10]);
    await expect(fit(net, x, fractional, quiet)).rejects
      .toThrow('fit: t: mean-squared-error needs targets shaped like the output, (N, 2); got (N) with 0.5 at index 1');
    expect(() => new Trainer(net, x, tensor(new Float32Array(30), [10, 3]), x, y)).toThrow('Trainer: tTrain: mean-squared-error needs targets shaped like the output, (N, 2); got (N, 3)');
    expect(() => net.gradient(x, y.reshape([20]))).toThrow('Sequential.gradient: mean-squared-error needs targets shaped like the output, (N, 2); got (20) for the 10 samples of x');
    expect(net.params.W1.toArray()).toEqual(before);
    // the book's use: integer labels (N) stand for one-hot rows
    const labels = tensor([0, 1, 1, 0, 0, 1, 0, 1, 1, 0]);
    const hot = tensor([0, 1, 1, 0, 0, 1, 0, 1, 1, 0].flatMap((c) => (c === 0 ? [1, 0] : [0, 1])), [10, 2]);
    expect(net.loss(x, labels)).toBe(net.loss(x, hot));
    expect(net.evaluate(x, labels)).toEqual(net.evaluate(x, hot));
  });
});

describe('binary and multi-label (sigmoid-cross-entropy)', () => {
  test('one unit: (N) and (N, 1) 0/1 targets train alike through fit and the Trainer', async () => {
    const [x] = curves(300, 7), [xT] = curves(100, 8);
    const labels = (v: Tensor) => rules(v).map((r) => r[1]);
    const t = tensor(labels(x)), tT = tensor(labels(xT));
    const options = { epochs: 15, miniBatchSize: 20, optimizer: 'Adam', optimizerParam: { lr: 0.02 }, seed: 3, ...quiet } as const;
    const [a, b] = [sigmoidNet(1), sigmoidNet(1)];
    const [ra, rb] = [await fit(a, x, t, options), await fit(b, x, t.reshape([300, 1]), options)];
    expect(rb.history).toEqual(ra.history);
    expect(ra.history.at(-1)!.trainAcc).toBeGreaterThan(0.9);
    const e = a.evaluate(xT, tT);
    expect(e.accuracy).toBeGreaterThan(0.9);
    const p = a.probabilities(xT);
    expect(p.shape).toEqual([100, 1]);
    const scores = a.predict(xT).toArray();
    p.toArray().forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-scores[i])), 6));
    const right = p.toArray().filter((v, i) => (v > 0.5) === (tT.data[i] === 1)).length;
    expect(e.accuracy).toBe(right / 100);
    const trainer = new Trainer(sigmoidNet(1), x, t, xT, tT, options);
    const r = await trainer.train();
    expect(r.testAcc).toBeGreaterThan(0.9);
    expect(r.history).toHaveLength(15);
  });

  test('three labels: (N, 3) targets, accuracy as the share of right unit decisions', async () => {
    const [x] = curves(400, 9), [xT] = curves(200, 10);
    const t = tensor(rules(x).flat(), [400, 3]), targets = rules(xT).flat(), tT = tensor(targets, [200, 3]);
    const net = sigmoidNet(3);
    const r = await fit(net, x, t, { epochs: 30, miniBatchSize: 20, optimizer: 'Adam', optimizerParam: { lr: 0.02 }, validation: { x: xT, t: tT }, seed: 4, ...quiet });
    expect(r.history.at(-1)!.valAcc).toBeGreaterThan(0.9);
    const p = net.probabilities(xT);
    expect(p.shape).toEqual([200, 3]);
    const right = p.toArray().filter((v, i) => (v > 0.5) === (targets[i] === 1)).length;
    expect(net.evaluate(xT, tT).accuracy).toBe(right / 600);
    expect(net.accuracy(xT, tT)).toBe(right / 600);
    expect(r.history.at(-1)!.valAcc).toBe(right / 600);
    await new Trainer(sigmoidNet(3), x, t, xT, tT, { epochs: 2, ...quiet }).train();
    expect(() => net.evaluate(xT, tensor(new Float32Array(200).fill(2), [200]))).toThrow('Sequential.evaluate: sigmoid-cross-entropy needs targets in [0, 1] shaped like the output, (N, 3); got (N)');
  });
});

describe('classification (softmax-cross-entropy)', () => {
  const net = () => new Sequential({ inputShape: [4], layers: [L.dense({ units: 8 }), L.relu(), L.dense({ units: 3 })], seed: 1 });

  test('fit measures trainAcc and trainLoss on the batches as trained: with lr 0, exactly the whole set\'s', async () => {
    const [x, t] = blobs(90, 1);
    const n = net();
    const still = new SGD();
    still.lr = 0;
    const r = await fit(n, x, t, { epochs: 2, miniBatchSize: 30, optimizer: still, seed: 1, ...quiet });
    expect(r.history.map((h) => h.trainAcc)).toEqual([n.accuracy(x, t), n.accuracy(x, t)]);
    expect(r.history[0].trainLoss).toBeCloseTo(n.loss(x, t), 5);
    expect(r.history[0].lr).toBe(0);
  });

  test('evaluate is batched (the same results in chunks of 7) and agrees with loss and accuracy; probabilities sum to 1', () => {
    const [x, t] = blobs(50, 2);
    const n = net();
    const whole = n.evaluate(x, t);
    n.evalBatchSize = 7;
    const chunked = n.evaluate(x, t);
    expect(chunked.accuracy).toBe(whole.accuracy);
    expect(chunked.loss).toBeCloseTo(whole.loss, 6);
    expect(whole).toEqual({ loss: expect.closeTo(n.loss(x, t), 6), accuracy: n.accuracy(x, t) });
    const p = n.probabilities(x).toArray();
    for (let r = 0; r < 50; r++) expect(p[3 * r] + p[3 * r + 1] + p[3 * r + 2]).toBeCloseTo(1, 6);
  });

  test('the Trainer history: the book\'s evaluation per epoch, test accuracy, lr', async () => {
    const [x, t] = blobs(90, 3);
    const r = await new Trainer(net(), x, t, x, t, { epochs: 3, miniBatchSize: 30, optimizerParam: { lr: 0.1 }, ...quiet }).train();
    expect(r.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(r.history.map((h) => h.trainAcc)).toEqual(r.trainAccList);
    expect(r.history.map((h) => h.testAcc)).toEqual(r.testAccList);
    expect(r.history.every((h) => h.lr === 0.1)).toBe(true);
  });
});
