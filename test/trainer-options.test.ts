// The Trainer's options beyond the book's: one epoch numbering, evaluation at the end of epochs,
// validation and early stopping, epoch-shuffle sampling, a seed that fixes dropout too, a stop
// signal, yielding to the event loop, and the checks that run before anything changes.
import { expect, test } from 'vitest';
import {
  init, MultiLayerNetExtend, tensor, Trainer, TwoLayerNet, type EpochMetrics, type Network, type Tensor, type TrainerEvent,
} from '../src/index.js';
import { blobs } from './fixtures-data.js';

await init();

const state = (net: Network) => Object.fromEntries(
  [...Object.entries(net.params), ...Object.entries(net.buffers ?? {})].map(([k, v]) => [k, Array.from(v.data)]));
const rows = (x: Tensor, start: number, count: number) => {
  const per = x.size / x.shape[0];
  return tensor(x.data.slice(start * per, (start + count) * per), [count, ...x.shape.slice(1)]);
};
const [x, t] = blobs(300, 1), [xTest, tTest] = blobs(150, 2);
const mlp = (seed = 3, extra = {}) => new MultiLayerNetExtend({ inputSize: 4, hiddenSizeList: [16], outputSize: 3, seed, ...extra });

test('misspelt options are errors that name the option meant, before anything trains', () => {
  const net = mlp();
  expect(() => new Trainer(net, x, t, xTest, tTest, { epoch: 1, minibatchSize: 10 } as object))
    .toThrow("Trainer: unknown option 'epoch' (did you mean 'epochs'?)");
  expect(() => new Trainer(net, x, t, xTest, tTest, { minibatchSize: 10 } as object))
    .toThrow("Trainer: unknown option 'minibatchSize' (did you mean 'miniBatchSize'?)");
  expect(() => new Trainer(net, x, t, xTest, tTest, { sampling: 'shuffle' as 'epoch-shuffle' }))
    .toThrow(`Trainer: sampling must be 'with-replacement' or 'epoch-shuffle', got "shuffle"`);
  expect(() => new Trainer(net, x, t, xTest, tTest, { evaluateAt: 'end' as 'epoch-end' }))
    .toThrow(`Trainer: evaluateAt must be 'epoch-start' or 'epoch-end', got "end"`);
  expect(() => new Trainer(net, x, t, xTest, tTest, { yieldEvery: -1 })).toThrow('Trainer: yieldEvery must be a number of milliseconds >= 0');
});

