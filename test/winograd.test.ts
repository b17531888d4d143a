// Winograd F(2×2, 3×3) and F(4×4, 3×3) (src/ops/winograd.ts, assembly/winograd.ts, winograd4.ts and
// their JS twin) against a float64 direct convolution and against the im2col path (Convolution with
// winograd: false), on random shapes with C, FN, H and W of 1, 3, 5, 8, 9 and 17, other odd sizes
// and pads 0–2, on both backends, one and two threads. The bounds (assembly/winograd.ts,
// winograd4.ts): |ŷ − y| ≤ γ(K + 11)·S for F(2×2), γ(K + 17)·S for F(4×4), K the channels summed, S
// the Winograd computation on absolute values (computed here in float64, not by the code under
// test); the im2col path's own bound is γ(9K + 1)·Σ|w||x|. The forward pass adds a bias, dx (the
// same kernel) none. wasm and its JS twin also against each other, within the sum of their bounds.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Convolution, ConvMaxPool, init, Pooling, Relu, setBackend, setThreads, tensor, threadCount, type Tensor } from '../src/index.js';
import { winogradBackwardData, winogradForward, winogradFits, winogradTile } from '../src/ops/winograd.js';
import { empty } from '../src/tensor.js';
import { randomValues, rng } from './helpers.js';
import { expectWithin, flipped, gamma, reference } from './winograd-reference.js';
import { threadsReady } from '../src/backend/runtime.js';

// two kernel threads whatever the machine's cores, so the determinism tests always compare
beforeAll(async () => {
  await init({ threads: 2 });
  await threadsReady(); // the kernel threads run the two-thread halves of every comparison
});
afterAll(() => {
  setBackend('wasm');
  setThreads(2);
});

interface Shape { N: number; C: number; H: number; W: number; FN: number; pad: number }
const SIZES = [1, 3, 5, 8, 9, 17];
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.uniform() * xs.length)]!;
function randomShapes(count: number): Shape[] {
  const shapes: Shape[] = [];
  while (shapes.length < count) {
    const s = { N: pick([1, 2, 3]), C: pick(SIZES), FN: pick(SIZES), H: pick([...SIZES, 2, 4, 7]), W: pick([...SIZES, 2, 6, 11]), pad: pick([0, 1, 2]) };
    if (s.H + 2 * s.pad >= 3 && s.W + 2 * s.pad >= 3) shapes.push(s);
  }
  return shapes;
}
const SHAPES = [...randomShapes(40), { N: 2, C: 16, H: 14, W: 14, FN: 32, pad: 1 }, { N: 1, C: 32, H: 8, W: 8, FN: 64, pad: 1 },
  { N: 3, C: 3, H: 17, W: 17, FN: 8, pad: 2 }, { N: 1, C: 17, H: 9, W: 5, FN: 3, pad: 0 }];
const TILES = [2, 4] as const;
// the rounding steps besides the K of the channel sum (assembly/winograd.ts, winograd4.ts)
const STEPS = { 2: 11, 4: 17 };
const label = (s: Shape) => JSON.stringify(s);

/** An output of `shape` (NaN: every element must be written) with guard floats after it. The ops
 *  read only a tensor's offset and shape. */
function guarded(shape: number[]): { out: Tensor; read: () => Float32Array; guardOk: () => boolean } {
  const n = shape.reduce((a, b) => a * b, 1);
  const block = empty([n + 8]);
  block.data.fill(NaN, 0, n);
  block.data.fill(12345, n);
  const out = { offset: block.offset, shape } as unknown as Tensor;
  return { out, read: () => block.data.slice(0, n), guardOk: () => block.data.subarray(n).every((v) => v === 12345) };
}

