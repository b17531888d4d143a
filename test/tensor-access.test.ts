// Reading a tensor's values: toFloat32Array() copies, toArray() of a tensor too large for a JS
// array is a clear error, and a disposed tensor's error names the call that used it.
import { beforeAll, expect, test } from 'vitest';
import { Affine, empty, init, memoryStats, ones, Relu, Tensor, tensor, zeros } from '../src/index.js';

beforeAll(() => init());

test('toFloat32Array() is a copy that outlives the tensor and its memory', () => {
  const t = tensor([1, 2, 3]);
  const copy = t.toFloat32Array();
  expect(copy).toBeInstanceOf(Float32Array);
  expect(copy.buffer).not.toBe(t.data.buffer);
  t.data[0] = 7;
  expect(Array.from(copy)).toEqual([1, 2, 3]);
  t.dispose();
  const big = empty([16 << 20]); // grows the memory
  expect(Array.from(copy)).toEqual([1, 2, 3]);
  big.dispose();
});

test('toArray() of 1.5e8 values is a clear error, not a RangeError', () => {
  const t = zeros([1.5e8]);
  expect(() => t.toArray()).toThrow(/^Tensor\(150000000,\)\.toArray: 150000000 values are more than a plain array takes \(2²⁶\); use toFloat32Array\(\)/);
  expect(t.toFloat32Array().length).toBe(1.5e8);
  t.dispose();
});

test('a disposed tensor used by a layer names the layer call', () => {
  const W = ones([3, 2]), b = zeros([2]);
  const affine = new Affine(W, b);
  W.dispose();
  const x = ones([5, 3]);
  expect(() => affine.forward(x)).toThrow(/^Tensor\(3, 2\): used after dispose\(\) in Affine\.forward$/);
  const relu = new Relu();
  relu.forward(x);
  x.dispose();
  expect(() => relu.forward(x)).toThrow(/^Relu\.forward: x: the Tensor\(5, 3\) was disposed$/);
});

test('the Tensor constructor is internal: no tensor over an offset of the caller\'s choosing', () => {
  const a = tensor([1, 2, 3, 4]);
  const live = memoryStats().liveBlocks;
  const Forge = Tensor as unknown as new (...args: unknown[]) => Tensor;
  expect(() => new Forge({ offset: a.offset, refs: 0 }, [16])).toThrow(/^new Tensor: tensors come from tensor\(\), zeros\(\)/);
  expect(() => new Forge({ offset: 0, refs: 0 }, [16], 0, Symbol('scratchnet.Tensor'))).toThrow(/the constructor is internal/);
  // an object that only claims to be one
  const fake = Object.create(Tensor.prototype) as Tensor;
  expect(fake instanceof Tensor).toBe(true);
  expect(() => new Relu().forward(fake)).toThrow(/^Relu\.forward: x: expected a Tensor, got Tensor$/);
  expect(a.toArray()).toEqual([1, 2, 3, 4]);
  expect(memoryStats().liveBlocks).toBe(live);
  // the factories and views still work, and instanceof holds for them
  expect(a.reshape([2, 2]) instanceof Tensor).toBe(true);
  a.dispose();
});
