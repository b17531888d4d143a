// Kernel scratch grown for one large call goes back to the allocator after it: live bytes return
// to training's level, the next large call reuses the space (the memory does not grow), results are
// the same, and a training step in steady state neither allocates nor frees anything.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { Adam, Convolution, createRng, init, layers as L, memoryStats, Sequential, setBackend, setThreads, tensor } from '../src/index.js';
import { allocator, KEPT_WORKSPACE_BYTES } from '../src/backend/runtime.js';

beforeAll(() => init({ threads: 2 }));
afterAll(() => {
  setBackend('wasm');
  setThreads(2);
});

const rng = createRng(5);
const random = (shape: number[]) => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
const labels = (n: number) => tensor(Array.from({ length: n }, (_, i) => i % 10), [n]);

// A small convolutional network trained a few steps: its live bytes are the steady state.
function trainedNet(): { net: Sequential; step: () => void; dispose: () => void } {
  const net = new Sequential({ inputShape: [1, 28, 28], layers: [L.conv2d({ filters: 4, kernelSize: 3 }), L.relu(),
    L.maxPool2d({ size: 2 }), L.dense({ units: 10 })], seed: 1 });
  const [x, t, adam] = [random([100, 1, 28, 28]), labels(100), new Adam()];
  const step = () => adam.update(net.params, net.gradient(x, t));
  for (let i = 0; i < 3; i++) step();
  return { net, step, dispose: () => [net, x, t, adam].forEach((o) => o.dispose()) };
}

describe.each([1, 2])('%i thread(s)', (threads) => {
  test('a convolution whose columns are 100 MiB gives its scratch back, and the next one reuses it', () => {
    setThreads(threads);
    const { step, dispose } = trainedNet();
    const steady = memoryStats().liveBytes;
    // one sample per thread: each thread's columns are 25 × 1024² floats (100 MiB), above what is kept
    const [W, b, x] = [random([2, 1, 5, 5]), random([2]), random([2, 1, 1024, 1024])];
    expect(25 * 1024 * 1024 * 4).toBeGreaterThan(KEPT_WORKSPACE_BYTES);
    const conv = new Convolution(W, b, 1, 2);
    const before = memoryStats().liveBytes;
    const first = conv.forward(x).toFloat32Array();
    const outBytes = first.length * 4;
    // what stays is the layer's output buffer (one 64-byte-aligned block), no scratch
    expect(memoryStats().liveBytes - before).toBeLessThanOrEqual(outBytes + 64);
    const memory = allocator().memoryBytes;
    const second = conv.forward(x).toFloat32Array();
    expect(allocator().memoryBytes).toBe(memory);
    expect(memoryStats().liveBytes - before).toBeLessThanOrEqual(outBytes + 64);
    expect(Buffer.from(second.buffer).equals(Buffer.from(first.buffer))).toBe(true);
    // the same values as the pure-JS twin
    setBackend('js');
    const reference = conv.forward(x).toFloat32Array();
    setBackend('wasm');
    let worst = 0;
    for (let i = 0; i < first.length; i++) worst = Math.max(worst, Math.abs(first[i] - reference[i]));
    expect(worst).toBeLessThan(1e-4);
    for (const t of [conv, W, b, x] as { dispose(): void }[]) t.dispose();
    expect(memoryStats().liveBytes).toBe(steady);
    step();
    expect(memoryStats().liveBytes).toBe(steady);
    expect(allocator().memoryBytes).toBe(memory);
    dispose();
  });

  test('a 60 000-image predict leaves live bytes at the training level', () => {
    setThreads(threads);
    const { net, step, dispose } = trainedNet();
    const x = random([60000, 1, 28, 28]);
    const steady = memoryStats().liveBytes;
    net.predict(x).dispose();
    expect(memoryStats().liveBytes).toBe(steady);
    const memory = allocator().memoryBytes;
    net.predict(x).dispose();
    step();
    expect(memoryStats().liveBytes).toBe(steady);
    expect(allocator().memoryBytes).toBe(memory);
    x.dispose();
    dispose();
  });

  test('a training step in steady state allocates and frees nothing', () => {
    setThreads(threads);
    const { step, dispose } = trainedNet();
    const a = allocator();
    const alloc = vi.spyOn(a, 'alloc'), free = vi.spyOn(a, 'free');
    for (let i = 0; i < 3; i++) step();
    expect([alloc.mock.calls.length, free.mock.calls.length]).toEqual([0, 0]);
    alloc.mockRestore();
    free.mockRestore();
    dispose();
  });
});