describe.each(['wasm', 'js'].flatMap((backend) => TILES.map((tile) => [backend, tile] as const)))('%s backend, tile %i', (backend, tile) => {
  const steps = STEPS[tile];
  test.each(SHAPES.map((s) => [label(s), s] as const))('forward %s within γ(C + steps)·S of float64 and of the im2col path', (_, s) => {
    setBackend(backend);
    const { N, C, H, W, FN, pad } = s;
    const xv = randomValues(N * C * H * W), wv = randomValues(FN * C * 9), bv = randomValues(FN);
    const x = tensor(xv, [N, C, H, W]), w = tensor(wv, [FN, C, 3, 3]), b = tensor(bv, [FN]);
    const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
    const { out, read, guardOk } = guarded([N, FN, OH, OW]);
    winogradForward(x, w, b, out, pad, tile);
    expect(guardOk()).toBe(true);
    const got = read();
    const ref = reference(xv, wv, bv, N, C, H, W, FN, pad, tile);
    expectWithin(got, ref.y, (i) => gamma(C + steps) * ref.winogradMag[i]!, `${backend} forward ${label(s)}`);
    const direct = new Convolution(w, b, 1, pad, { winograd: false }).forward(x).data;
    expectWithin(got, direct, (i) => gamma(C + steps) * ref.winogradMag[i]! + gamma(9 * C + 1) * ref.directMag[i]!, `${backend} vs im2col ${label(s)}`);
  });

  test.each(SHAPES.map((s) => [label(s), s] as const))('backward data %s within γ(FN + steps)·S of float64 and of the im2col path', (_, s) => {
    setBackend(backend);
    const { N, C, H, W, FN, pad } = s;
    const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
    const dv = randomValues(N * FN * OH * OW), wv = randomValues(FN * C * 9);
    const dout = tensor(dv, [N, FN, OH, OW]), w = tensor(wv, [FN, C, 3, 3]);
    const { out: dx, read, guardOk } = guarded([N, C, H, W]);
    winogradBackwardData(dout, w, dx, pad, tile);
    expect(guardOk()).toBe(true);
    const got = read();
    // dx is the convolution of dout padded by 2 − pad with the flipped filters
    const ref = reference(dv, flipped(wv, FN, C), undefined, N, FN, OH, OW, C, 2 - pad, tile);
    expectWithin(got, ref.y, (i) => gamma(FN + steps) * ref.winogradMag[i]!, `${backend} dx ${label(s)}`);
    const conv = new Convolution(w, tensor(new Float32Array(FN), [FN]), 1, pad, { winograd: false });
    conv.forward(tensor(new Float32Array(N * C * H * W), [N, C, H, W]));
    const direct = conv.backward(dout).data;
    expectWithin(got, direct, (i) => gamma(FN + steps) * ref.winogradMag[i]! + gamma(9 * FN + 1) * ref.directMag[i]!, `${backend} dx vs im2col ${label(s)}`);
  });
});

describe.each(TILES)('tile %i: wasm against the JS twin', (tile) => {
  test.each(SHAPES.slice(0, 12).map((s) => [label(s), s] as const))('forward and dx %s within the two bounds', (_, s) => {
    const { N, C, H, W, FN, pad } = s;
    const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
    const xv = randomValues(N * C * H * W), wv = randomValues(FN * C * 9), bv = randomValues(FN), dv = randomValues(N * FN * OH * OW);
    const x = tensor(xv, [N, C, H, W]), w = tensor(wv, [FN, C, 3, 3]), b = tensor(bv, [FN]), dout = tensor(dv, [N, FN, OH, OW]);
    const run = (backend: 'wasm' | 'js') => {
      setBackend(backend);
      const out = empty([N, FN, OH, OW]), dx = empty([N, C, H, W]);
      winogradForward(x, w, b, out, pad, tile);
      winogradBackwardData(dout, w, dx, pad, tile);
      return [out.data.slice(), dx.data.slice()];
    };
    const [[yw, dxw], [yj, dxj]] = [run('wasm'), run('js')];
    const ref = reference(xv, wv, bv, N, C, H, W, FN, pad, tile);
    expectWithin(yw!, yj!, (i) => 2 * gamma(C + STEPS[tile]) * ref.winogradMag[i]!, `forward ${label(s)}`);
    const refDx = reference(dv, flipped(wv, FN, C), undefined, N, FN, OH, OW, C, 2 - pad, tile);
    expectWithin(dxw!, dxj!, (i) => 2 * gamma(FN + STEPS[tile]) * refDx.winogradMag[i]!, `dx ${label(s)}`);
  });
});

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.data).buffer));

// [N, C, H, W, FN, pad, pool size, pool stride, pool pad]
const POOLED: number[][] = [[3, 8, 12, 12, 8, 1, 2, 2, 0], [2, 9, 9, 11, 17, 2, 3, 1, 1], [2, 16, 14, 14, 16, 0, 2, 2, 0], [5, 8, 7, 5, 8, 1, 3, 2, 1]];

describe.each(['wasm', 'js'].flatMap((backend) => TILES.map((tile) => [backend, tile] as const)))('%s backend, tile %i, joined with max pooling', (backend, tile) => {
  test.each(POOLED.flatMap((c) => [[...c, 0], [...c, 1]]))('ConvMaxPool gives the bits of the layers: %j', (N, C, H, W, FN, pad, size, stride, poolPad, relu) => {
    setBackend(backend);
    const Wt = tensor(randomValues(FN! * C! * 9), [FN!, C!, 3, 3]), b = tensor(randomValues(FN!), [FN!]);
    const x = tensor(randomValues(N! * C! * H! * W!), [N!, C!, H!, W!]);
    const make = () => ({ conv: new Convolution(Wt, b, 1, pad, { winograd: true, winogradTile: tile }), pool: new Pooling(size!, size!, stride!, poolPad!), relu: new Relu() });
    const separate = make(), joined = make();
    const pooled = separate.pool.forward(separate.conv.forward(x));
    const y = relu ? separate.relu.forward(pooled) : pooled;
    const step = new ConvMaxPool(joined.conv, joined.pool, relu ? joined.relu : undefined);
    expect(bits(step.forward(x))).toEqual(bits(y));
    const dy = tensor(randomValues(y.size), [...y.shape]);
    const dx = separate.conv.backward(separate.pool.backward(relu ? separate.relu.backward(dy) : dy));
    expect(bits(step.backward(dy))).toEqual(bits(dx));
    expect(bits(joined.conv.dW)).toEqual(bits(separate.conv.dW));
    // and it is Winograd: the direct layer's output differs in some last bits, within the bounds
    const direct = new Convolution(Wt, b, 1, pad, { winograd: false }).forward(x);
    const ref = reference(x.data, Wt.data, b.data, N!, C!, H!, W!, FN!, pad!, tile);
    const wino = separate.conv.forward(x);
    expectWithin(wino.data, ref.y, (i) => gamma(C! + STEPS[tile]) * ref.winogradMag[i]!, 'winograd');
    expect(bits(wino)).not.toEqual(bits(direct));
  });
});

