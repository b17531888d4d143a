// examples/xor.ts, run as a user runs it (compiled, --quick, its figure into a temporary folder):
// the hand-set network computes XOR (its printed values against float64 ones worked out here), the
// perceptron learns AND, OR and NAND but not XOR, and backprop drives the loss below 0.05.
import { rmSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { expectFigure, runExperiment, tempDir } from './scripts.js';

const outDir = tempDir('xor');
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

test('xor: hand-set weights give the truth table, the perceptron fails only XOR, backprop solves it', () => {
  const out = runExperiment(outDir, 'xor');
  expectFigure(outDir, 'xor');
  const lines = out.split('\n');

  // 1. X1 X2 Y1 Y2 Ŷ XOR, each value against Y1 = σ(5·X1 + 5·X2 − 8), Y2 = σ(−7·X1 − 7·X2 + 3), Ŷ = σ(−11·Y1 − 11·Y2 + 6)
  const table = lines.filter((l) => /^[01]\s+[01]\s+\d/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
  expect(table).toHaveLength(4);
  for (const [x1, x2, y1, y2, yHat, xor] of table) {
    const h1 = sigmoid(5 * x1 + 5 * x2 - 8), h2 = sigmoid(-7 * x1 - 7 * x2 + 3);
    expect(y1).toBeCloseTo(h1, 4);
    expect(y2).toBeCloseTo(h2, 4);
    expect(yHat).toBeCloseTo(sigmoid(-11 * h1 - 11 * h2 + 6), 4);
    expect(xor).toBe(x1 ^ x2);
    expect(yHat > 0.5 ? 1 : 0).toBe(xor);
  }
  expect(out).toContain('hand-set: 4 of 4 right');

  // 2. gate, learned, epochs, w1, w2, b, wrong
  const gates = Object.fromEntries(lines.filter((l) => /^(AND|OR|NAND|XOR)\s/.test(l)).map((l) => {
    const [gate, learned, epochs, , , , wrong] = l.trim().split(/\s+/);
    return [gate, { learned, epochs: Number(epochs), wrong: Number(wrong) }];
  }));
  expect(Object.keys(gates)).toEqual(['AND', 'OR', 'NAND', 'XOR']);
  for (const gate of ['AND', 'OR', 'NAND']) expect(gates[gate], gate).toMatchObject({ learned: 'yes', wrong: 0 });
  expect(gates.AND.epochs).toBeLessThan(100);
  // no line separates XOR's points: at least one of the four stays wrong
  expect(gates.XOR).toMatchObject({ learned: 'no', epochs: 100 });
  expect(gates.XOR.wrong).toBeGreaterThanOrEqual(1);

  // 3. the loss falls below 0.05 and every point is right
  const final = Number(/final loss: ([\d.]+)/.exec(out)?.[1]);
  expect(final).toBeLessThan(0.05);
  expect(out).toMatch(/final loss: [\d.]+ \(target < 0\.05: met\); 4 of 4 right/);
  const losses = lines.filter((l) => /^\s*\d+\s+\d\.\d{4}$/.test(l)).map((l) => Number(l.trim().split(/\s+/)[1]));
  expect(losses.length).toBe(11);
  expect(losses[0]).toBeGreaterThan(0.5); // it starts near chance (ln 2 ≈ 0.69)
});
