// The book's worked examples as tests: every expected number here was worked out by hand (the
// arithmetic is in the comments), never computed by the code under test.
import { afterAll, describe, expect, test } from 'vitest';
import { AddLayer, Convolution, init, Momentum, MulLayer, Pooling, setBackend, tensor } from '../src/index.js';
import { outputSize } from '../src/ops/conv.js';

await init();
afterAll(() => setBackend('wasm'));

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  test('convolution of the 4×4 input with the 3×3 filter plus bias 3 gives [[18, 19], [9, 18]]', () => {
    setBackend(backend);
    const x = tensor([1, 2, 3, 0, 0, 1, 2, 3, 3, 0, 1, 2, 2, 3, 0, 1], [1, 1, 4, 4]);
    const W = tensor([2, 0, 1, 0, 1, 2, 1, 0, 2], [1, 1, 3, 3]);
    // each window times the filter, elementwise, summed (rows of the window separated by /):
    // top left     1,2,3 / 0,1,2 / 3,0,1: 2 + 0 + 3 + 0 + 1 + 4 + 3 + 0 + 2 = 15, + 3 = 18
    // top right    2,3,0 / 1,2,3 / 0,1,2: 4 + 0 + 0 + 0 + 2 + 6 + 0 + 0 + 4 = 16, + 3 = 19
    // bottom left  0,1,2 / 3,0,1 / 2,3,0: 0 + 0 + 2 + 0 + 0 + 2 + 2 + 0 + 0 = 6, + 3 = 9
    // bottom right 1,2,3 / 0,1,2 / 3,0,1: the top left's window again, 18
    const conv = new Convolution(W, tensor([3], [1]));
    const out = conv.forward(x);
    expect(out.shape).toEqual([1, 1, 2, 2]);
    expect(out.toArray()).toEqual([18, 19, 9, 18]);
  });

  test('stride-2 2×2 max pooling of the 4×4 input gives [[2, 3], [4, 2]]', () => {
    setBackend(backend);
    const x = tensor([1, 2, 1, 0, 0, 1, 2, 3, 3, 0, 1, 2, 2, 4, 0, 1], [1, 1, 4, 4]);
    // windows: {1,2,0,1} → 2, {1,0,2,3} → 3, {3,0,2,4} → 4, {1,2,0,1} → 2
    const pool = new Pooling(2, 2, 2);
    const y = pool.forward(x);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(y.toArray()).toEqual([2, 3, 4, 2]);
    // each gradient goes to its window's maximum: x[0,1], x[1,3], x[3,1], x[2,3]
    expect(pool.backward(tensor([1, 2, 3, 4], [1, 1, 2, 2])).toArray()).toEqual([0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 4, 0, 3, 0, 0]);
  });
});

test.each([
  // (4 + 2 − 3)/1 + 1 = 4; (7 − 3)/2 + 1 = 3; ⌊(28 + 4 − 5)/3⌋ + 1 = 9 + 1 = 10, ⌊(31 + 4 − 5)/3⌋ + 1 = 10 + 1 = 11
  { H: 4, W: 4, pad: 1, stride: 1, F: 3, expected: [4, 4] },
  { H: 7, W: 7, pad: 0, stride: 2, F: 3, expected: [3, 3] },
  { H: 28, W: 31, pad: 2, stride: 3, F: 5, expected: [10, 11] },
])('output size of ($H, $W) with pad $pad, stride $stride and a $F×$F window is $expected', ({ H, W, pad, stride, F, expected }) => {
  expect(outputSize('test', [1, 1, H, W], { FH: F, FW: F, stride, pad })).toEqual(expected);
});

test('buy_apple: 100 yen × 2 apples × tax 1.1 = 220; backward from 1 gives 2.2, 110 and 200', () => {
  const mulApple = new MulLayer(), mulTax = new MulLayer();
  const applePrice = mulApple.forward(100, 2);
  const price = mulTax.forward(applePrice, 1.1);
  expect(price).toBeCloseTo(220, 10);
  const [dApplePrice, dTax] = mulTax.backward(1);
  const [dApple, dAppleNum] = mulApple.backward(dApplePrice);
  // dprice/dapple = 2 · 1.1 = 2.2; dprice/dnum = 100 · 1.1 = 110; dprice/dtax = 100 · 2 = 200
  expect(dApple).toBeCloseTo(2.2, 12);
  expect(dAppleNum).toBeCloseTo(110, 10);
  expect(dTax).toBe(200);
  // and through an AddLayer the gradient passes unchanged
  expect(new AddLayer().backward(1.1)).toEqual([1.1, 1.1]);
});

test('Momentum (lr 0.1, momentum 0.9) from p = 0 with gradients 5 then 3: v = −0.5, p = −0.5; v = −0.75, p = −1.25', () => {
  // v = 0.9·0 − 0.1·5 = −0.5, p = 0 + (−0.5) = −0.5; v = 0.9·(−0.5) − 0.1·3 = −0.45 − 0.3 = −0.75, p = −0.5 − 0.75 = −1.25
  const opt = new Momentum({ lr: 0.1, momentum: 0.9 });
  const p = tensor([0], [1]);
  opt.update({ p }, { p: tensor([5], [1]) });
  expect(p.data[0]).toBeCloseTo(-0.5, 6);
  opt.update({ p }, { p: tensor([3], [1]) });
  expect(p.data[0]).toBeCloseTo(-1.25, 6);
  // a third step tells v apart: v = 0.9·(−0.75) − 0 = −0.675, p = −1.925
  opt.update({ p }, { p: tensor([0], [1]) });
  expect(p.data[0]).toBeCloseTo(-1.925, 6);
});
