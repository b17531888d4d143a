// IDX parsing and loadMnist on small synthetic files: shapes, values, options and every error.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { init, memoryStats } from '../src/index.js';
import { parseIdx } from '../src/data/idx.js';
import { loadMnist, type Mnist, type MnistFiles } from '../src/data/mnist.js';
import { idx } from './idx-files.js';

beforeAll(() => init());

describe('parseIdx', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scratchnet-idx-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('a 3-D file written to disk parses to its dims and bytes, as a view without a copy', async () => {
    const file = join(dir, 'images-idx3-ubyte');
    await writeFile(file, idx([2, 3, 4]));
    const bytes = await readFile(file);
    const { dims, data } = parseIdx(bytes, 'images-idx3-ubyte');
    expect(dims).toEqual([2, 3, 4]);
    expect(Array.from(data)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(data.buffer).toBe(bytes.buffer);
    expect(data.byteOffset).toBe(bytes.byteOffset + 16);
  });

  test('a 1-D file, a 4-D file and dims above 2^24 in the header (big-endian u32)', () => {
    const one = parseIdx(idx([5], [9, 8, 7, 6, 5]), 'labels');
    expect(one.dims).toEqual([5]);
    expect(Array.from(one.data)).toEqual([9, 8, 7, 6, 5]);
    expect(parseIdx(idx([1, 2, 1, 3]), 'four').dims).toEqual([1, 2, 1, 3]);
    // 0x01020304 × 0 elements: checks the byte order without a 16 MB file
    expect(parseIdx(idx([0x01020304, 0]), 'big').dims).toEqual([0x01020304, 0]);
  });

  test('works on a Uint8Array that is a window into a larger buffer', () => {
    const file = idx([2, 2], [1, 2, 3, 4]);
    const padded = new Uint8Array(file.length + 7);
    padded.set(file, 3);
    const { dims, data } = parseIdx(padded.subarray(3, 3 + file.length), 'window');
    expect(dims).toEqual([2, 2]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4]);
  });

  test('truncated data', () => {
    const file = idx([4, 28, 28]).subarray(0, 16 + 1000);
    expect(() => parseIdx(file, 'train-images-idx3-ubyte')).toThrow(
      'parseIdx(train-images-idx3-ubyte): truncated: header declares 4×28×28 = 3136 data bytes, file has 1000 after the 16-byte header');
    expect(() => parseIdx(idx([5], [1, 2]), 'labels')).toThrow(
      /^parseIdx\(labels\): truncated: header declares 5 data bytes, file has 2 after the 8-byte header$/);
  });

  test('trailing bytes', () => {
    expect(() => parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6, 7]), 'x')).toThrow(
      /^parseIdx\(x\): trailing bytes: header declares 2×3 = 6 data bytes, file has 7 after the 12-byte header$/);
  });

  test('wrong magic number (non-zero first bytes)', () => {
    const file = idx([3]);
    file[0] = 0x1f;
    file[1] = 0x8b; // a gzip header: the .gz file instead of the unpacked one
    expect(() => parseIdx(file, 'x.gz')).toThrow(/^parseIdx\(x\.gz\): bad magic number: expected two zero bytes, found 0x1F 0x8B/);
    const second = idx([3]);
    second[1] = 1;
    expect(() => parseIdx(second, 'y')).toThrow(/parseIdx\(y\): bad magic number: .* found 0x00 0x01/);
  });

  test('wrong type byte', () => {
    expect(() => parseIdx(idx([2], [0, 0, 0, 0, 0, 0, 0, 0], 0x0d), 'f')).toThrow(
      /^parseIdx\(f\): unsupported data type 0x0D \(float\): only 0x08 \(unsigned byte\) is supported$/);
    expect(() => parseIdx(idx([2], [0, 0], 0x42), 'g')).toThrow(/parseIdx\(g\): unsupported data type 0x42 \(unknown\)/);
  });

  test('0 or 5 dimensions', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]), 'zero')).toThrow(
      /^parseIdx\(zero\): expected 1 to 4 dimensions, header declares 0$/);
    expect(() => parseIdx(idx([1, 1, 1, 1, 1]), 'five')).toThrow(
      /^parseIdx\(five\): expected 1 to 4 dimensions, header declares 5$/);
  });

  test('a file shorter than its header', () => {
    expect(() => parseIdx(idx([60000, 28, 28], []).subarray(0, 10), 'short')).toThrow(
      /^parseIdx\(short\): truncated header: 3 dimensions need a 16-byte header, file has 10 bytes$/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8]), 'tiny')).toThrow(
      /^parseIdx\(tiny\): expected at least 4 bytes \(the magic number\), file has 3$/);
    expect(() => parseIdx(new Uint8Array(0), 'empty')).toThrow(/parseIdx\(empty\): expected at least 4 bytes/);
  });
});

