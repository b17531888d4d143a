// A Convolution followed by a max Pooling (and a Relu) runs as one step in a network
// (ConvMaxPool, the f32_conv_maxpool / f32_maxpool_conv kernels): the same bits as the layers run one after the other, forward and backward (with and
// without dx), on both backends and on one and two threads, for convolutions and poolings with
// padding, strides and overlapping windows; misuse is a clear error.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { Convolution, ConvMaxPool, createRng, init, Pooling, Relu, setBackend, tensor, type Tensor } from '../src/index.js';

await init();
afterAll(() => setBackend('wasm'));

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.data).buffer));

interface Case { N: number; C: number; H: number; W: number; FN: number; F: number; stride: number; pad: number; pool: [number, number, number] }

// pool: [size, stride, pad]. 2×2 at stride 2 takes the kernels' fast paths; the others the general ones
// (overlapping windows add up in the backward; padded windows can pick no input).
const CASES: Case[] = [
  { N: 3, C: 1, H: 12, W: 12, FN: 5, F: 3, stride: 1, pad: 0, pool: [2, 2, 0] },
  { N: 2, C: 3, H: 9, W: 11, FN: 17, F: 3, stride: 1, pad: 1, pool: [3, 1, 1] },
  { N: 4, C: 2, H: 13, W: 9, FN: 9, F: 3, stride: 2, pad: 1, pool: [3, 2, 1] },
  { N: 1, C: 1, H: 5, W: 5, FN: 1, F: 1, stride: 1, pad: 0, pool: [2, 1, 0] },
  { N: 5, C: 2, H: 28, W: 28, FN: 30, F: 5, stride: 1, pad: 0, pool: [2, 2, 0] }, // SimpleConvNet's, smaller batch
  // strides that do not divide (output sizes floor): a 9×8 convolution output under 2×2 windows at
  // stride 2 leaves its last row uncovered; a stride-2 convolution of a 13×16 image (6×7), then 2×2 at 2
  { N: 2, C: 2, H: 11, W: 10, FN: 6, F: 3, stride: 1, pad: 0, pool: [2, 2, 0] },
  { N: 3, C: 1, H: 13, W: 16, FN: 6, F: 3, stride: 2, pad: 0, pool: [2, 2, 0] },
];

function setup({ N, C, H, W, FN, F, stride, pad, pool: [size, poolStride, poolPad] }: Case, seed: number) {
  const rng = createRng(seed);
  // halves: ties within pooling windows, and exact zeros
  const halves = (n: number) => Array.from({ length: n }, () => (rng.int(9) - 4) / 2);
  const Wt = tensor(Array.from({ length: FN * C * F * F }, () => rng.uniform(-1, 1)), [FN, C, F, F]);
  const b = tensor(Array.from({ length: FN }, () => rng.uniform(-1, 1)), [FN]);
  const x = tensor(halves(N * C * H * W), [N, C, H, W]);
  const make = () => ({ conv: new Convolution(Wt, b, stride, pad), pool: new Pooling(size, size, poolStride, poolPad) });
  return { x, make, dout: (shape: readonly number[]) => tensor(halves(shape.reduce((s, d) => s * d, 1)), [...shape]) };
}

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  test.each(CASES.flatMap((c) => [{ ...c, relu: false }, { ...c, relu: true }]))('ConvMaxPool gives the bits of the layers (relu: a Relu after the pooling): %j', (c) => {
    setBackend(backend);
    const { x, make, dout } = setup(c, c.H * 31 + c.FN);
    const separate = make(), fused = make(), relu = new Relu();
    const pooled = separate.pool.forward(separate.conv.forward(x));
    const y = c.relu ? relu.forward(pooled) : pooled;
    const step = new ConvMaxPool(fused.conv, fused.pool, c.relu ? new Relu() : undefined);
    const yFused = step.forward(x);
    expect(yFused.shape).toEqual(y.shape);
    expect(bits(yFused)).toEqual(bits(y));
    const dy = dout(y.shape);
    const dx = separate.conv.backward(separate.pool.backward(c.relu ? relu.backward(dy) : dy));
    const dxFused = step.backward(dy);
    expect(bits(dxFused)).toEqual(bits(dx));
    expect(bits(fused.conv.dW)).toEqual(bits(separate.conv.dW));
    expect(bits(fused.conv.db)).toEqual(bits(separate.conv.db));
    // without dx, as a network's first layer: the same dW and db, nothing returned
    fused.conv.dW.data.fill(NaN);
    fused.conv.db.data.fill(NaN);
    expect(step.backwardParams(dy)).toBeUndefined();
    expect(bits(fused.conv.dW)).toEqual(bits(separate.conv.dW));
    expect(bits(fused.conv.db)).toEqual(bits(separate.conv.db));
    // and the gradient reached something: not every dx is zero; the ReLU zeroed some windows
    expect(dx.data.some((v) => v !== 0)).toBe(true);
    if (c.relu && c.FN > 1) expect(y.data.some((v) => v === 0)).toBe(true);
  });
});

