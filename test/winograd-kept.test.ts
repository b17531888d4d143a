// A training forward of a Winograd convolution keeps its transformed input V, and the filter
// gradient reads it instead of transforming x again: dW, db and dx have the same bits as when
// the forward kept nothing (forward(x, false)), for both tiles, with and without a joined max
// pooling, on one and two threads, with batches that end in a partial chunk of samples.
import { afterAll, expect, test } from 'vitest';
import { Convolution, ConvMaxPool, createRng, init, memoryStats, Pooling, Relu, setThreads, tensor, threadCount, type Tensor } from '../src/index.js';
import { threadsReady } from '../src/backend/runtime.js';

await init({ threads: 2 });
await threadsReady(); // the kernel thread runs the two-thread halves
afterAll(() => setThreads(threadCount()));

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.data).buffer));

interface Case { N: number; C: number; H: number; W: number; FN: number; pad: number; tile: 2 | 4 }

// Chunks hold 128 / tiles samples (F(4×4)) or a few (F(2×2)): N = 1, 3, 17 and 37 end mid-chunk.
const CASES: Case[] = [
  { N: 3, C: 8, H: 8, W: 8, FN: 8, pad: 1, tile: 4 },
  { N: 17, C: 9, H: 14, W: 14, FN: 16, pad: 1, tile: 4 },
  { N: 5, C: 16, H: 7, W: 9, FN: 11, pad: 0, tile: 4 },
  { N: 37, C: 8, H: 10, W: 6, FN: 8, pad: 2, tile: 2 },
  { N: 1, C: 12, H: 11, W: 13, FN: 9, pad: 1, tile: 2 },
  { N: 17, C: 8, H: 28, W: 28, FN: 8, pad: 1, tile: 4 },
];

function setup({ N, C, H, W, FN, pad, tile }: Case, seed: number) {
  const rng = createRng(seed);
  const normal = (n: number) => Array.from({ length: n }, () => rng.normal());
  const Wt = tensor(normal(FN * C * 9), [FN, C, 3, 3]), b = tensor(normal(FN), [FN]);
  const x = tensor(normal(N * C * H * W), [N, C, H, W]);
  const conv = () => new Convolution(Wt, b, 1, pad, { winograd: true, winogradTile: tile });
  return { x, conv, dout: (shape: readonly number[]) => tensor(normal(shape.reduce((s, d) => s * d, 1)), [...shape]) };
}

for (const threads of [1, 2]) {
  for (const c of CASES) {
    test(`kept V gives the same bits: ${JSON.stringify(c)}, ${threads} thread(s)`, () => {
      setThreads(threads);
      const { x, conv, dout } = setup(c, c.N + c.C);
      const kept = conv(), fresh = conv();
      const y = kept.forward(x, true);
      const yFresh = fresh.forward(x, false);
      expect(bits(y)).toEqual(bits(yFresh));
      const d = dout(y.shape);
      const dxKept = kept.backward(d), dxFresh = fresh.backward(d);
      expect(bits(kept.dW)).toEqual(bits(fresh.dW));
      expect(bits(kept.db)).toEqual(bits(fresh.db));
      expect(bits(dxKept)).toEqual(bits(dxFresh));
      kept.dispose();
      fresh.dispose();
    });

    test(`kept V gives the same bits with a joined max pooling and ReLU: ${JSON.stringify(c)}, ${threads} thread(s)`, () => {
      setThreads(threads);
      const { x, conv, dout } = setup(c, 7 * c.N + c.C);
      const make = () => new ConvMaxPool(conv(), new Pooling(2, 2, 2), new Relu());
      const kept = make(), fresh = make();
      const y = kept.forward(x, true);
      expect(bits(y)).toEqual(bits(fresh.forward(x, false)));
      const d = dout(y.shape);
      expect(bits(kept.backward(d))).toEqual(bits(fresh.backward(d)));
      expect(bits(kept.conv.dW)).toEqual(bits(fresh.conv.dW));
      expect(bits(kept.conv.db)).toEqual(bits(fresh.conv.db));
      kept.dispose();
      fresh.dispose();
    });
  }
}

test('only a training forward keeps V, and an evaluation forward after it drops it', () => {
  setThreads(1);
  const c = CASES[1]!;
  const { x, conv, dout } = setup(c, 3);
  const layer = conv(), other = conv();
  const before = memoryStats().liveBytes;
  layer.forward(x, false);
  const evaluated = memoryStats().liveBytes - before;
  layer.forward(x, true);
  const trained = memoryStats().liveBytes - before;
  // V of 17 samples of 9 channels, 16 tiles each: 36 planes of 9 × (8·16 + 4) floats per chunk of 8
  // samples, 3 chunks
  expect(trained - evaluated).toBeGreaterThanOrEqual(3 * 36 * 9 * (8 * 16 + 4) * 4);
  // a forward(x, false) after the training one: the backward transforms x again, and gets the same
  // gradient as a layer that never kept anything
  const x2 = setup(c, 4).x;
  layer.forward(x2, false);
  other.forward(x2, false);
  const d = dout([c.N, c.FN, c.H, c.W]);
  layer.backward(d);
  other.backward(d);
  expect(bits(layer.dW)).toEqual(bits(other.dW));
  layer.dispose();
  other.dispose();
});
