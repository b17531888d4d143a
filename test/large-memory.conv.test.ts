// The convolution whose column matrix (one sample's im2col) is 2.15 GB: its size once
// overflowed 32 bits, the kernel wrote over other memory. Its own file: the memory grows by the
// 2.15 GB (the scratch is given back after the call, the memory never shrinks), so it does not
// share a process with large-memory.test.ts.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Convolution, init, memoryStats, ones, setBackend, tensor, zeros } from '../src/index.js';

beforeAll(() => init());
afterAll(() => setBackend('wasm'));

test('a convolution whose column matrix is 2.15 GB computes its 25 ones', () => {
  const backend = 'wasm'; // the JS twin's scratch is the plain product (memory-limits.test.ts), and takes 16 s here
  setBackend(backend);
  const bystander = tensor([1, 2, 3]);
  const [W, b, x] = [ones([1, 1, 5, 5]), zeros([1]), ones([1, 1, 1, 1])];
  const conv = new Convolution(W, b, 1, 2320);
  const live = memoryStats().liveBytes;
  const out = conv.forward(x);
  expect(out.shape).toEqual([1, 1, 4637, 4637]);
  // the 2.15 GB of scratch went back to the allocator: what stays is the output (one aligned block)
  expect(memoryStats().liveBytes - live).toBeLessThanOrEqual(out.size * 4 + 64);
  // the window covers the one pixel (at 2320 in the padded image) from positions 2316 to 2320
  const ones_: number[] = [], others: number[] = [];
  const data = out.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 1) ones_.push(i);
    else if (data[i] !== 0 && others.length < 10) others.push(i);
  }
  expect(others).toEqual([]);
  const expected: number[] = [];
  for (let oy = 2316; oy <= 2320; oy++) for (let ox = 2316; ox <= 2320; ox++) expected.push(oy * 4637 + ox);
  expect(ones_).toEqual(expected);
  expect(bystander.toArray()).toEqual([1, 2, 3]);
  for (const t of [conv, W, b, x, bystander]) t.dispose();
});