test('one epoch numbering: events and onEpochEnd count from 1, with the epoch\'s mean loss and evaluation', async () => {
  const events: TrainerEvent[] = [], metrics: EpochMetrics[] = [];
  const result = await new Trainer(mlp(), x, t, xTest, tTest, {
    epochs: 3, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, verbose: false, seed: 4,
    onProgress: (e) => events.push(e), onEpochEnd: (m) => void metrics.push(m),
  }).train();
  expect(events.map((e) => e.epoch)).toEqual([...Array(10).fill(1), ...Array(10).fill(2), ...Array(10).fill(3)]);
  expect(metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
  for (const [i, m] of metrics.entries()) {
    const losses = result.trainLossList.slice(10 * i, 10 * i + 10);
    expect(m.trainLoss).toBeCloseTo(losses.reduce((a, b) => a + b) / 10, 12);
    expect([m.trainAcc, m.testAcc]).toEqual([result.trainAccList[i], result.testAccList[i]]);
    expect(m.valLoss).toBeUndefined();
  }
  expect(result.valLossList).toBeUndefined();
  expect(result.stopped).toBeUndefined();
});

test("evaluateAt: 'epoch-end' measures after each epoch's last iteration, so the last entry is the trained network", async () => {
  const events: TrainerEvent[] = [];
  const net = mlp();
  const result = await new Trainer(net, x, t, xTest, tTest, {
    epochs: 3, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, verbose: false, seed: 4, evaluateAt: 'epoch-end',
    onProgress: (e) => events.push(e),
  }).train();
  expect(events.filter((e) => e.testAcc !== undefined).map((e) => e.iteration)).toEqual([10, 20, 30]);
  expect(result.testAccList.at(-1)).toBe(result.testAcc);
  expect(result.trainAccList.at(-1)).toBe(net.accuracy(x, t));
});

test('validation data: loss and accuracy after every epoch, as the network computes them on the whole set', async () => {
  const [xVal, tVal] = blobs(250, 9); // 250: the loss runs in chunks of 100, 100 and 50
  const net = mlp();
  const seen: number[][] = [];
  const result = await new Trainer(net, x, t, xTest, tTest, {
    epochs: 4, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, verbose: false, seed: 4,
    validation: { x: xVal, t: tVal },
    onEpochEnd: (m) => void seen.push([m.valLoss!, m.valAcc!, net.loss(xVal, tVal, false), net.accuracy(xVal, tVal)]),
  }).train();
  expect(result.valLossList).toHaveLength(4);
  expect(result.valAccList).toHaveLength(4);
  for (const [i, [valLoss, valAcc, loss, acc]] of seen.entries()) {
    expect(result.valLossList![i]).toBe(valLoss);
    expect(valLoss).toBeCloseTo(loss, 5); // chunked mean against one pass over all 250
    expect(valAcc).toBe(acc);
  }
  expect(result.valLossList![3]).toBeLessThan(result.valLossList![0]);
});

test('validationSplit sets the last samples aside: training sees only the others', async () => {
  const net = mlp();
  const trainer = new Trainer(net, x, t, xTest, tTest, {
    epochs: 2, miniBatchSize: 30, verbose: false, seed: 4, validationSplit: 0.2, sampling: 'epoch-shuffle',
  });
  expect(trainer.iterPerEpoch).toBe(8); // 240 training samples
  const result = await trainer.train();
  const [xVal, tVal] = [rows(x, 240, 60), rows(t, 240, 60)];
  expect(result.valAccList!.at(-1)).toBe(net.accuracy(xVal, tVal));
  expect(result.valLossList!.at(-1)).toBeCloseTo(net.loss(xVal, tVal, false), 6);
  expect(() => new Trainer(net, x, t, xTest, tTest, { validationSplit: 1 })).toThrow('Trainer: validationSplit must be a number in (0, 1), got 1');
  expect(() => new Trainer(net, rows(x, 0, 3), rows(t, 0, 3), xTest, tTest, { validationSplit: 0.1 }))
    .toThrow('Trainer: validationSplit 0.1 of 3 samples leaves 0 for validation and 3 for training; both need at least one');
});

test('early stopping on valAcc stops after `patience` epochs without improvement and restores the best epoch', async () => {
  const net = mlp();
  const snapshots: Record<string, number[]>[] = [];
  const result = await new Trainer(net, x, t, xTest, tTest, {
    epochs: 30, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.05 }, verbose: false, seed: 4,
    validationSplit: 0.2, earlyStopping: { monitor: 'valAcc', patience: 2, restoreBest: true },
    onEpochEnd: () => void snapshots.push(state(net)),
  }).train();
  expect(result.stopped).toBe('early-stopping');
  const accs = result.valAccList!;
  const best = Math.max(...accs);
  expect(result.bestEpoch).toBe(accs.indexOf(best) + 1); // the first epoch that reached the best
  expect(accs).toHaveLength(result.bestEpoch! + 2); // then two without a strict improvement
  expect(accs.slice(result.bestEpoch!).every((a) => a <= best)).toBe(true);
  expect(state(net)).toEqual(snapshots[result.bestEpoch! - 1]);
  expect(state(net)).not.toEqual(snapshots.at(-1));
});

test('early stopping on valLoss without restoreBest keeps the last epoch', async () => {
  const net = mlp();
  const snapshots: Record<string, number[]>[] = [];
  const [xVal, tVal] = blobs(60, 11);
  const result = await new Trainer(net, x, t, xTest, tTest, {
    epochs: 60, miniBatchSize: 30, optimizer: 'SGD', optimizerParam: { lr: 2 }, verbose: false, seed: 4, onDivergence: 'continue',
    validation: { x: xVal, t: tVal }, earlyStopping: { patience: 1 }, onEpochEnd: () => void snapshots.push(state(net)),
  }).train();
  const losses = result.valLossList!; // lr 2 is too high for a steady descent: it stops early
  expect(result.stopped).toBe('early-stopping');
  expect(result.bestEpoch).toBe(losses.length - 1);
  expect(losses.at(-1)!).toBeGreaterThanOrEqual(Math.min(...losses.slice(0, -1))); // the epoch that did not improve ended it
  expect(state(net)).toEqual(snapshots.at(-1));
});