test.each(['wasm', 'js'] as const)('%s: with the Relu joined, windows whose maximum is exactly 0 pass no gradient, as the Relu\'s backward gives', (backend) => {
  setBackend(backend);
  // zero bias and an image that is 0 but for its last rows: most windows see only exact zeros
  const N = 2, FN = 4;
  const rng = createRng(8);
  const W = tensor(Array.from({ length: FN * 9 }, () => rng.uniform(-1, 1)), [FN, 1, 3, 3]);
  const b = tensor(new Float32Array(FN), [FN]);
  const x = tensor(Array.from({ length: N * 100 }, (_, i) => (i % 100 >= 80 ? rng.uniform(-1, 1) : 0)), [N, 1, 10, 10]);
  const [separate, fused] = [0, 1].map(() => ({ conv: new Convolution(W, b), pool: new Pooling(2, 2, 2), relu: new Relu() }));
  const y = separate.relu.forward(separate.pool.forward(separate.conv.forward(x)));
  const step = new ConvMaxPool(fused.conv, fused.pool, fused.relu);
  const yFused = step.forward(x);
  expect(bits(yFused)).toEqual(bits(y));
  expect(y.data.filter((v) => v === 0).length).toBeGreaterThan(y.size / 2);
  const dy = tensor(Array.from({ length: y.size }, () => rng.uniform(0.5, 1)), [...y.shape]);
  const dx = separate.conv.backward(separate.pool.backward(separate.relu.backward(dy)));
  expect(bits(step.backward(dy))).toEqual(bits(dx));
  expect(bits(fused.conv.dW)).toEqual(bits(separate.conv.dW));
});

test('the fused passes split between two threads give the bits of one thread', () => {
  // a fresh process each: the thread count is fixed by the first init()
  const script = `
    const m = await import('./dist/index.js');
    await m.init({ threads: Number(process.argv[1]) });
    const rng = m.createRng(3);
    const r = (n, shape) => m.tensor(Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
    const conv = new m.Convolution(r(30 * 25, [30, 1, 5, 5]), r(30, [30]));
    const step = new m.ConvMaxPool(conv, new m.Pooling(2, 2, 2), new m.Relu());
    const y = step.forward(r(64 * 784, [64, 1, 28, 28]));
    const dx = step.backward(r(y.size, y.shape));
    const hash = (t) => require('node:crypto').createHash('sha256').update(new Uint8Array(Float32Array.from(t.data).buffer)).digest('hex');
    console.log([y, dx, conv.dW, conv.db].map(hash).join(' '), m.threadCount());`;
  const run = (threads: number) => spawnSync(process.execPath, ['--input-type=commonjs', '-e', `(async () => {${script}})()`, String(threads)], { encoding: 'utf8' });
  const one = run(1), two = run(2);
  expect(one.stderr).toBe('');
  const [hashesOne, countOne] = one.stdout.trim().split(/ (?=\d+$)/);
  const [hashesTwo, countTwo] = two.stdout.trim().split(/ (?=\d+$)/);
  expect([countOne, countTwo]).toEqual(['1', '2']);
  expect(hashesTwo).toBe(hashesOne);
});

describe('misuse is a clear error', () => {
  const c = CASES[0];
  test('a backward before the forward, and a dout of the wrong shape', () => {
    setBackend('wasm');
    const { x, make, dout } = setup(c, 2);
    const { conv, pool } = make();
    const step = new ConvMaxPool(conv, pool);
    expect(() => step.backward(dout([3, 5, 5, 5]))).toThrow(/^ConvMaxPool\.backward: call forward first \(or its input was disposed\)$/);
    step.forward(x);
    expect(() => step.backward(dout([1, 2, 3, 4]))).toThrow(/^ConvMaxPool\.backward: dout must be \(3, 5, 5, 5\), got \(1, 2, 3, 4\)$/);
    // the layers keep their own state: the step's passes are not theirs
    expect(() => conv.backward(dout([3, 5, 10, 10]))).toThrow(/^Convolution\.backward: call forward first/);
    expect(() => pool.backward(dout([3, 5, 5, 5]))).toThrow(/^Pooling\.backward: call forward first$/);
  });

  test('a pooling window larger than the convolution output', () => {
    setBackend('wasm');
    const { x, make } = setup(c, 3);
    const { conv } = make();
    expect(() => new ConvMaxPool(conv, new Pooling(11, 11, 1)).forward(x)).toThrow(/^ConvMaxPool\.forward \(Pooling\): the 11×11 window is larger than the padded 10×10 input$/);
  });
});
