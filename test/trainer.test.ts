// Trainer, learning-rate schedules and feature standardization.
import { beforeAll, expect, test } from 'vitest';
import { cosineDecay, init, MultiLayerNetExtend, SGD, Standardizer, stepDecay, tensor, Trainer, type TrainerEvent } from '../src/index.js';
import { blobs } from './fixtures-data.js';

beforeAll(() => init());

test('trains to high accuracy, recording a loss per iteration and accuracies per epoch', async () => {
  const [xTrain, tTrain] = blobs(300, 1), [xTest, tTest] = blobs(150, 2);
  const net = new MultiLayerNetExtend({ inputSize: 4, hiddenSizeList: [16], outputSize: 3, useBatchnorm: true, seed: 3 });
  const events: TrainerEvent[] = [];
  const trainer = new Trainer(net, xTrain, tTrain, xTest, tTest, {
    epochs: 5, miniBatchSize: 30, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, verbose: false, seed: 4,
    onProgress: (e) => events.push(e),
  });
  expect(trainer.iterPerEpoch).toBe(10);
  const result = await trainer.train();
  expect(result.trainLossList).toHaveLength(50);
  expect(result.trainAccList).toHaveLength(5);
  expect(result.testAccList).toHaveLength(5);
  expect(result.testAcc).toBeGreaterThan(0.9);
  expect(result.trainLossList[49]).toBeLessThan(result.trainLossList[0]);
  expect(events.filter((e) => e.testAcc !== undefined).map((e) => e.iteration)).toEqual([1, 11, 21, 31, 41]);
});

test('evaluates on the first N samples when asked, and applies the learning-rate schedule', async () => {
  const [x, t] = blobs(90, 5);
  const net = new MultiLayerNetExtend({ inputSize: 4, hiddenSizeList: [8], outputSize: 3, seed: 1 });
  const seen: number[] = [];
  const sgd = new SGD({ lr: 1 });
  const result = await new Trainer(net, x, t, x, t, {
    epochs: 4, miniBatchSize: 30, optimizer: sgd, evaluateSampleNumPerEpoch: 7, verbose: false,
    lrSchedule: stepDecay({ lr: 0.1, dropEvery: 2, factor: 0.5 }), onProgress: (e) => seen.push(e.lr),
  }).train();
  expect(seen).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05]);
  // accuracy over 7 samples is a multiple of 1/7
  for (const a of result.trainAccList) expect(Math.round(a * 7) / 7).toBeCloseTo(a, 10);
});

test('schedules: step decay and cosine have the textbook values', () => {
  const step = stepDecay({ lr: 1, dropEvery: 10, factor: 0.1 });
  expect([0, 9.9, 10, 25].map(step)).toEqual([1, 1, 0.1, 0.1 ** 2]);
  const cos = cosineDecay({ lr: 1, epochs: 10, lrMin: 0.1 });
  expect(cos(0)).toBeCloseTo(1, 12);
  expect(cos(5)).toBeCloseTo(0.55, 12);
  expect(cos(10)).toBeCloseTo(0.1, 12);
  expect(cos(20)).toBeCloseTo(0.1, 12);
  expect(() => stepDecay({ lr: 1, dropEvery: 0 })).toThrow('stepDecay: dropEvery must be a positive number, got 0');
});

test('bad Trainer options are clear errors', () => {
  const [x, t] = blobs(30, 1);
  const net = new MultiLayerNetExtend({ inputSize: 4, hiddenSizeList: [4], outputSize: 3 });
  expect(() => new Trainer(net, x, t, x, tensor([0]), {})).toThrow('Trainer: xTest and tTest must hold the same number N >= 1 of samples, got xTest (30, 4) and tTest (1,)');
  expect(() => new Trainer(net, x, t, x, t, { epochs: 0 })).toThrow('Trainer: epochs must be a positive integer, got 0');
  expect(() => new Trainer(net, x, t, x, t, { optimizer: 'adamw' })).toThrow(/unknown optimizer "adamw"/);
});

test('Standardizer: zero mean and unit variance on train, the train statistics applied to test', () => {
  const x = tensor([1, 5, 7, 3, 5, 7, 5, 5, 7, 7, 5, 7], [4, 3]); // column 2 is constant
  const s = new Standardizer().fit(x);
  const y = s.transform(x).toArray();
  const col = (a: number[], c: number) => [0, 1, 2, 3].map((r) => a[r * 3 + c]);
  expect(col(y, 0).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
  expect(col(y, 0).reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 5);
  expect(col(y, 1)).toEqual([0, 0, 0, 0]); // a constant feature is centred, not divided by 0
  expect(col(y, 2)).toEqual([0, 0, 0, 0]);
  const test2 = s.transform(tensor([4, 6, 8], [1, 3])).toArray();
  expect(test2[0]).toBeCloseTo((4 - 4) / Math.sqrt(5), 6);
  expect(test2[1]).toBeCloseTo(1, 6);
  expect(() => s.transform(tensor([1, 2], [1, 2]))).toThrow('Standardizer.transform: fitted on 3 features, got (1, 2)');
  expect(() => new Standardizer().transform(x)).toThrow('Standardizer.transform: call fit() first');
});

test('a data set that does not fit the network is an error at construction', () => {
  const [x, t] = blobs(30, 1);
  const net = new MultiLayerNetExtend({ inputSize: 5, hiddenSizeList: [4], outputSize: 3 });
  expect(() => new Trainer(net, x, t, x, t, {})).toThrow('Trainer: xTrain has samples of shape (4,) but the network takes (5,)');
});
