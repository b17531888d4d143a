// Tensors in linear memory: creation, views, copies, disposal, growth, seeded randomness, errors.
import { beforeAll, describe, expect, test } from 'vitest';
import { createRng, empty, full, getBackend, init, memoryStats, ones, randn, setBackend, tensor, Tensor, zeros } from '../src/index.js';

beforeAll(() => init());

describe('tensor()', () => {
  test('copies values into linear memory with the given shape', () => {
    const values = [1, 2, 3, 4, 5, 6];
    const t = tensor(values, [2, 3]);
    values[0] = 99;
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.offset % 64).toBe(0);
  });

  test('defaults to one dimension and accepts typed arrays', () => {
    const t = tensor(new Float64Array([0.5, -1.5]));
    expect(t.shape).toEqual([2]);
    expect(t.toArray()).toEqual([0.5, -1.5]);
  });

  test('rejects a wrong value count, bad dimensions and non-numbers, naming the function', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: shape (2, 2) needs 4 values, got 3');
    expect(() => tensor([1, 2], [-2])).toThrow(/tensor: shape dimensions must be non-negative integers, got \[-2\]/);
    expect(() => tensor([1, 2], [0.5, 4])).toThrow(/non-negative integers, got \[0.5, 4\]/);
    expect(() => tensor(['a', 'b'] as unknown as number[], [2])).toThrow(/tensor: expected numbers, got "a" at index 0/);
    expect(() => tensor(5 as unknown as number[])).toThrow(/tensor: expected an array or typed array of numbers, got 5/);
    expect(() => zeros('3' as unknown as number[])).toThrow(/expected a shape/);
  });

  test('the shape cannot be changed from outside', () => {
    const t = zeros([2, 2]);
    expect(() => (t.shape as number[]).push(3)).toThrow();
  });
});

test('zeros, ones and empty have the right shapes and contents', () => {
  expect(zeros([2, 3]).toArray()).toEqual(new Array(6).fill(0));
  expect(ones([4]).toArray()).toEqual([1, 1, 1, 1]);
  expect(empty([3, 0]).size).toBe(0);
  expect(zeros([0]).toArray()).toEqual([]);
});

describe('reshape', () => {
  test('is a view: writes through one show in the other', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const v = t.reshape([3, -1]);
    expect(v.shape).toEqual([3, 2]);
    v.data[0] = 42;
    expect(t.data[0]).toBe(42);
  });

  test('keeps the memory alive until the last view is disposed', () => {
    const before = memoryStats().liveBytes;
    const t = zeros([64]);
    const v = t.reshape([8, 8]);
    t.dispose();
    expect(memoryStats().liveBytes).toBe(before + 256);
    expect(v.toArray()).toEqual(new Array(64).fill(0));
    v.dispose();
    expect(memoryStats().liveBytes).toBe(before);
  });

  test('rejects sizes that do not match and two -1 dimensions', () => {
    const t = zeros([2, 3]);
    expect(() => t.reshape([4, 2])).toThrow('Tensor(2, 3).reshape: cannot reshape 6 elements into [4, 2]');
    expect(() => t.reshape([-1, -1])).toThrow(/at most one dimension may be -1/);
    expect(() => t.reshape([4, -1])).toThrow(/cannot reshape 6 elements into \[4, -1\]/);
  });
});

test('clone copies into new memory on both backends', () => {
  for (const backend of ['wasm', 'js'] as const) {
    setBackend(backend);
    const t = tensor([1, 2, 3]);
    const c = t.clone();
    t.data[0] = 7;
    expect(c.toArray()).toEqual([1, 2, 3]);
    expect(c.offset).not.toBe(t.offset);
  }
  setBackend('wasm');
  expect(getBackend()).toBe('wasm');
});

describe('dispose', () => {
  test('returns the memory and makes later use an error', () => {
    const before = memoryStats().liveBytes;
    const t = zeros([1000]);
    expect(memoryStats().liveBytes).toBe(before + 4032);
    t.dispose();
    t.dispose(); // twice is harmless
    expect(memoryStats().liveBytes).toBe(before);
    expect(t.disposed).toBe(true);
    expect(() => t.data).toThrow('Tensor(1000,): used after dispose()');
    expect(() => t.toArray()).toThrow(/used after dispose/);
    expect(() => t.clone()).toThrow(/used after dispose/);
    expect(() => t.reshape([10, 100])).toThrow(/used after dispose/);
  });
});

test('data reads right after the memory grew (views are re-derived)', () => {
  const t = tensor([1, 2, 3, 4]);
  const before = memoryStats().memoryBytes;
  const big = zeros([before / 4]); // larger than the whole memory: forces growth
  expect(memoryStats().memoryBytes).toBeGreaterThan(before);
  expect(t.toArray()).toEqual([1, 2, 3, 4]);
  t.data[1] = 20;
  expect(t.toArray()).toEqual([1, 20, 3, 4]);
  big.dispose();
});

describe('seeded randomness', () => {
  test('the same seed gives the same numbers; another seed does not', () => {
    const a = createRng(7), b = createRng(7), c = createRng(8);
    const sa = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.nextUint32())).not.toEqual(sa);
    expect(randn([50], createRng(3)).toArray()).toEqual(randn([50], createRng(3)).toArray());
  });

  test('uniform is in [0, 1) and normal has mean 0 and variance 1', () => {
    const r = createRng(1);
    let sum = 0, sumSq = 0, lo = 1, hi = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const z = r.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(sum / n)).toBeLessThan(0.02); // 5 standard errors
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.03);
  });

  test('int(n) covers [0, n) evenly', () => {
    const r = createRng(2);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 50_000; i++) counts[r.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 5000)).toBeLessThan(400);
    expect(() => r.int(0)).toThrow(/Rng.int: expected an integer in \[1, 2\^32\], got 0/);
  });

  test('createRng rejects a seed that is not a finite number', () => {
    expect(() => createRng(NaN)).toThrow(/createRng: expected a finite number as seed, got NaN/);
  });
});

test('Tensor is exported as a class for instanceof checks', () => {
  expect(zeros([1])).toBeInstanceOf(Tensor);
});

test('tensor() copies a view of another tensor even when its own allocation grows the memory', () => {
  const big = full([262_144], 3);
  const start = memoryStats().memoryBytes;
  const copies = [];
  // copy until a copy's allocation grows the memory (which detaches big.data's old buffer)
  while (memoryStats().memoryBytes === start) {
    const c = tensor(big.data);
    expect(c.data[0]).toBe(3);
    expect(c.data[262_143]).toBe(3);
    copies.push(c);
  }
  for (const c of copies) c.dispose();
  big.dispose();
});
