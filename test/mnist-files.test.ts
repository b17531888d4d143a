// loadMnist({ files }) with the files as users have them: gzipped as the MNIST mirrors serve them,
// or copied into the linear memory; and its options object checked like every other.
import { gzipSync } from 'node:zlib';
import { beforeAll, expect, test } from 'vitest';
import { allocator, init, memoryBuffer, memoryStats } from '../src/backend/runtime.js';
import { loadMnist, type Mnist, type MnistFiles } from '../src/data/mnist.js';
import { FileFormatError } from '../src/errors.js';
import { idx } from './idx-files.js';

// One thread: the memory is a plain WebAssembly.Memory, whose growth detaches every view of it.
beforeAll(() => init({ threads: 1 }));

const pixels = (n: number): Uint8Array => Uint8Array.from({ length: n * 784 }, (_, i) => (i * 13 + (i >> 10)) % 256);
const files = (n = 3): MnistFiles => ({
  trainImages: idx([n, 28, 28], pixels(n)),
  trainLabels: idx([n], Array.from({ length: n }, (_, i) => i % 10)),
  testImages: idx([2, 28, 28], pixels(2)),
  testLabels: idx([2], [7, 2]),
});
const arrays = (m: Mnist) => Object.values(m).map((t) => t.toArray());
const dispose = (m: Mnist) => Object.values(m).forEach((t) => t.dispose());

test('gzipped files (node:zlib) load the same tensors as the raw ones', async () => {
  const raw = files();
  const gzipped = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, new Uint8Array(gzipSync(v))])) as unknown as MnistFiles;
  expect(gzipped.trainImages[0]).toBe(0x1f);
  const a = await loadMnist({ files: raw, oneHotLabel: true });
  const b = await loadMnist({ files: gzipped, oneHotLabel: true });
  expect(arrays(b)).toEqual(arrays(a));
  // raw and gzipped files mixed
  const c = await loadMnist({ files: { ...raw, testImages: gzipped.testImages }, oneHotLabel: true });
  expect(arrays(c)).toEqual(arrays(a));
  [a, b, c].forEach(dispose);
});

test('a truncated gzip file is an error naming the file, and nothing is left allocated', async () => {
  const before = memoryStats().liveBytes;
  const whole = gzipSync(files().trainLabels);
  const truncated = new Uint8Array(whole.subarray(0, whole.length - 6));
  await expect(loadMnist({ files: { ...files(), trainLabels: truncated } })).rejects.toThrow(
    /^loadMnist: files\.trainLabels \(train-labels-idx1-ubyte\): gzip data could not be inflated/);
  await expect(loadMnist({ files: { ...files(), trainLabels: truncated } })).rejects.toBeInstanceOf(FileFormatError);
  // a gzip file that inflates to a broken IDX file: the IDX reader's error
  const broken = new Uint8Array(gzipSync(files().testLabels.subarray(0, 9)));
  await expect(loadMnist({ files: { ...files(), testLabels: broken } })).rejects.toThrow(/^parseIdx\(t10k-labels-idx1-ubyte\): truncated/);
  expect(memoryStats().liveBytes).toBe(before);
});

test('an unknown option is an error, with the known ones listed', async () => {
  await expect(loadMnist({ files: files(), oneHot: true } as never)).rejects.toThrow(
    /^loadMnist: unknown option 'oneHot' \(did you mean 'oneHotLabel'\?\); expected 'normalize', 'flatten', 'oneHotLabel', 'files', 'trainSize', 'testSize'$/);
  await expect(loadMnist({ files: files(), flaten: false } as never)).rejects.toThrow(/unknown option 'flaten' \(did you mean 'flatten'\?\)/);
});

test('files that are views of the linear memory load although the tensors grow the memory', async () => {
  // enough images that their float copies need more memory than there is free
  const n = Math.ceil(memoryStats().memoryBytes / (784 * 4)) + 100;
  const given = files(n);
  const expected = await loadMnist({ files: given });
  const want = arrays(expected);
  dispose(expected);
  const memoryBefore = memoryStats().memoryBytes;
  const blocks: number[] = [];
  const entries = Object.entries(given);
  for (const [, v] of entries) blocks.push(allocator().alloc(v.length));
  // the views are made once every block exists (an allocation could have grown the memory)
  const inMemory = Object.fromEntries(entries.map(([k, v], i) => {
    const view = new Uint8Array(memoryBuffer(), blocks[i], v.length);
    view.set(v);
    return [k, view];
  })) as unknown as MnistFiles;
  try {
    const m = await loadMnist({ files: inMemory });
    expect(memoryStats().memoryBytes).toBeGreaterThan(memoryBefore); // the memory did grow
    expect(arrays(m)).toEqual(want);
    dispose(m);
  } finally {
    for (const b of blocks) allocator().free(b);
  }
});
