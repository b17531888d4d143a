// The Winograd filter gradient (f32_winograd_bwd_filter, f32_maxpool_winograd_bwd_filter, their JS
// twin) by F(2×2) and F(4×4) against a float64 direct one and the im2col path, on random shapes
// (C, FN, H, W of 1, 3, 5 and 17, odd sizes, pads 0–2), both backends; db bit for bit as the im2col
// path's; one thread against two. Bounds (assembly/winograd-filter.ts, winograd4-filter.ts):
// γ(N·T + N + 8)·S for F(2×2), γ(N·T + N + 16)·S for F(4×4), T the tiles per sample.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Convolution, ConvMaxPool, init, Pooling, setBackend, setThreads, tensor, threadCount, type Tensor } from '../src/index.js';
import { winogradBackwardFilter } from '../src/ops/winograd.js';
import { empty } from '../src/tensor.js';
import { randomValues, rng } from './helpers.js';
import { expectWithin, filterReference, gamma } from './winograd-reference.js';
import { threadsReady } from '../src/backend/runtime.js';

// two kernel threads whatever the machine's cores, so the determinism test always compares
beforeAll(async () => {
  await init({ threads: 2 });
  await threadsReady(); // the kernel threads run the two-thread halves of every comparison
});
afterAll(() => {
  setBackend('wasm');
  setThreads(2);
});

const bits = (t: Tensor | Float32Array): number[] => Array.from(new Uint32Array(Float32Array.from(t instanceof Float32Array ? t : t.data).buffer));
const SIZES = [1, 3, 5, 17];
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.uniform() * xs.length)]!;
const shapes: { N: number; C: number; H: number; W: number; FN: number; pad: number }[] = [];
while (shapes.length < 30) {
  const s = { N: 1 + Math.floor(rng.uniform() * 3), C: pick(SIZES), FN: pick(SIZES), H: pick([...SIZES, 2, 7, 9]), W: pick([...SIZES, 4, 6, 11]), pad: pick([0, 1, 2]) };
  if (s.H + 2 * s.pad >= 3 && s.W + 2 * s.pad >= 3) shapes.push(s);
}
shapes.push({ N: 4, C: 16, H: 14, W: 14, FN: 32, pad: 1 }, { N: 20, C: 8, H: 8, W: 8, FN: 9, pad: 1 });

const STEPS = { 2: 8, 4: 16 };

describe.each(['wasm', 'js'].flatMap((backend) => ([2, 4] as const).map((tile) => [backend, tile] as const)))('%s backend, tile %i', (backend, tile) => {
  test.each(shapes.map((s) => [JSON.stringify(s), s] as const))('dW %s within γ(N·T + N + steps)·S of float64 and of the im2col path; db as its', (_, s) => {
    setBackend(backend);
    const { N, C, H, W, FN, pad } = s;
    const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2, T = Math.ceil(OH / tile) * Math.ceil(OW / tile);
    const xv = randomValues(N * C * H * W), dv = randomValues(N * FN * OH * OW);
    const x = tensor(xv, [N, C, H, W]), dout = tensor(dv, [N, FN, OH, OW]);
    const dW = empty([FN, C, 3, 3]), db = empty([FN]);
    dW.data.fill(NaN);
    winogradBackwardFilter(x, dout, dW, db, pad, tile);
    const ref = filterReference(xv, dv, N, C, H, W, FN, pad, tile);
    const bound = gamma(N * T + N + STEPS[tile]);
    expectWithin(dW.data, ref.dW, (i) => bound * ref.winogradMag[i]!, `${backend} dW`);
    const conv = new Convolution(tensor(randomValues(FN * C * 9), [FN, C, 3, 3]), tensor(randomValues(FN), [FN]), 1, pad, { winograd: false });
    conv.forward(x);
    conv.backward(dout);
    expectWithin(dW.data, conv.dW.data, (i) => bound * ref.winogradMag[i]! + gamma(N * OH * OW + N + 2) * ref.directMag[i]!, `${backend} dW vs im2col`);
    expect(bits(db)).toEqual(bits(conv.db));
  });

  test('after a max pooling: the same bits as from the pooling gradient rebuilt by the layers', () => {
    setBackend(backend);
    const [N, C, H, W, FN, pad] = [3, 8, 11, 9, 8, 1];
    const x = tensor(randomValues(N * C * H * W), [N, C, H, W]);
    const conv = new Convolution(tensor(randomValues(FN * C * 9), [FN, C, 3, 3]), tensor(randomValues(FN), [FN]), 1, pad, { winograd: true, winogradTile: tile });
    const pool = new Pooling(3, 3, 2, 1);
    const y = pool.forward(conv.forward(x));
    const dy = tensor(randomValues(y.size), [...y.shape]);
    const dout = pool.backward(dy);
    const [dW1, db1, dW2, db2] = [empty([FN, C, 3, 3]), empty([FN]), empty([FN, C, 3, 3]), empty([FN])];
    winogradBackwardFilter(x, dout, dW1, db1, pad, tile);
    const joined = new Convolution(conv.W, conv.b, 1, pad, { winograd: true, winogradTile: tile }), joinedPool = new Pooling(3, 3, 2, 1);
    const step = new ConvMaxPool(joined, joinedPool);
    step.forward(x);
    winogradBackwardFilter(x, dy, dW2, db2, pad, tile, { argmax: step.argmax!, pool: { poolH: 3, poolW: 3, stride: 2, pad: 1, relu: false } });
    expect(bits(dW2)).toEqual(bits(dW1));
    expect(bits(db2)).toEqual(bits(db1));
  });
});

test.each([2, 4] as const)('tile %i: two threads give the bits of one', (tile) => {
  setBackend('wasm');
  setThreads(2);
  expect(threadCount()).toBe(2); // the kernel threads exist (init asked for two)
  const [N, C, H, W, FN] = [8, 16, 14, 14, 32];
  const x = tensor(randomValues(N * C * H * W), [N, C, H, W]), dout = tensor(randomValues(N * FN * H * W), [N, FN, H, W]);
  const run = (threads: number) => {
    setThreads(threads);
    const dW = empty([FN, C, 3, 3]), db = empty([FN]);
    winogradBackwardFilter(x, dout, dW, db, 1, tile);
    return [bits(dW), bits(db)];
  };
  expect(run(2)).toEqual(run(1));
});
