// The book's chapter-6 experiments, run as a user runs them (compiled, `--quick`, figures into a
// temporary folder); their printed tables are checked for what the book's figures show.
import { rmSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { expectFigure as expectFigureIn, runExperiment as runExperimentIn, tempDir } from './scripts.js';

const outDir = tempDir('experiments');
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const runExperiment = (name: string, ...args: string[]) => runExperimentIn(outDir, name, ...args);
const expectFigure = (name: string) => expectFigureIn(outDir, name);

test('weight_init_activation_histogram: std 1 saturates sigmoid, std 0.01 collapses it, Xavier keeps a spread', () => {
  const out = runExperiment('weight_init_activation_histogram');
  expectFigure('weight_init_activation_histogram');

  // rows: activation, init, layer, |a|<0.05, |a|>0.95, mean, std
  const rows = out.split('\n').map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length === 7 && /^(sigmoid|tanh|relu)$/.test(f[0]))
    .map(([activation, init, layer, near0, near1, mean, std]) =>
      ({ activation, init, layer: Number(layer), near0: Number(near0), near1: Number(near1), mean: Number(mean), std: Number(std) }));
  expect(rows).toHaveLength(3 * 4 * 5);
  const layers = (activation: string, init: string) => rows.filter((r) => r.activation === activation && r.init === init);

  for (const r of layers('sigmoid', 'std=1')) {
    expect(r.near0 + r.near1, `layer ${r.layer}`).toBeGreaterThan(0.5);
  }
  const narrow = layers('sigmoid', 'std=0.01');
  const xavier = layers('sigmoid', 'xavier');
  expect(narrow.map((r) => r.layer)).toEqual([1, 2, 3, 4, 5]);
  for (const [i, r] of narrow.entries()) {
    expect(r.std, `layer ${r.layer}`).toBeLessThan(0.05);
    expect(r.near0 + r.near1, `layer ${r.layer}`).toBe(0);
    expect(Math.abs(r.mean - 0.5), `layer ${r.layer}`).toBeLessThan(0.02);
    expect(xavier[i].std, `xavier layer ${r.layer}`).toBeGreaterThan(2 * r.std);
  }
}, 60_000);
