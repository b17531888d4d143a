// The epoch shuffle is a uniform random permutation (Fisher-Yates), not any shuffle: every order is
// possible, so an element can stay where it was and each lands in each position equally often
// (Sattolo's algorithm, one letter away in code, gives only cyclic orders: no element ever stays).
import { beforeAll, expect, test } from 'vitest';
import { createRng, init, MiniBatches, tensor } from '../src/index.js';

beforeAll(() => init());

test('epoch-shuffle orders are uniform: every element in every position about equally often, fixed points included', () => {
  const n = 5, epochs = 5000;
  const x = tensor([0, 1, 2, 3, 4], [n, 1]), t = tensor([0, 1, 2, 3, 4]);
  const batches = new MiniBatches(x, t, n, createRng(7), 'epoch-shuffle');
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0)); // counts[element][position]
  const orders = new Set<string>();
  let fixedPoints = 0;
  for (let e = 0; e < epochs; e++) {
    const order = Array.from(batches.sample()[0].data);
    orders.add(order.join(''));
    order.forEach((element, position) => {
      counts[element][position]++;
      if (element === position) fixedPoints++;
    });
  }
  batches.dispose();
  // each count is Binomial(5000, 1/5): mean 1000, σ ≈ 28.3; 5σ bounds leave a flake rate below 1e-5
  for (const row of counts) for (const c of row) expect(Math.abs(c - epochs / n)).toBeLessThan(5 * Math.sqrt(epochs * (1 / n) * (1 - 1 / n)));
  expect(orders.size).toBe(120); // all 5! orders seen (each has probability 1/120 per epoch)
  expect(Math.abs(fixedPoints - epochs)).toBeLessThan(5 * Math.sqrt(epochs)); // a uniform permutation has one fixed point on average
});