describe('determinism', () => {
  // 9 samples: the threads' ranges do not start at a multiple of a chunk. 37 × 33 filters: the
  // threads share their transform (1 221 entries, the second range ending in a partial group of 4)
  const SHAPES = [[9, 16, 14, 14, 16], [3, 37, 6, 7, 33]] as const;
  test.each(TILES.flatMap((tile) => SHAPES.map((shape) => [tile, shape] as const)))('tile %i, %j: two threads give the bits of one, run after run', (tile, shape) => {
    setBackend('wasm');
    setThreads(2);
    expect(threadCount()).toBe(2); // the kernel threads exist (init asked for two)
    const [N, C, H, W, FN] = shape;
    const x = tensor(randomValues(N * C * H * W), [N, C, H, W]), w = tensor(randomValues(FN * C * 9), [FN, C, 3, 3]);
    const b = tensor(randomValues(FN), [FN]);
    const run = (threads: number) => {
      setThreads(threads);
      const out = empty([N, FN, H, W]), dx = empty([N, C, H, W]);
      winogradForward(x, w, b, out, 1, tile);
      winogradBackwardData(out, w, dx, 1, tile);
      const conv = new Convolution(w, b, 1, 1, { winograd: true, winogradTile: tile });
      const step = new ConvMaxPool(conv, new Pooling(2, 2, 2), new Relu());
      const y = step.forward(x);
      const dxPooled = step.backward(y);
      return [out.data.slice(), dx.data.slice(), y.data.slice(), dxPooled.data.slice(), conv.dW.data.slice()];
    };
    const one = run(1), two = run(2), again = run(2);
    expect(two).toEqual(one);
    expect(again).toEqual(one);
  });
});

test('winogradFits: 3×3, stride 1, pad at most 2, 8 channels or more in and out', () => {
  expect(winogradFits([8, 8, 3, 3], 1, 0)).toBe(true);
  expect(winogradFits([64, 32, 3, 3], 1, 2)).toBe(true);
  expect(winogradFits([8, 8, 3, 3], 1, 3)).toBe(false);
  expect(winogradFits([8, 8, 3, 3], 2, 1)).toBe(false);
  expect(winogradFits([8, 8, 5, 5], 1, 1)).toBe(false);
  expect(winogradFits([8, 8, 3, 1], 1, 1)).toBe(false);
  expect(winogradFits([16, 1, 3, 3], 1, 1)).toBe(false);
  expect(winogradFits([7, 16, 3, 3], 1, 1)).toBe(false);
});

test('winogradTile: F(4×4) where it needs fewer multiplications than F(2×2)', () => {
  // DeepConvNet's outputs: 28×28 (1764 against 3136), 14×14, 16×16, 8×8
  for (const size of [28, 14, 16, 8, 4]) expect(winogradTile(size, size)).toBe(4);
  // 36 per 4×4 block against 16 per 2×2: a tie (6×6, 5×5) or a loss keeps F(2×2)
  for (const [h, w] of [[6, 6], [5, 5], [2, 2], [1, 9], [2, 17]]) expect(winogradTile(h!, w!)).toBe(2);
  expect(winogradTile(3, 3)).toBe(4); // 36 against 64
});

test('Convolution and init check the winograd option', async () => {
  const W = tensor(new Float32Array(8 * 8 * 9), [8, 8, 3, 3]), b = tensor(new Float32Array(8), [8]);
  expect(() => new Convolution(W, b, 1, 1, { winograd: 1 as unknown as boolean })).toThrow(/^Convolution: winograd must be a boolean, got 1$/);
  expect(() => new Convolution(W, b, 1, 1, { winogradTile: 3 as never })).toThrow(/^Convolution: winogradTile must be 2 or 4, got 3$/);
  expect(new Convolution(W, b, 1, 1, { winogradTile: 4 }).winogradTile).toBe(4);
  expect(() => new Convolution(W, b, 1, 1, { winnograd: true } as never)).toThrow(/^Convolution: unknown option 'winnograd' \(did you mean 'winograd'\?\)/);
  await expect(init({ winograd: 'yes' as unknown as boolean })).rejects.toThrow(/^init: winograd must be a boolean, got "yes"$/);
});
