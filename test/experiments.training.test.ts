// The book's chapter-6 training experiments (optimizers, weight initialization, batch
// normalization), run as a user runs them (compiled, `--quick`, figures into a temporary folder);
// their printed tables are checked for what the book's figures show.
import { rmSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { expectFigure as expectFigureIn, runExperiment as runExperimentIn, tempDir } from './scripts.js';

const outDir = tempDir('experiments-training');
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const runExperiment = (name: string, ...args: string[]) => runExperimentIn(outDir, name, ...args);
const expectFigure = (name: string) => expectFigureIn(outDir, name);

const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;

/** The loss tables of the two MNIST comparisons: the column names, and the mean of the last
 *  iterations by column. Every printed loss must be finite. */
function lossTable(out: string): { names: string[]; meanLast: Record<string, number> } {
  const lines = out.split('\n');
  const header = lines.find((l) => l.startsWith('iteration'));
  expect(header, 'a header row').toBeDefined();
  const names = header!.trim().split(/\s+/).slice(1);
  const rows = lines.filter((l) => /^\s*\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
  expect(rows.length).toBeGreaterThanOrEqual(3);
  for (const row of rows) {
    expect(row).toHaveLength(names.length + 1);
    for (const v of row.slice(1)) expect(Number.isFinite(Number(v)), row.join(' ')).toBe(true);
  }
  const last = lines.find((l) => l.startsWith('mean of last'));
  expect(last, 'a "mean of last" row').toBeDefined();
  const means = last!.trim().split(/\s+/).slice(4).map(Number);
  expect(means).toHaveLength(names.length);
  return { names, meanLast: Object.fromEntries(names.map((n, i) => [n, means[i]])) };
}

test('optimizer_compare_naive: SGD zigzags across the steep direction; AdaGrad and RMSprop head straight down', () => {
  const out = runExperiment('optimizer_compare_naive');
  expectFigure('optimizer_compare_naive');

  // rows: optimizer, hyper-parameters (with spaces), final x, final y, final f, y flips, length, max |y|
  const rows = Object.fromEntries(out.split('\n').map((line) => line.trim().split(/\s+/))
    .filter((f) => /^(SGD|Momentum|AdaGrad|Adam|RMSprop|Nesterov)$/.test(f[0]) && f.slice(-6).every((v) => NUMBER.test(v)))
    .map((f) => {
      const [x, y, fxy, flips, length, maxAbsY] = f.slice(-6).map(Number);
      return [f[0], { x, y, f: fxy, flips, length, maxAbsY }];
    }));
  expect(Object.keys(rows).sort()).toEqual(['AdaGrad', 'Adam', 'Momentum', 'Nesterov', 'RMSprop', 'SGD']);
  const { SGD, Momentum, AdaGrad, Adam, RMSprop, Nesterov } = rows;

  // every one ends well below the start's f(-7, 2) = 6.45
  for (const [name, r] of Object.entries(rows)) expect(r.f, name).toBeLessThan(0.2);
  // SGD: y changes sign at every one of the 30 updates, and the path is five times the straight line
  expect(SGD.flips).toBe(30);
  expect(SGD.length).toBeGreaterThan(5 * Math.hypot(7, 2));
  // AdaGrad and RMSprop never cross y = 0 and take about the straight line; AdaGrad ends closer than SGD
  for (const r of [AdaGrad, RMSprop]) {
    expect(r.flips).toBe(0);
    expect(r.length).toBeLessThan(1.1 * Math.hypot(7, 2));
  }
  expect(AdaGrad.f).toBeLessThan(SGD.f / 5);
  // Momentum rolls past the minimum in x; Adam and Nesterov cross y = 0 a few times, not 30
  expect(Momentum.x).toBeGreaterThan(0.5);
  for (const r of [Momentum, Adam, Nesterov]) expect(r.flips).toBeLessThanOrEqual(6);
  // Nesterov's look-ahead damps Momentum's swing (same lr and momentum)
  expect(Nesterov.maxAbsY).toBeLessThan(0.9 * Momentum.maxAbsY);
}, 120_000);

test('optimizer_compare_mnist: every optimizer beats plain SGD at the same number of iterations', () => {
  const out = runExperiment('optimizer_compare_mnist');
  expectFigure('optimizer_compare_mnist');

  const { names, meanLast } = lossTable(out);
  expect(names).toEqual(['SGD', 'Momentum', 'AdaGrad', 'Adam', 'RMSprop', 'Nesterov']);
  // SGD learns (from ln 10 ≈ 2.30), but slowest: the others are at less than half its loss
  expect(meanLast.SGD).toBeLessThan(1.5);
  for (const name of names.slice(1)) expect(meanLast[name], name).toBeLessThan(0.5 * meanLast.SGD);
}, 120_000);

test('weight_init_compare: std 0.01 stays at ln 10, He learns fastest, Xavier in between', () => {
  const out = runExperiment('weight_init_compare');
  expectFigure('weight_init_compare');

  const { names, meanLast } = lossTable(out);
  expect(names).toEqual(['std=0.01', 'Xavier', 'He']);
  // every printed loss of std 0.01 is ln 10: uniform outputs, nothing learned
  const stuck = out.split('\n').filter((l) => /^\s*\d+\s/.test(l)).map((l) => Number(l.trim().split(/\s+/)[1]));
  for (const loss of stuck) expect(Math.abs(loss - Math.log(10))).toBeLessThan(0.01);
  expect(Math.abs(meanLast['std=0.01'] - Math.log(10))).toBeLessThan(0.01);
  expect(meanLast.He).toBeLessThan(1);
  expect(meanLast.Xavier).toBeLessThan(meanLast['std=0.01'] - 0.1);
  expect(meanLast.He).toBeLessThan(meanLast.Xavier - 0.5);
}, 120_000);

test('batch_norm_test: with batch norm small weight scales learn; without, they stay at chance', () => {
  const out = runExperiment('batch_norm_test');
  expectFigure('batch_norm_test');

  // rows: #, weight std, with BN, without BN, best BN, best w/o
  const rows = out.split('\n').map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length === 6 && f.every((v) => NUMBER.test(v)))
    .map(([i, scale, bn, plain, bestBn, bestPlain]) =>
      ({ i: Number(i), scale: Number(scale), bn: Number(bn), plain: Number(plain), bestBn: Number(bestBn), bestPlain: Number(bestPlain) }));
  expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  expect(rows[0].scale).toBeCloseTo(1, 6);
  expect(rows[15].scale).toBeCloseTo(1e-4, 8);

  // At 0.05 and below the signal vanishes without batch norm: chance accuracy (the most common
  // digit is 11.7% of the 1000 images) at every epoch, while batch norm learns at every scale.
  const small = rows.filter((r) => r.scale < 0.05);
  expect(small).toHaveLength(11);
  for (const r of small) {
    expect(r.bestPlain, `std ${r.scale}`).toBeLessThan(0.2);
    expect(r.bn, `std ${r.scale}`).toBeGreaterThan(r.plain + 0.15);
  }
  // Around 0.01 batch norm is already far along after a few epochs.
  for (const r of rows.filter((r) => r.scale > 0.005 && r.scale < 0.02)) expect(r.bn, `std ${r.scale}`).toBeGreaterThan(0.7);
  // At 1 and 0.54 the plain network is stuck too; batch norm gets going, slowly.
  for (const r of rows.slice(0, 2)) {
    expect(r.bestPlain, `std ${r.scale}`).toBeLessThan(0.2);
    expect(r.bn, `std ${r.scale}`).toBeGreaterThan(r.plain + 0.03);
  }
  // Without batch norm, only the scales near He's √(2/100) ≈ 0.14 learn.
  const bestPlain = rows.reduce((a, b) => (b.plain > a.plain ? b : a));
  expect(bestPlain.scale).toBeGreaterThan(0.1);
  expect(bestPlain.scale).toBeLessThan(0.4);
  expect(bestPlain.plain).toBeGreaterThan(0.5);
}, 120_000);
