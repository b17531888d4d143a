// The book's chapter-6 experiments, run as a user runs them (compiled, `--quick`, figures into a
// temporary folder); their printed tables are checked for what the book's figures show.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const outDir = mkdtempSync(join(tmpdir(), 'scratchnet-experiments-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs out/examples/<name>.js in quick mode with figures going to a temporary folder; returns stdout. */
function runExperiment(name: string, ...args: string[]): string {
  return execFileSync(process.execPath, [`out/examples/${name}.js`, '--quick', '--out', outDir, ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Checks that `<name>.svg` and `<name>.png` were written and look like what they claim to be. */
function expectFigure(name: string): void {
  const svg = join(outDir, `${name}.svg`), png = join(outDir, `${name}.png`);
  expect(existsSync(svg), svg).toBe(true);
  expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s>]/);
  expect([...readFileSync(png).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
}

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
