// Sizes on the way to a kernel are exact up to 4 GiB, and a request the memory cannot hold is a
// clear Error that leaves the runtime computing what it computed before. (Running such sizes,
// above 2 GiB, is in large-memory.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, threadsReady } from '../src/backend/runtime.js';
import { trapError } from '../src/backend/trap-guard.js';
import { Convolution, ConvMaxPool, createRng, empty, im2col, init, ones, Pooling, setBackend, setThreads, SimpleConvNet, tensor, zeros } from '../src/index.js';
import { memoryStats } from '../src/index.js';

beforeAll(async () => {
  await init({ threads: 2 });
  await threadsReady(); // the kernel threads run the two-thread halves of every comparison
});
afterAll(() => {
  setBackend('wasm');
  setThreads(2);
});

// geometry (C, H, W, FN, FH, FW, stride, pad) and the column matrix's bytes K·P·4, computed here
const cases: [string, number[], number][] = [
  ['the issue\'s 5×5 filter with pad 2320', [1, 1, 1, 1, 5, 5, 1, 2320], 25 * 4637 ** 2 * 4],
  ['W (8, 3, 5, 5) on a 3×3000×3000 image', [3, 3000, 3000, 8, 5, 5, 1, 0], 75 * 2996 ** 2 * 4],
  ['a column matrix past 4 GiB', [1, 1, 1, 1, 5, 5, 1, 10000], 25 * 19997 ** 2 * 4],
];

describe('convolution scratch sizes', () => {
  test.each(cases)('are exact past 2³¹ bytes: %s', (_, geometry, colBytes) => {
    const [C, H, W, FN, FH, FW, stride, pad] = geometry;
    const P = ((H + 2 * pad - FH) / stride + 1) * ((W + 2 * pad - FW) / stride + 1);
    const wasm = backendKernels('wasm'), js = backendKernels('js');
    const g = [C, H, W, FN, FH, FW, stride, pad] as const;
    // the twin's GEMM needs no workspace; the wasm one's is a few MiB at most
    expect(js.f32_conv_scratch_bytes(...g)).toBe(colBytes);
    expect(wasm.f32_conv_scratch_bytes(...g) - colBytes).toBeGreaterThanOrEqual(0);
    expect(wasm.f32_conv_scratch_bytes(...g) - colBytes).toBeLessThan(2 ** 22);
    expect(js.f32_conv_maxpool_scratch_bytes(...g)).toBe(colBytes + FN * P * 4);
    expect(wasm.f32_conv_maxpool_scratch_bytes(...g) - wasm.f32_conv_scratch_bytes(...g)).toBe(FN * P * 4);
  });
});

/** A small network's loss and gradient, copied out: what "the runtime computes" before and after. */
function reference(): number[] {
  const rng = createRng(3);
  const net = new SimpleConvNet({ inputDim: [1, 6, 6], convParam: { filterNum: 3, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 5, outputSize: 2, seed: 4 });
  const x = tensor(Float32Array.from({ length: 2 * 36 }, () => rng.normal()), [2, 1, 6, 6]);
  const t = tensor([1, 0]);
  const grads = net.gradient(x, t);
  const out = [net.lastLoss, ...Object.values(grads).flatMap((g) => g.toArray())];
  net.dispose();
  for (const a of [x, t]) a.dispose();
  return out;
}

describe.each(['wasm', 'js'] as const)('requests past 4 GiB on %s', (backend) => {
  test.each([1, 2])('are a clear Error and change nothing (%i threads)', (threads) => {
    setBackend(backend);
    setThreads(threads);
    const before = reference();
    const live = memoryStats().liveBytes;
    const bystander = tensor([1, 2, 3]);
    // a 330×330 output (871 KB for two samples) whose column matrix, 10⁴ × 330², is 4.36 GB
    const [W, b] = [ones([1, 1, 100, 100]), zeros([1])];
    const conv = new Convolution(W, b, 1, 214);
    const x = ones([2, 1, 1, 1]);
    expect(() => conv.forward(x)).toThrow(/^Convolution.forward: needs 43\d{8} bytes of kernel scratch: alloc: .* do not fit in the 4 GiB/);
    const pool = new Pooling(330, 330, 330);
    const step = new ConvMaxPool(conv, pool);
    expect(() => step.forward(x)).toThrow(/^ConvMaxPool.forward: needs \d+ bytes of kernel scratch: alloc: .* do not fit in the 4 GiB/);
    expect(() => empty([2 ** 31])).toThrow(/alloc: 8589934592 bytes do not fit in the 4 GiB/);
    expect(() => im2col(x, 5, 5, 1, 10000)).toThrow(/alloc: .* do not fit in the 4 GiB/);
    // geometry that would wrap the kernels' 32-bit sizes
    const wide = new Convolution(ones([1, 1, 1, 1]), zeros([1]), 2 ** 31, 2 ** 30);
    expect(() => wide.forward(x)).toThrow(/Convolution.forward: the padded input .* must be below 2³¹/);
    expect(bystander.toArray()).toEqual([1, 2, 3]);
    for (const a of [step, conv, pool, x, bystander, W, b, wide, wide.W, wide.b]) a.dispose();
    expect(memoryStats().liveBytes).toBe(live);
    expect(reference()).toEqual(before);
  });
});

test('a trap becomes an Error naming the kernel and its arguments', () => {
  const trap = new WebAssembly.RuntimeError('memory access out of bounds');
  const e = trapError('f32_fill', [4294967290, 8, 1], trap) as Error;
  expect(e).not.toBeInstanceOf(WebAssembly.RuntimeError);
  expect(e.message).toMatch(/^scratchnet: kernel f32_fill\(4294967290, 8, 1\) trapped \(memory access out of bounds\)/);
  const other = new Error('other');
  expect(trapError('f32_fill', [], other)).toBe(other);
});

test('the wasm kernels the runtime hands out turn a trap into that Error', () => {
  setBackend('wasm');
  // a fill past the end of the memory: no layer can ask for it, a raw kernel call can
  const end = memoryStats().memoryBytes;
  expect(() => backendKernels('wasm').f32_fill(end - 4, 1024, 1)).toThrow(/^scratchnet: kernel f32_fill\(.*\) trapped/);
});
