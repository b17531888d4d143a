// What the divergence guard puts back, bit for bit, against copies this test takes itself around
// every trainer.step(): the parameters the step before the diverging one started from, and the
// buffers (batch-norm statistics) as that step's forward pass left them; the optimizer's state as
// its last update left it (Adam's per-parameter step counts and moments included). On one and two
// threads, with SGD, Adam and an optimizer of the user's own.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  Adam, init, layers as L, MultiLayerNetExtend, Sequential, setBackend, setThreads, SGD, tensor, Trainer, TrainingDivergedError,
  TwoLayerNet, type Network, type Optimizer, type Tensor,
} from '../src/index.js';
import { backendKernels } from '../src/backend/runtime.js';
import { blobs } from './fixtures-data.js';

await init({ threads: 2 });
afterAll(() => {
  setBackend('wasm');
  setThreads(2);
});

type State = Map<string, Float32Array>;
const copy = (tensors: Record<string, Tensor>): State => new Map(Object.entries(tensors).map(([k, v]) => [k, v.toFloat32Array()]));
// names whose bits differ (NaN payloads included), or that one side lacks
function differing(a: State, b: State): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((k) => !a.has(k) || !b.has(k) || !Buffer.from(a.get(k)!.buffer).equals(Buffer.from(b.get(k)!.buffer)));
}
const finite = (s: State) => [...s.values()].every((a) => a.every(Number.isFinite));

interface Trace {
  error: TrainingDivergedError;
  k: number; // the step (1-based) that diverged
  paramsBefore: State[]; // [j]: before step j + 1
  paramsAfter: State[]; // [j]: after step j + 1 returned
  buffersAfter: State[]; // [j]: after step j + 1 (index -1: before step 1, kept in `buffers0`)
  buffers0: State;
  optimizerAfter: { tensors: State; values: Record<string, number> }[];
}

// Steps until the guard throws, copying the state around every step.
function stepUntilDiverged(trainer: Trainer, net: Network, optimizer: Optimizer, limit = 200): Trace {
  const trace: Omit<Trace, 'error' | 'k'> = { paramsBefore: [], paramsAfter: [], buffersAfter: [], buffers0: copy(net.buffers ?? {}), optimizerAfter: [] };
  for (let j = 0; j < limit; j++) {
    trace.paramsBefore.push(copy(net.params));
    try {
      trainer.step();
    } catch (e) {
      expect(e).toBeInstanceOf(TrainingDivergedError);
      return { ...trace, error: e as TrainingDivergedError, k: j + 1 };
    }
    trace.paramsAfter.push(copy(net.params));
    trace.buffersAfter.push(copy(net.buffers ?? {}));
    if (optimizer instanceof Adam) {
      const { tensors, values } = optimizer.exportState();
      trace.optimizerAfter.push({ tensors: copy(tensors), values: { ...values } });
    }
  }
  throw new Error(`no divergence in ${limit} steps`);
}

// The guard's promise: the parameters step k − 1 started from, the buffers after its forward pass.
function expectRestored(net: Network, trace: Trace): void {
  const { k } = trace;
  const params = trace.paramsBefore[Math.max(k - 2, 0)];
  const buffers = k >= 2 ? trace.buffersAfter[k - 2] : trace.buffers0;
  expect(differing(copy(net.params), params)).toEqual([]);
  expect(differing(copy(net.buffers ?? {}), buffers)).toEqual([]);
  expect(trace.error.iteration).toBe(k);
  expect(!Number.isFinite(trace.error.loss) || trace.error.message.includes("the buffer '")).toBe(true);
}

const [x, t] = blobs(90, 1);