test("sampling: 'epoch-shuffle' gives every sample once per epoch, in a new order each epoch", async () => {
  const n = 25;
  const xs = tensor(Array.from({ length: n * 4 }, (_, i) => (i % 4 === 0 ? i / 4 : 0)), [n, 4]); // feature 0: the sample's index
  const ts = tensor(Array.from({ length: n }, (_, i) => i % 3));
  const net = mlp();
  const seen: number[][] = [];
  const recording: Network = {
    params: net.params, inputShape: net.inputShape, get lastLoss() { return net.lastLoss; },
    predict: (a, train) => net.predict(a, train), loss: (a, b, train) => net.loss(a, b, train), accuracy: (a, b) => net.accuracy(a, b),
    numericalGradient: (a, b) => net.numericalGradient(a, b), dispose: () => net.dispose(),
    gradient: (xb, tb) => (seen.push(Array.from(xb.data).filter((_, i) => i % 4 === 0)), net.gradient(xb, tb)),
  };
  const trainer = new Trainer(recording, xs, ts, xs, ts, { epochs: 3, miniBatchSize: 10, verbose: false, seed: 1, sampling: 'epoch-shuffle' });
  expect(trainer.iterPerEpoch).toBe(3);
  await trainer.train();
  expect(seen.map((b) => b.length)).toEqual([10, 10, 5, 10, 10, 5, 10, 10, 5]);
  const epochs = [0, 1, 2].map((e) => seen.slice(3 * e, 3 * e + 3).flat());
  for (const order of epochs) expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  expect(epochs[1]).not.toEqual(epochs[0]);
  expect(epochs[2]).not.toEqual(epochs[1]);
});

test("the Trainer's seed fixes the batch order and the dropout masks, whatever the network's own stream did", async () => {
  const make = () => mlp(3, { useDropout: true, dropoutRatio: 0.3 });
  const [a, b, c] = [make(), make(), make()];
  // b's dropout stream moves on; c's does not: they now differ in training mode
  b.predict(x, true).dispose();
  expect(Array.from(b.predict(xTest, true).data)).not.toEqual(Array.from(c.predict(xTest, true).data));
  const run = (net: Network) => new Trainer(net, x, t, xTest, tTest, {
    epochs: 2, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, verbose: false, seed: 7,
  }).train();
  const [ra, rb] = [await run(a), await run(b)];
  expect(rb.trainLossList).toEqual(ra.trainLossList);
  expect(state(b)).toEqual(state(a));
  // a different seed is a different run
  const other = await new Trainer(c, x, t, xTest, tTest, { epochs: 2, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, verbose: false, seed: 8 }).train();
  expect(other.trainLossList).not.toEqual(ra.trainLossList);
});

test('an AbortSignal stops between iterations; the network keeps what the last iteration left', async () => {
  const net = mlp();
  const controller = new AbortController();
  let atAbort: Record<string, number[]> = {};
  const result = await new Trainer(net, x, t, xTest, tTest, {
    epochs: 5, miniBatchSize: 30, verbose: false, seed: 4, signal: controller.signal,
    onProgress: (e) => {
      if (e.iteration === 13) {
        atAbort = state(net);
        controller.abort();
      }
    },
  }).train();
  expect(result.stopped).toBe('aborted');
  expect(result.trainLossList).toHaveLength(13);
  expect(result.trainAccList).toHaveLength(2);
  expect(state(net)).toEqual(atAbort);
  expect(result.testAcc).toBe(net.accuracy(xTest, tTest));
});

test('an abort in the middle of an epoch with restoreBest ends on the best epoch, not on the iterations after it', async () => {
  const net = mlp();
  const controller = new AbortController();
  const snapshots: Record<string, number[]>[] = [];
  const result = await new Trainer(net, x, t, xTest, tTest, {
    epochs: 10, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, verbose: false, seed: 4, signal: controller.signal,
    validationSplit: 0.2, earlyStopping: { patience: 10, restoreBest: true }, // 8 iterations per epoch
    onEpochEnd: () => void snapshots.push(state(net)),
    onProgress: (e) => e.iteration === 8 * 3 + 5 && controller.abort(),
  }).train();
  expect(result.stopped).toBe('aborted');
  expect(result.valLossList).toHaveLength(3);
  expect(result.bestEpoch).toBe(result.valLossList!.indexOf(Math.min(...result.valLossList!)) + 1);
  expect(state(net)).toEqual(snapshots[result.bestEpoch! - 1]);
});

test('a timer can abort a synchronous-looking run: the Trainer yields to the event loop when given a signal', async () => {
  const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 16, outputSize: 3, seed: 1 });
  const result = await new Trainer(net, x, t, xTest, tTest, {
    epochs: 1e6, miniBatchSize: 30, verbose: false, seed: 4, signal: AbortSignal.timeout(50),
  }).train();
  expect(result.stopped).toBe('aborted');
  expect(result.trainLossList.length).toBeLessThan(1e7);
});

