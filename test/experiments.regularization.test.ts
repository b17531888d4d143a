// The book's chapter-6 experiments on overfitting and hyper-parameters, run
// as a user runs them (compiled, `--quick`, figures into a temporary folder); their printed results
// are checked for what the figures show.
import { rmSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { expectFigure as expectFigureIn, runExperiment as runExperimentIn, tempDir } from './scripts.js';

const outDir = tempDir('regularization');
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const runExperiment = (name: string, ...args: string[]) => runExperimentIn(outDir, name, ...args);
const expectFigure = (name: string) => expectFigureIn(outDir, name);

/** The `final <key>=<value>: train A test B gap C` lines, by value. */
function finals(out: string): Map<string, { train: number; test: number; gap: number }> {
  const lines = [...out.matchAll(/^final \w+=([\d.]+): train ([\d.]+) test ([\d.]+) gap (-?[\d.]+)/gm)];
  return new Map(lines.map(([, key, train, test, gap]) => [key, { train: Number(train), test: Number(test), gap: Number(gap) }]));
}

// In quick mode (40 epochs of 3 iterations) the unregularized network already fits its 300 images
// far better than it generalizes (gap ≈ 0.2-0.3 over seeds 0-7), and λ = 0.1 holds both the train
// accuracy and the gap down (for seed 0: 0.74 → 0.53 and 0.23 → 0.14).
test('overfit_weight_decay: 300 images overfit; weight decay 0.1 fits them less and narrows the gap', () => {
  const out = runExperiment('overfit_weight_decay');
  expectFigure('overfit_weight_decay');
  const runs = finals(out);
  expect([...runs.keys()]).toEqual(['0', '0.1']);
  const plain = runs.get('0')!, decayed = runs.get('0.1')!;
  expect(plain.gap).toBeCloseTo(plain.train - plain.test, 3);
  expect(plain.gap).toBeGreaterThan(0.15);
  expect(decayed.gap).toBeGreaterThan(0);
  expect(decayed.gap).toBeLessThan(plain.gap - 0.03);
  expect(decayed.train).toBeLessThan(plain.train - 0.1);
  // the per-epoch table starts (after one update) from the same weights: nearly the same accuracies
  const first = /^\s+0\s+([\d.]+)\s+([\d.]+)\s+[\d.]+\s+([\d.]+)\s+([\d.]+)/m.exec(out)!.slice(1).map(Number);
  expect(Math.abs(first[0] - first[2])).toBeLessThan(0.01);
  expect(Math.abs(first[1] - first[3])).toBeLessThan(0.01);
}, 60_000);

// With dropout 0.2 after each of six layers (the book's non-inverted dropout) the network learns
// much more slowly: after 40 epochs it is near 0.2-0.3 on both sets, where the plain network is at
// 0.75-0.85 train against 0.5-0.6 test (seeds 0-4).
test('overfit_dropout: dropout holds the train accuracy and the gap down', () => {
  const out = runExperiment('overfit_dropout');
  expectFigure('overfit_dropout');
  const runs = finals(out);
  expect([...runs.keys()]).toEqual(['0', '0.2']);
  const plain = runs.get('0')!, dropped = runs.get('0.2')!;
  expect(plain.gap).toBeGreaterThan(0.15);
  expect(dropped.gap).toBeLessThan(plain.gap - 0.1);
  expect(dropped.train).toBeLessThan(plain.train - 0.2);
}, 60_000);

test('hyperparameter_optimization: the best list is sorted, with lr and weight decay from their ranges', () => {
  const out = runExperiment('hyperparameter_optimization');
  expectFigure('hyperparameter_optimization');
  const trials = [...out.matchAll(/^trial +(\d+): val acc:([\d.]+) \| lr:([\d.e+-]+), weight decay:([\d.e+-]+)$/gm)];
  expect(trials).toHaveLength(6);
  expect(out).toContain('=========== Hyper-Parameter Optimization Result ===========');
  const best = [...out.matchAll(/^Best-(\d+) \(val acc:([\d.]+)\) \| lr:([\d.e+-]+), weight decay:([\d.e+-]+) \| train acc:[\d.]+, trial (\d+)$/gm)]
    .map(([, rank, val, lr, wd, trial]) => ({ rank: Number(rank), val: Number(val), lr: Number(lr), wd: Number(wd), trial: Number(trial) }));
  expect(best.map((b) => b.rank)).toEqual([1, 2, 3, 4, 5, 6]);
  // every trial appears once in the ranking, with the numbers it was printed with
  expect(best.map((b) => b.trial).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  for (const b of best) {
    const [, , val, lr, wd] = trials[b.trial - 1];
    expect([b.val, b.lr, b.wd]).toEqual([Number(val), Number(lr), Number(wd)]);
    expect(b.lr).toBeGreaterThanOrEqual(1e-6);
    expect(b.lr).toBeLessThanOrEqual(1e-2);
    expect(b.wd).toBeGreaterThanOrEqual(1e-8);
    expect(b.wd).toBeLessThanOrEqual(1e-4);
  }
  for (let i = 1; i < best.length; i++) expect(best[i].val).toBeLessThanOrEqual(best[i - 1].val);
  // log-uniform draws: not all six in the same decade of lr
  expect(new Set(best.map((b) => Math.floor(Math.log10(b.lr)))).size).toBeGreaterThan(1);
}, 60_000);