describe.each([1, 2])('%i thread(s)', (threads) => {
  beforeAll(() => setThreads(threads));

  test('SGD lr 1e6 on TwoLayerNet: the parameters of the step before, bit for bit', () => {
    const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 64, outputSize: 3, weightInitStd: 0.5, seed: 3 });
    const sgd = new SGD({ lr: 1e6 });
    const trainer = new Trainer(net, x, t, x, t, { epochs: 50, miniBatchSize: 30, optimizer: sgd, verbose: false, seed: 4 });
    const trace = stepUntilDiverged(trainer, net, sgd);
    expect(trace.k).toBeGreaterThan(2);
    expectRestored(net, trace);
    expect(trace.error.lr).toBe(1e6);
    expect(finite(copy(net.params))).toBe(true);
    trainer.dispose();
  });

  test('an update that makes the parameters infinite: the step before it is put back', () => {
    // lr near float32's largest value: the first update sends weights to ±Infinity while the loss
    // that step computed was finite; the next step's loss is NaN
    const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 16, outputSize: 3, weightInitStd: 1, seed: 7 });
    const sgd = new SGD({ lr: 3e38 });
    const trainer = new Trainer(net, x, t, x, t, { epochs: 5, miniBatchSize: 30, optimizer: sgd, verbose: false, seed: 2 });
    const trace = stepUntilDiverged(trainer, net, sgd);
    expect(trace.k).toBe(2);
    expect(finite(trace.paramsAfter[0])).toBe(false); // the update itself broke the parameters
    expectRestored(net, trace);
    expect(finite(copy(net.params))).toBe(true);
    trainer.dispose();
  });

  test('Adam on a batch-norm network: parameters, running statistics, and each parameter\'s step and moments', () => {
    const net = new MultiLayerNetExtend({ inputSize: 4, hiddenSizeList: [32, 32], outputSize: 3, useBatchnorm: true,
      useDropout: true, dropoutRatio: 0.2, seed: 5 });
    const adam = new Adam({ lr: 1e4 });
    const trainer = new Trainer(net, x, t, x, t, { epochs: 60, miniBatchSize: 30, optimizer: adam, verbose: false, seed: 6 });
    const trace = stepUntilDiverged(trainer, net, adam);
    const k = trace.k;
    expect(k).toBeGreaterThan(2);
    expectRestored(net, trace);
    // the optimizer is not rolled back: its state is what update k − 1 left
    const { tensors, values } = adam.exportState();
    expect(values).toEqual(trace.optimizerAfter[k - 2].values);
    expect(Object.keys(values).filter((n) => n.endsWith('.step')).map((n) => values[n])).toEqual(
      Object.keys(net.params).map(() => k - 1));
    expect(adam.t).toBe(k - 1);
    expect(differing(copy(tensors), trace.optimizerAfter[k - 2].tensors)).toEqual([]);
    trainer.dispose();
  });

  test('a convolutional network with batchNorm2d and Adam', () => {
    const images = tensor(Array.from({ length: 40 * 36 }, (_, i) => Math.sin(i * 0.37)), [40, 1, 6, 6]);
    const labels = tensor(Array.from({ length: 40 }, (_, i) => i % 3), [40]);
    const net = new Sequential({ inputShape: [1, 6, 6], layers: [L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.batchNorm2d(),
      L.relu(), L.maxPool2d({ size: 2 }), L.dense({ units: 3 })], seed: 9 });
    const adam = new Adam({ lr: 1e9 });
    const trainer = new Trainer(net, images, labels, images, labels, { epochs: 100, miniBatchSize: 10, optimizer: adam, verbose: false, seed: 1 });
    const trace = stepUntilDiverged(trainer, net, adam, 400);
    expect(trace.k).toBeGreaterThan(2);
    expect(Object.keys(net.buffers ?? {}).length).toBeGreaterThan(0);
    expectRestored(net, trace);
    trainer.dispose();
  });

  test('stepping on after the error: a second divergence puts back the same state', () => {
    const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 16, outputSize: 3, weightInitStd: 0.5, seed: 3 });
    const sgd = new SGD({ lr: 1e6 });
    const trainer = new Trainer(net, x, t, x, t, { epochs: 50, miniBatchSize: 30, optimizer: sgd, verbose: false, seed: 4 });
    const trace = stepUntilDiverged(trainer, net, sgd);
    const restored = copy(net.params);
    // a NaN written by the user: the next step diverges before any update, and the guard puts
    // back what it put back the first time
    net.params.W1.data[0] = NaN;
    expect(() => trainer.step()).toThrow(TrainingDivergedError);
    expect(differing(copy(net.params), restored)).toEqual([]);
    expect(trace.k).toBeGreaterThan(2);
    trainer.dispose();
  });

  test("an optimizer of the user's own (in-place update only): the same restore", () => {
    const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 16, outputSize: 3, weightInitStd: 0.5, seed: 3 });
    const own: Optimizer = {
      lr: 1e6,
      update(params, grads) {
        for (const [name, p] of Object.entries(params)) {
          const [pv, gv] = [p.data, grads[name].data];
          for (let i = 0; i < pv.length; i++) pv[i] -= this.lr * gv[i];
        }
      },
      dispose() {},
    };
    const trainer = new Trainer(net, x, t, x, t, { epochs: 50, miniBatchSize: 30, optimizer: own, verbose: false, seed: 4 });
    const trace = stepUntilDiverged(trainer, net, own);
    expect(trace.k).toBeGreaterThan(2);
    expectRestored(net, trace);
    trainer.dispose();
  });
  test.each(['SGD', 'Adam', 'Momentum'] as const)('with the guard, %s trains to the bits it gives without it (dense, conv, batch norm)', (optimizer) => {
    const images = tensor(Array.from({ length: 40 * 36 }, (_, i) => Math.sin(i * 0.37)), [40, 1, 6, 6]);
    const labels = tensor(Array.from({ length: 40 }, (_, i) => i % 3), [40]);
    const make = () => new Sequential({ inputShape: [1, 6, 6], layers: [L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.batchNorm2d(),
      L.relu(), L.maxPool2d({ size: 2 }), L.dense({ units: 8 }), L.batchNorm(), L.relu(), L.dense({ units: 3 })], seed: 9 });
    const run = (onDivergence: 'stop' | 'continue') => {
      const net = make();
      const trainer = new Trainer(net, images, labels, images, labels, { epochs: 3, miniBatchSize: 10, optimizer, optimizerParam: { lr: 0.01 },
        verbose: false, seed: 1, onDivergence });
      const losses = Array.from({ length: 12 }, () => trainer.step());
      trainer.dispose();
      return { state: copy({ ...net.params, ...net.buffers }), losses, net };
    };
    const [guarded, plain] = [run('stop'), run('continue')];
    expect(differing(guarded.state, plain.state)).toEqual([]);
    expect(guarded.losses).toEqual(plain.losses);
    // the network computes with what its params show
    const x = images;
    expect(Array.from(guarded.net.predict(x).data)).toEqual(Array.from(plain.net.predict(x).data));
  });
});

