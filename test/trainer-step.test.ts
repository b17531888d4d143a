// trainer.step(): one iteration at a time, the same iterations train() runs.
import { beforeAll, expect, test } from 'vitest';
import { init, SGD, Sequential, layers as L, Trainer } from '../src/index.js';
import { blobs } from './fixtures-data.js';

beforeAll(() => init());

const net = () => new Sequential({ inputShape: [4], layers: [L.dense({ units: 8 }), L.relu(), L.dense({ units: 3 })], seed: 2 });
const values = (n: Sequential) => Object.fromEntries(Object.entries(n.params).map(([k, p]) => [k, p.toArray()]));

test('step() draws, takes the gradient and updates: the same parameters as train() after as many iterations', async () => {
  const [x, t] = blobs(90, 1);
  const [a, b] = [net(), net()];
  const options = { epochs: 2, miniBatchSize: 20, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, seed: 5, verbose: false } as const;
  const trained = await new Trainer(a, x, t, x, t, options).train();
  const stepper = new Trainer(b, x, t, x, t, options);
  const losses: number[] = [];
  for (let i = 0; i < stepper.maxIter; i++) losses.push(stepper.step());
  stepper.dispose();
  expect(losses).toEqual(trained.trainLossList);
  expect(values(b)).toEqual(values(a));
});

test('step() returns the loss computed on the way to its update, and the lr may change between steps', () => {
  const [x, t] = blobs(60, 2);
  const n = net();
  const trainer = new Trainer(n, x, t, x, t, { miniBatchSize: 10, optimizer: new SGD({ lr: 0.1 }), seed: 1, verbose: false });
  const loss = trainer.step();
  expect(loss).toBe(n.lastLoss);
  expect(Number.isFinite(loss) && loss > 0).toBe(true);
  const before = values(n);
  trainer.optimizer.lr = 0; // a paused learning rate: the step draws and measures but moves nothing
  trainer.step();
  expect(values(n)).toEqual(before);
  trainer.optimizer.lr = 0.1;
  trainer.step();
  expect(values(n).W1).not.toEqual(before.W1);
  trainer.dispose();
});

test('step() throws a TrainingDivergedError and leaves the last healthy parameters when the loss is not finite', () => {
  const [x, t] = blobs(60, 3);
  const n = net();
  const trainer = new Trainer(n, x, t, x, t, { miniBatchSize: 10, optimizer: new SGD({ lr: 1e30 }), seed: 1, verbose: false });
  let error: unknown;
  for (let i = 0; i < 20 && !error; i++) {
    try {
      trainer.step();
    } catch (e) {
      error = e;
    }
  }
  expect((error as Error).name).toBe('TrainingDivergedError');
  for (const p of Object.values(n.params)) expect(p.toArray().every(Number.isFinite)).toBe(true);
  trainer.dispose();
});
