// The Trainer's divergence guard: a NaN or infinite loss stops training with a message naming the
// iteration and the lr, and puts back the parameters the last finite-loss iteration started from.
// Also: a diverged network is never saved, and options that would fail mid-training fail up front.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import {
  createRng, deserialize, deserializeParams, init, MiniBatches, MultiLayerNetExtend, saveParams, serialize, serializeParams, SGD,
  ScratchnetError, tensor, Trainer, TrainingDivergedError, TwoLayerNet, type Network, type Tensor, type TrainerOptions,
} from '../src/index.js';
import { dropoutSeed } from '../src/training/trainer.js';
import { blobs } from './fixtures-data.js';

await init();

// Parameters and buffers by name, as plain numbers.
const state = (net: Network) => Object.fromEntries(
  [...Object.entries(net.params), ...Object.entries(net.buffers ?? {})].map(([k, v]) => [k, Array.from(v.data)]));
const allFinite = (s: Record<string, number[]>) => Object.values(s).every((a) => a.every(Number.isFinite));

// What the Trainer does, by hand: `updates` full iterations (gradient, SGD update) on the Trainer's
// batches and dropout masks, then `extraForward` gradient passes without an update (they move
// batch-norm statistics).
function replay(net: Network, x: Tensor, t: Tensor, batchSize: number, seed: number, lr: number, updates: number, extraForward = 0) {
  net.reseed?.(dropoutSeed(seed));
  const batches = new MiniBatches(x, t, batchSize, createRng(seed));
  const sgd = new SGD({ lr });
  for (let i = 0; i < updates + extraForward; i++) {
    const [xb, tb] = batches.sample();
    const grads = net.gradient(xb, tb);
    if (i < updates) sgd.update(net.params, grads);
  }
  batches.dispose();
  return net;
}

async function rejection(p: Promise<unknown>): Promise<TrainingDivergedError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(TrainingDivergedError);
  expect(e).toBeInstanceOf(ScratchnetError);
  expect((e as TrainingDivergedError).code).toBe('ERR_TRAINING_DIVERGED');
  expect((e as TrainingDivergedError).name).toBe('TrainingDivergedError');
  return e as TrainingDivergedError;
}

const [x, t] = blobs(90, 1);
const twoLayer = () => new TwoLayerNet({ inputSize: 4, hiddenSize: 16, outputSize: 3, weightInitStd: 0.5, seed: 3 });

test('SGD with lr 1e6 diverges: the error names the iteration and the lr, and the last good parameters are restored', async () => {
  const net = twoLayer();
  const e = await rejection(new Trainer(net, x, t, x, t, {
    epochs: 20, miniBatchSize: 30, optimizer: new SGD({ lr: 1e6 }), verbose: false, seed: 4,
  }).train());
  const k = e.iteration;
  expect(k).toBeGreaterThan(2); // a real divergence, after a few finite steps
  expect(e.message).toContain(`Trainer: the loss is NaN at iteration ${k} of 60`);
  expect(e.message).toContain('the learning rate is too high for SGD (lr 1000000)');
  expect(e.message).toContain(`restored to the ones iteration ${k - 1} started from, the last healthy one`);
  expect(e.lr).toBe(1e6);
  expect(Number.isNaN(e.loss)).toBe(true);
  expect(e.result.diverged).toEqual({ iteration: k, loss: NaN });
  expect(e.result.trainLossList).toHaveLength(k);
  expect(e.result.trainLossList.slice(0, -1).every(Number.isFinite)).toBe(true);

  // the network holds exactly what k - 2 updates give; one more update is what broke it
  const restored = state(net);
  expect(allFinite(restored)).toBe(true);
  expect(restored).toEqual(state(replay(twoLayer(), x, t, 30, 4, 1e6, k - 2)));
  const broken = replay(twoLayer(), x, t, 30, 4, 1e6, k - 1, 1);
  expect(Number.isFinite(broken.lastLoss)).toBe(false);
  expect(state(broken)).not.toEqual(restored);
});

test('batch norm and dropout: the running statistics are restored with the parameters', async () => {
  const make = () => new MultiLayerNetExtend({
    inputSize: 4, hiddenSizeList: [16, 16], outputSize: 3, useBatchnorm: true, useDropout: true, dropoutRatio: 0.2,
    weightDecayLambda: 0.1, seed: 5,
  });
  const net = make();
  const e = await rejection(new Trainer(net, x, t, x, t, {
    epochs: 50, miniBatchSize: 30, optimizer: new SGD({ lr: 100 }), verbose: false, seed: 6,
  }).train());
  const k = e.iteration;
  expect(k).toBeGreaterThan(2);
  // the running variance overflows while the normalized loss is still finite
  expect(e.message).toMatch(new RegExp(`^Trainer: the buffer 'running(Mean|Var)\\d' is no longer finite \\(loss [0-9.e+]+\\) at iteration ${k} of 150`));
  expect(e.message).toContain('the learning rate is too high for SGD (lr 100)');
  const restored = state(net);
  expect(allFinite(restored)).toBe(true);
  // parameters after k - 2 updates, buffers after the forward pass of iteration k - 1
  expect(restored).toEqual(state(replay(make(), x, t, 30, 6, 100, k - 2, 1)));
});