test('per step the guard copies the buffers and no parameter', () => {
  setBackend('js'); // the same kernel calls as wasm, on a kernels object that can be spied on
  const k = backendKernels('js') as unknown as Record<string, (...a: number[]) => void>;
  const original = k.f32_copy;
  let floats = 0, calls = 0;
  k.f32_copy = (from, to, n) => {
    calls++;
    floats += n;
    original(from, to, n);
  };
  try {
    for (const [make, buffers] of [
      [() => new TwoLayerNet({ inputSize: 4, hiddenSize: 16, outputSize: 3, seed: 3 }), 0],
      [() => new MultiLayerNetExtend({ inputSize: 4, hiddenSizeList: [16, 16], outputSize: 3, useBatchnorm: true, seed: 5 }), 4 * 16],
    ] as const) {
      for (const optimizer of ['SGD', 'Adam'] as const) {
        const net = make();
        const trainer = new Trainer(net, x, t, x, t, { epochs: 5, miniBatchSize: 30, optimizer, verbose: false, seed: 4 });
        trainer.step();
        [floats, calls] = [0, 0];
        for (let i = 0; i < 4; i++) trainer.step();
        expect(floats).toBe(4 * buffers);
        expect(calls).toBe(buffers ? 4 * 4 : 0);
        trainer.dispose();
      }
    }
  } finally {
    k.f32_copy = original;
    setBackend('wasm');
  }
});