describe('loadMnist with synthetic files', () => {
  // 3 training and 2 test images of 28×28; image k has pixel p = (k·31 + p) mod 256, so every
  // image holds both 0 and 255.
  const pixels = (n: number, first: number) =>
    Array.from({ length: n * 784 }, (_, i) => ((first + Math.floor(i / 784)) * 31 + (i % 784)) % 256);
  const trainLabels = [5, 0, 9];
  const testLabels = [7, 2];
  const files = (): MnistFiles => ({
    trainImages: idx([3, 28, 28], pixels(3, 0)),
    trainLabels: idx([3], trainLabels),
    testImages: idx([2, 28, 28], pixels(2, 3)),
    testLabels: idx([2], testLabels),
  });
  const dispose = (m: Mnist) => Object.values(m).forEach((t) => t.dispose());

  for (const normalize of [true, false]) {
    for (const flatten of [true, false]) {
      for (const oneHotLabel of [true, false]) {
        test(`normalize=${normalize} flatten=${flatten} oneHotLabel=${oneHotLabel}`, async () => {
          const m = await loadMnist({ normalize, flatten, oneHotLabel, files: files() });
          expect(m.xTrain.shape).toEqual(flatten ? [3, 784] : [3, 1, 28, 28]);
          expect(m.xTest.shape).toEqual(flatten ? [2, 784] : [2, 1, 28, 28]);
          expect(m.tTrain.shape).toEqual(oneHotLabel ? [3, 10] : [3]);
          expect(m.tTest.shape).toEqual(oneHotLabel ? [2, 10] : [2]);
          const scale = normalize ? 255 : 1;
          for (const [x, p] of [[m.xTrain, pixels(3, 0)], [m.xTest, pixels(2, 3)]] as const) {
            expect(Array.from(x.data, (v) => Math.round(v * scale))).toEqual(p);
          }
          for (const [t, labels] of [[m.tTrain, trainLabels], [m.tTest, testLabels]] as const) {
            const expected = oneHotLabel ? labels.flatMap((l) => Array.from({ length: 10 }, (_, c) => (c === l ? 1 : 0))) : labels;
            expect(t.toArray()).toEqual(expected);
          }
          dispose(m);
        });
      }
    }
  }

  test('defaults: normalized, flattened, integer labels; 255 becomes exactly 1 and 0 stays 0', async () => {
    const m = await loadMnist({ files: files() });
    expect(m.xTrain.shape).toEqual([3, 784]);
    expect(m.tTrain.toArray()).toEqual(trainLabels);
    const p = pixels(3, 0), x = m.xTrain.data;
    expect(x[p.indexOf(255)]).toBe(1);
    expect(x[p.indexOf(0)]).toBe(0);
    // the book's float32 x / 255, bit for bit
    for (let i = 0; i < 256; i++) expect(x[p.indexOf(i)]).toBe(Math.fround(i / 255));
    expect(Math.max(...x)).toBe(1);
    dispose(m);
  });

  test('leaves no memory behind once the tensors are disposed', async () => {
    const before = memoryStats().liveBytes;
    dispose(await loadMnist({ files: files(), oneHotLabel: true }));
    expect(memoryStats().liveBytes).toBe(before);
  });

  test('image and label counts must match, per split', async () => {
    const f = files();
    await expect(loadMnist({ files: { ...f, trainLabels: idx([2], [1, 2]) } })).rejects.toThrow(
      'loadMnist: train-images-idx3-ubyte has 3 images but train-labels-idx1-ubyte has 2 labels');
    await expect(loadMnist({ files: { ...f, testImages: idx([3, 28, 28]) } })).rejects.toThrow(
      'loadMnist: t10k-images-idx3-ubyte has 3 images but t10k-labels-idx1-ubyte has 2 labels');
  });

  test('a label outside 0..9 names the file, the index and the value; nothing is left allocated', async () => {
    const before = memoryStats().liveBytes;
    await expect(loadMnist({ files: { ...files(), testLabels: idx([2], [3, 10]) } })).rejects.toThrow(
      'loadMnist: t10k-labels-idx1-ubyte: label 1 is 10, expected a class in 0..9');
    expect(memoryStats().liveBytes).toBe(before);
  });

  test('images must be N×28×28, labels one-dimensional', async () => {
    const f = files();
    await expect(loadMnist({ files: { ...f, trainImages: idx([3, 784]) } })).rejects.toThrow(
      'loadMnist: train-images-idx3-ubyte: expected images of shape (N, 28, 28), got (3, 784)');
    await expect(loadMnist({ files: { ...f, trainImages: idx([3, 14, 56]) } })).rejects.toThrow(/got \(3, 14, 56\)/);
    await expect(loadMnist({ files: { ...f, testLabels: idx([2, 1]) } })).rejects.toThrow(
      'loadMnist: t10k-labels-idx1-ubyte: expected labels of shape (N,), got (2, 1)');
  });

  test('IDX errors name the file; missing files and bad options are reported', async () => {
    const f = files();
    await expect(loadMnist({ files: { ...f, trainLabels: idx([3], [1]) } })).rejects.toThrow(
      /^parseIdx\(train-labels-idx1-ubyte\): truncated/);
    const { testLabels: _, ...three } = f;
    await expect(loadMnist({ files: three as MnistFiles })).rejects.toThrow(
      'loadMnist: files.testLabels must be a Uint8Array with the bytes of t10k-labels-idx1-ubyte, got undefined');
    await expect(loadMnist({ files: f, normalize: 'yes' as unknown as boolean })).rejects.toThrow(
      'loadMnist: option normalize must be a boolean, got "yes"');
  });
});
