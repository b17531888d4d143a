// Optimizer state belongs to a parameter tensor, not to a name: one optimizer updating two networks
// of the same shapes moves each as its own optimizer would. Checkpoints are checked whole before
// anything changes: parameters, buffers, optimizer state, step counts, and the names in the file.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AdaGrad, Adam, deserialize, deserializeParams, init, memoryStats, Momentum, MultiLayerNetExtend, Nesterov, RMSprop, serialize,
  serializeParams, setBackend, setThreads, tensor, type Optimizer, type Tensor,
} from '../src/index.js';
import { randomValues } from './helpers.js';
import { threadsReady } from '../src/backend/runtime.js';

beforeAll(async () => {
  await init({ threads: 2 });
  await threadsReady(); // the kernel threads run the two-thread halves of every comparison
});
afterAll(() => {
  setBackend('wasm');
  setThreads(2);
});

const make = (seed: number) => new MultiLayerNetExtend({ inputSize: 6, hiddenSizeList: [5], outputSize: 3, useBatchnorm: true, seed });
type Net = ReturnType<typeof make>;
const snapshot = (net: Net) => Object.values({ ...net.params, ...net.buffers }).map((t) => Array.from(new Uint32Array(t.data.slice().buffer)));
let batches: [Tensor, Tensor][];
beforeAll(() => {
  batches = Array.from({ length: 4 }, () => [tensor(randomValues(8 * 6), [8, 6]), tensor([0, 1, 2, 0, 1, 2, 1, 0])]);
});

const optimizers: [string, () => Optimizer][] = [
  ['Momentum', () => new Momentum({ lr: 0.05 })], ['Nesterov', () => new Nesterov({ lr: 0.05 })],
  ['AdaGrad', () => new AdaGrad({ lr: 0.05 })], ['RMSprop', () => new RMSprop({ lr: 0.01 })], ['Adam', () => new Adam({ lr: 0.01 })],
];

describe.each(['wasm', 'js'] as const)('on %s', (backend) => {
  // Adam's step count is kept per parameter, as PyTorch's: shared, it steps each network as alone
  test.each(optimizers)('one %s for two networks moves each as its own would', (_, makeOptimizer) => {
    setBackend(backend);
    const alone = [make(1), make(2)], own = [makeOptimizer(), makeOptimizer()];
    const shared = [make(1), make(2)], one = makeOptimizer();
    for (const [x, t] of batches) {
      alone.forEach((net, i) => own[i].update(net.params, net.gradient(x, t)));
      shared.forEach((net) => one.update(net.params, net.gradient(x, t)));
    }
    shared.forEach((net, i) => expect(snapshot(net), `network ${i}`).toEqual(snapshot(alone[i])));
    for (const n of [...alone, ...shared]) n.dispose();
    for (const o of [...own, one]) o.dispose();
  });
});

test('Adam updating a changing set of parameters steps each from its own count; checkpoints carry the counts', () => {
  // W1 of network A alone, against A stepped with B in between and a checkpoint restored midway
  const alone = make(1), ownAdam = new Adam({ lr: 0.01 });
  const a = make(1), b = make(2), shared = new Adam({ lr: 0.01 });
  batches.forEach(([x, t], i) => {
    ownAdam.update(alone.params, alone.gradient(x, t));
    shared.update(a.params, a.gradient(x, t));
    if (i % 2 === 0) shared.update(b.params, b.gradient(x, t)); // B joins every other step
  });
  expect(snapshot(a)).toEqual(snapshot(alone));
  const restored = new Adam({ lr: 0.01 });
  deserializeParams(make(1), serializeParams(alone, {}, ownAdam), { optimizer: restored });
  expect(restored.exportState().values).toEqual({ t: 4, ...Object.fromEntries(Object.keys(alone.params).map((k) => [`${k}.step`, 4])) });
});
test('the state of a disposed network is freed at the next update', () => {
  const kept = make(1), dropped = make(2), momentum = new Momentum();
  const [x, t] = batches[0];
  momentum.update(kept.params, kept.gradient(x, t));
  const before = memoryStats().liveBytes;
  momentum.update(dropped.params, dropped.gradient(x, t));
  dropped.dispose();
  momentum.update(kept.params, kept.gradient(x, t));
  expect(memoryStats().liveBytes).toBeLessThan(before);
});

test('a checkpoint of an optimizer holding two networks is a clear error', () => {
  const a = make(1), b = make(2), momentum = new Momentum();
  const [x, t] = batches[0];
  for (const net of [a, b]) momentum.update(net.params, net.gradient(x, t));
  expect(() => serializeParams(a, {}, momentum)).toThrow(/Momentum: holds the state of two parameters named 'W1' \(it updates two networks\)/);
});