test("onDivergence: 'continue' trains on and reports the first non-finite loss", async () => {
  const net = twoLayer();
  const result = await new Trainer(net, x, t, x, t, {
    epochs: 20, miniBatchSize: 30, optimizer: new SGD({ lr: 1e6 }), verbose: false, seed: 4, onDivergence: 'continue',
  }).train();
  expect(result.trainLossList).toHaveLength(60);
  expect(result.trainAccList).toHaveLength(20);
  const first = result.trainLossList.findIndex((l) => !Number.isFinite(l));
  expect(first).toBeGreaterThan(1);
  expect(result.diverged).toEqual({ iteration: first + 1, loss: result.trainLossList[first] });
  expect(allFinite(state(net))).toBe(false); // nothing was put back
});

test('a NaN in the data: the Trainer refuses the data set at construction, and nothing changes', () => {
  const values = Array.from(x.data);
  values.fill(NaN, 0, 4); // sample 0
  const bad = tensor(values, [90, 4]);
  const net = new MultiLayerNetExtend({ inputSize: 4, hiddenSizeList: [8], outputSize: 3, useBatchnorm: true, seed: 1 });
  const before = state(net);
  expect(() => new Trainer(net, bad, t, x, t, { epochs: 1, miniBatchSize: 90, verbose: false, seed: 2 }))
    .toThrow('Trainer: xTrain: x must be finite, got NaN at flat index 0 (sample 0)');
  expect(state(net)).toEqual(before);
});

test('a network that is NaN from the start: not the learning rate', async () => {
  const net = twoLayer();
  net.params.W1.data[0] = NaN;
  const e = await rejection(new Trainer(net, x, t, x, t, { epochs: 1, miniBatchSize: 30, verbose: false }).train());
  expect(e.message).toContain('Trainer: the loss is NaN at iteration 1 of 3, before any update, so the learning rate is not the cause');
});

test('a bad onDivergence is a clear error', () => {
  expect(() => new Trainer(twoLayer(), x, t, x, t, { onDivergence: 'ignore' as 'stop' }))
    .toThrow(`Trainer: onDivergence must be 'stop' or 'continue', got "ignore"`);
});

test('a diverged network is not saved over a good checkpoint, and a file holding NaN is refused', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'scratchnet-diverged-')), 'net.safetensors');
  const net = twoLayer();
  await saveParams(net, path);
  const good = readFileSync(path);
  await new Trainer(net, x, t, x, t, {
    epochs: 20, miniBatchSize: 30, optimizer: new SGD({ lr: 1e6 }), verbose: false, seed: 4, onDivergence: 'continue',
  }).train();
  await expect(saveParams(net, path)).rejects.toThrow(/^saveParams: '(W1|b1|W2|b2)' must be finite, got (NaN|-?Infinity) at index \d+ \(a diverged network\?\); nothing was written$/);
  expect(() => serializeParams(net)).toThrow(/^serializeParams: '\w+' must be finite/);
  expect(readFileSync(path)).toEqual(good);

  const fresh = twoLayer();
  const before = state(fresh);
  const { arrays, metadata } = deserialize(good);
  arrays.b2.data[1] = Infinity;
  expect(() => deserializeParams(fresh, serialize(arrays, metadata))).toThrow("deserializeParams: 'b2' must be finite, got Infinity at index 1");
  expect(state(fresh)).toEqual(before);
});

test('Trainer options that would fail mid-training are refused up front', async () => {
  const net = twoLayer();
  const before = state(net);
  const make = (options: Record<string, unknown>) => () => new Trainer(net, x, t, x, t, { verbose: false, epochs: 1, miniBatchSize: 30, ...options } as TrainerOptions);
  expect(make({ verbose: 'no' })).toThrow('Trainer: verbose must be a boolean, got "no"');
  expect(make({ onProgress: 5 })).toThrow('Trainer: onProgress must be a function, got 5');
  expect(make({ lrSchedule: 0.1 })).toThrow('Trainer: lrSchedule must be a function, got 0.1');
  expect(make({ seed: 'x' })).toThrow('Trainer: seed must be a finite number, got "x"');
  expect(make({ optimizer: {} })).toThrow(/^Trainer: optimizer must be a name \('SGD', 'Adam', \.\.\.\) or an optimizer/);
  expect(() => new Trainer(null as unknown as Network, x, t, x, t)).toThrow('Trainer: network: expected a network (params, gradient(), accuracy()), got null');
  expect(() => new Trainer(net, x, t, x, t, null as unknown as TrainerOptions)).toThrow(/^Trainer: expected an options object \{ epochs, miniBatchSize, .*\}, got null$/);
  // a schedule returning NaN is refused before the forward pass moves anything
  await expect(make({ lrSchedule: () => NaN })().train()).rejects.toThrow('Trainer: lrSchedule returned NaN at epoch 0 (iteration 1); expected a finite number >= 0');
  expect(state(net)).toEqual(before);
});