test('yieldEvery lets timers run during training; 0 never yields', async () => {
  const ticks = async (yieldEvery: number) => {
    let count = 0;
    const timer = setInterval(() => count++, 1);
    try {
      await new Trainer(mlp(), x, t, xTest, tTest, { epochs: 40, miniBatchSize: 30, verbose: false, seed: 4, yieldEvery }).train();
    } finally {
      clearInterval(timer);
    }
    return count;
  };
  expect(await ticks(0)).toBe(0);
  expect(await ticks(1)).toBeGreaterThan(0);
});

test('bad data and bad companions fail at construction, before any parameter changes', () => {
  const net = mlp();
  const before = state(net);
  const labels = Array.from(t.data);
  labels[5] = 3;
  expect(() => new Trainer(net, x, tensor(labels), xTest, tTest)).toThrow('Trainer: tTrain: softmax-cross-entropy needs class labels (N) in [0, 3) or one-hot rows (N, 3); got (N) with 3 at index 5');
  const pixels = Array.from(xTest.data);
  pixels[41] = NaN;
  expect(() => new Trainer(net, x, t, tensor(pixels, xTest.shape), tTest)).toThrow('Trainer: xTest: x must be finite, got NaN at flat index 41 (sample 10)');
  const [x5] = blobs(30, 3);
  expect(() => new Trainer(net, x, t, xTest, tTest, { validation: { x: tensor(Array(30 * 8).fill(0), [30, 8]), t: rows(t, 0, 30) } }))
    .toThrow('Trainer: validation.x has samples of shape (8,) but the network takes (4,)');
  expect(() => new Trainer(net, x, t, xTest, tTest, { validation: { x: x5, t: rows(t, 0, 20) } }))
    .toThrow('Trainer: validation.x and validation.t must hold the same number N >= 1 of samples, got validation.x (30, 4) and validation.t (20,)');
  const oneHot = tensor(Array.from({ length: 90 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), [30, 3]);
  expect(() => new Trainer(net, x, t, xTest, tTest, { validation: { x: x5, t: oneHot } }))
    .toThrow('Trainer: validation.t has targets of shape (3,) per sample but tTrain has ()');
  expect(() => new Trainer(net, x, t, xTest, tTest, { validation: { x: x5, t: rows(t, 0, 30) }, validationSplit: 0.1 }))
    .toThrow('Trainer: give validation or validationSplit, not both');
  expect(() => new Trainer(net, x, t, xTest, tTest, { earlyStopping: { patience: 2 } }))
    .toThrow('Trainer: earlyStopping watches validation metrics: give validation: { x, t } or validationSplit too');
  expect(() => new Trainer(net, x, t, xTest, tTest, { validationSplit: 0.1, earlyStopping: { patience: 0 } }))
    .toThrow('Trainer: earlyStopping.patience must be a positive integer, got 0');
  expect(() => new Trainer(net, x, t, xTest, tTest, { validationSplit: 0.1, earlyStopping: { monitor: 'loss' as 'valLoss' } }))
    .toThrow(`Trainer: earlyStopping.monitor must be 'valLoss' or 'valAcc', got "loss"`);
  expect(() => new Trainer(net, x, t, xTest, tTest, { validationSplit: 0.1, earlyStopping: { restorebest: true } as object }))
    .toThrow("Trainer: earlyStopping: unknown option 'restorebest' (did you mean 'restoreBest'?)");
  expect(() => new Trainer(net, x, t, xTest, tTest, { signal: AbortSignal.abort() }))
    .toThrow("Trainer: the signal is already aborted; pass a fresh AbortController's signal");
  expect(() => new Trainer(net, x, t, xTest, tTest, { signal: {} as AbortSignal })).toThrow('Trainer: signal must be an AbortSignal, got');
  expect(state(net)).toEqual(before);
});

test('a signal aborted between construction and train() is an error, and nothing trains', async () => {
  const net = mlp();
  const before = state(net);
  const controller = new AbortController();
  const trainer = new Trainer(net, x, t, xTest, tTest, { verbose: false, signal: controller.signal });
  controller.abort();
  await expect(trainer.train()).rejects.toThrow('Trainer.train: the signal is already aborted; nothing was trained');
  expect(state(net)).toEqual(before);
});
