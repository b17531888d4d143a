// examples/regression.ts, run as a user runs it (compiled, --quick, its figure into a temporary
// folder): fit() on a noisy curve reaches its test mean absolute error, below the target and not
// below what the noise allows.
import { rmSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { expectFigure, runExperiment, tempDir } from './scripts.js';

const outDir = tempDir('regression');
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

test('regression: fit learns the curve to a test mean absolute error below 0.12, and draws it', () => {
  const out = runExperiment(outDir, 'regression');
  expectFigure(outDir, 'regression');
  const [, mae, noise] = /test: loss [\d.]+, mean absolute error ([\d.]+) \(the noise alone: ([\d.]+)\)/.exec(out)!.map(Number);
  expect(noise).toBeCloseTo(0.1 * Math.sqrt(2 / Math.PI), 4);
  expect(mae).toBeLessThan(0.12);
  expect(mae).toBeGreaterThan(0.9 * noise); // a model cannot beat the noise by much on 500 fresh samples
  expect(out).toContain('target: test mean absolute error < 0.12: met');
});
