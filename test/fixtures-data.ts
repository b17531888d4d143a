// Synthetic datasets for the training suites.
import { createRng, tensor } from '../src/index.js';

/**
 * Three Gaussian blobs in 4-D, one per class (class c centred at 2 on axis c, σ 0.5), the classes
 * in turn: easy to learn, quick to train. Returns x (n, 4) and the labels t (n).
 */
export function blobs(n: number, seed: number) {
  const rng = createRng(seed);
  const x: number[] = [], t: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    t.push(c);
    for (let j = 0; j < 4; j++) x.push((j === c ? 2 : 0) + 0.5 * rng.normal());
  }
  return [tensor(x, [n, 4]), tensor(t)] as const;
}