describe('a checkpoint is checked whole before anything changes', () => {
  // a valid Adam checkpoint, decoded, altered by `edit`, encoded again
  function altered(edit: (arrays: Record<string, { shape: number[]; data: Float32Array }>, metadata: Record<string, string>) => void): Uint8Array {
    const net = make(3), adam = new Adam({ lr: 0.01 });
    for (const [x, t] of batches.slice(0, 2)) adam.update(net.params, net.gradient(x, t));
    const { arrays, metadata } = deserialize(serializeParams(net, {}, adam));
    const copy = { ...arrays }, meta = { ...metadata };
    edit(copy, meta);
    return serialize(copy, meta);
  }
  const cases: [string, Uint8Array | (() => Uint8Array), RegExp][] = [
    ['a negative step count', () => altered((_, m) => (m['optimizer.t'] = '-1')), /Adam's step count t must be an integer >= 0, got -1/],
    ['a fractional step count', () => altered((_, m) => (m['optimizer.t'] = '0.5')), /Adam's step count t must be an integer >= 0, got 0.5/],
    ['a step count that is not a number', () => altered((_, m) => (m['optimizer.t'] = 'two')), /optimizer value 'optimizer.t' must be a finite number, got "two"/],
    ['a value Adam does not have', () => altered((_, m) => (m['optimizer.beta9'] = '1')), /an Adam has no saved value 'beta9'/],
    ['a negative second moment', () => altered((a) => (a['optimizer.W1.1'].data[3] = -1)), /'optimizer.W1.1' sums squares and must be >= 0, got -1 at index 3/],
    ['a negative running variance', () => altered((a) => (a.runningVar1.data[0] = -0.5)), /'runningVar1' sums squares and must be >= 0, got -0.5/],
    ['a NaN parameter', () => altered((a) => (a.b2.data[1] = NaN)), /'b2' must be finite, got NaN at index 1/],
    ['optimizer state for a name the network lacks', () => altered((a) => (a['optimizer.constructor.0'] = a['optimizer.W1.0'])), /optimizer state 'constructor.0', which this Adam and network do not/],
    ['a slot that is not a number', () => altered((a) => (a['optimizer.W1.0x1'] = a['optimizer.W1.0'])), /optimizer state 'W1.0x1'/],
    ['a tensor named constructor', () => altered((a) => (a.constructor = a.b1)), /the file has 'constructor', which the MultiLayerNetExtend does not/],
    ['a tensor named toString', () => altered((a) => (a.toString = a.b1)), /the file has 'toString'/],
    ['a tensor named __proto__', () => altered((a) => Object.defineProperty(a, '__proto__', { value: a.b1, enumerable: true })), /the file has '__proto__'/],
  ];
  test.each(cases)('%s', (_, bytes, message) => {
    const net = make(4), adam = new Adam({ lr: 0.01 });
    const [x, t] = batches[3];
    adam.update(net.params, net.gradient(x, t));
    const before = snapshot(net), state = serializeParams(net, {}, adam);
    expect(() => deserializeParams(net, typeof bytes === 'function' ? bytes() : bytes, 'checkpoint', adam)).toThrow(message);
    expect(snapshot(net)).toEqual(before);
    expect(serializeParams(net, {}, adam)).toEqual(state);
  });

  test('an optimizer that updated another network is refused, and nothing changes', () => {
    const other = make(5), adam = new Adam({ lr: 0.01 });
    const [x, t] = batches[0];
    adam.update(other.params, other.gradient(x, t));
    const otherBefore = snapshot(other);
    const net = make(6), netBefore = snapshot(net);
    const bytes = altered(() => {});
    expect(() => deserializeParams(net, bytes, 'checkpoint', adam))
      .toThrow("checkpoint: the Adam holds the state of parameters that are not this network's (it was used on another network); restore into a fresh optimizer");
    expect(() => deserializeParams(net, bytes, { source: 'checkpoint', optimizer: adam })).toThrow('used on another network');
    expect(snapshot(other)).toEqual(otherBefore);
    expect(snapshot(net)).toEqual(netBefore);
    expect(adam.t).toBe(1);
  });
});

describe('safetensors names that are Object\'s own', () => {
  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a tensor named %s round-trips without touching the record\'s prototype', (name) => {
    const arrays = Object.create(null) as Record<string, { shape: number[]; data: Float32Array }>;
    arrays[name] = { shape: [2], data: new Float32Array([1, 2]) };
    arrays.other = { shape: [1], data: new Float32Array([3]) };
    const decoded = deserialize(serialize(arrays));
    expect(Object.keys(decoded.arrays)).toEqual([name, 'other']);
    expect(Object.getPrototypeOf(decoded.arrays)).toBe(null);
    expect(Array.from(decoded.arrays[name].data)).toEqual([1, 2]);
    expect(({} as Record<string, unknown>).shape).toBeUndefined();
  });
});

test.each([-1, 0.5, NaN])('an Adam whose step count was set to %s refuses to update, changing nothing', (t) => {
  const net = make(7), adam = new Adam({ lr: 0.01 });
  const [x, labels] = batches[0];
  const grads = net.gradient(x, labels);
  const before = snapshot(net);
  adam.t = t;
  expect(() => adam.update(net.params, grads)).toThrow(`Adam.update: t (the step count) must be an integer >= 0, got ${t}`);
  expect(snapshot(net)).toEqual(before);
});
