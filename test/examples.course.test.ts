// The course's examples on MNIST, run as a user runs them (compiled, --quick, figures into a
// temporary folder): activation_compare, mlp_lab and misclassified_mnist. Their printed numbers
// are checked for what the figures claim, and against the data where the test can read it.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { init, layers as L, loadMnist, saveModel, Sequential, type Tensor } from '../src/index.js';
import { expectFigure, runExperiment, tempDir } from './scripts.js';

const outDir = tempDir('course');
beforeAll(() => init());
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The cells of the markdown table rows that start with `first` (a regular expression). */
const tableRows = (text: string, first: string) => text.split('\n').filter((line) => new RegExp(`^\\| ${first} \\|`).test(line))
  .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));

test('activation_compare: sigmoid gradients vanish towards the input, the others do not; the order is checked honestly', () => {
  const out = runExperiment(outDir, 'activation_compare');
  expectFigure(outDir, 'activation_compare');
  const rows = tableRows(out, '[A-Za-z]+').slice(1); // after the header
  expect(rows.map((r) => r[0])).toEqual(['sigmoid', 'tanh', 'ReLU', 'LeakyReLU', 'ELU', 'Maxout']);
  const byName = Object.fromEntries(rows.map(([name, ...cells]) => [name, {
    norms: cells.slice(0, 6).map(Number), deadInit: cells[7], deadAfter: cells[8], acc: Number(cells[9]), rank: Number(cells[10]),
  }]));
  for (const [name, r] of Object.entries(byName)) {
    expect(r.norms.every((g) => g > 0 && Number.isFinite(g)), name).toBe(true);
    // at most 0.25 of the gradient passes each sigmoid: the first layer gets under 1 % of the last's
    if (name === 'sigmoid') expect(r.norms[0] / r.norms[5]).toBeLessThan(0.01);
    else expect(r.norms[0] / r.norms[5], name).toBeGreaterThan(0.5);
    const dead = [r.deadInit, r.deadAfter];
    if (['ReLU', 'LeakyReLU', 'ELU'].includes(name)) {
      for (const d of dead) expect(Number(/^([\d.]+)%$/.exec(d)?.[1]), `${name} ${d}`).toBeLessThanOrEqual(100);
    } else expect(dead, name).toEqual(['-', '-']);
  }
  const ranks = Object.values(byName).map((r) => r.rank);
  expect([...ranks].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  for (const a of Object.values(byName)) for (const b of Object.values(byName)) if (a.rank < b.rank) expect(a.acc).toBeGreaterThanOrEqual(b.acc);
  // each relation of the course's order is reported as it is in the printed accuracies
  const relations = [...out.matchAll(/^ {2}(\w+) ([>≥]) (\w+): ([\d.]+) vs ([\d.]+): (holds|differs)$/gm)];
  expect(relations.map((m) => `${m[1]} ${m[2]} ${m[3]}`)).toEqual(['Maxout > ELU', 'ELU ≥ LeakyReLU', 'LeakyReLU ≥ ReLU', 'ReLU > tanh', 'tanh ≥ sigmoid']);
  for (const [, a, op, b, accA, accB, verdict] of relations) {
    expect([Number(accA), Number(accB)]).toEqual([byName[a].acc, byName[b].acc]);
    const holds = op === '>' ? byName[a].acc > byName[b].acc : byName[a].acc >= byName[b].acc - 0.005;
    expect(verdict, `${a} ${op} ${b}`).toBe(holds ? 'holds' : 'differs');
  }
  expect(out).toMatch(/^best: \w+ [\d.]+ \(target ≥ 0\.5: met\)$/m);
}, 120_000);

const COURSE = ['0.42', '0.77', '0.94', '0.9791', '0.9824', '0.9776'];

test("mlp_lab: the course's six models in its order, beside its figures; Xavier beats N(0, 1) on the same net", () => {
  const out = runExperiment(outDir, 'mlp_lab');
  expectFigure(outDir, 'mlp_lab');
  const rows = tableRows(out, '\\d');
  expect(rows.map((r) => r[1])).toEqual(['784→10', '784→10', '784→256→256→10', '784→256→256→10', '784→256→256→256→256→10', '784→256→256→256→10']);
  expect(rows.map((r) => r[2])).toEqual(['N(0, 1)', 'N(0, 1)', 'N(0, 1)', 'Xavier', 'Xavier', 'Xavier']);
  expect(rows.map((r) => r[3])).toEqual(['SGD lr 0.001', 'Adam lr 0.001', 'Adam lr 0.001', 'Adam lr 0.001', 'Adam lr 0.001', 'Adam lr 0.001']);
  expect(rows.map((r) => r[4])).toEqual(['-', '-', '-', '-', '-', '0.3']);
  expect(rows.map((r) => r[7])).toEqual(COURSE);
  const test = rows.map((r) => Number(r[6])), train = rows.map((r) => Number(r[8]));
  for (const acc of [...test, ...train]) {
    expect(acc).toBeGreaterThan(0);
    expect(acc).toBeLessThanOrEqual(1);
  }
  // after 60 iterations the Xavier networks are far ahead of the same net from N(0, 1) weights (0.87 vs 0.41 for seed 0)
  expect(test[3]).toBeGreaterThan(test[2] + 0.2);
  expect(test[4]).toBeGreaterThan(0.8);
  expect(out).toMatch(/^model 4 \(Xavier\): [\d.]+ \(target ≥ 0\.8: met\)$/m);
  expect(tableRows(readFileSync(join(outDir, 'mlp_lab.md'), 'utf8'), '\\d')).toEqual(rows);
}, 120_000);

/** The misclassified images a run lists: test index, true label, prediction. */
function listed(out: string): { index: number; truth: number; predicted: number }[] {
  return [...out.matchAll(/^ {2}(\d+): (\d) → (\d)$/gm)].map(([, i, t, p]) => ({ index: Number(i), truth: Number(t), predicted: Number(p) }));
}

test('misclassified_mnist: a trained SimpleConvNet\'s wrong answers, with the true labels of the test set', async () => {
  const out = runExperiment(outDir, 'misclassified_mnist');
  expectFigure(outDir, 'misclassified_mnist');
  const [, accuracy, wrong, total] = /^test accuracy ([\d.]+): (\d+) of (\d+) test images misclassified$/m.exec(out)!.map(Number);
  expect(total).toBe(1000);
  expect(accuracy).toBeCloseTo(1 - wrong / total, 4);
  expect(out).toMatch(/accuracy target ≥ 0\.5: met/);
  const shown = listed(out);
  expect(shown).toHaveLength(Math.min(40, wrong));
  const { tTest } = await loadMnist({ testSize: 1000 });
  const labels = tTest.toArray();
  for (const { index, truth, predicted } of shown) {
    expect(truth, `image ${index}`).toBe(labels[index]);
    expect(predicted, `image ${index}`).not.toBe(truth);
  }
  // in test order: no image before the last one shown is missing from the list unless it was right
  expect(shown.map((s) => s.index)).toEqual([...shown.map((s) => s.index)].sort((a, b) => a - b));
}, 120_000);

test('misclassified_mnist --model: the predictions of a saved model, as the test computes them', async () => {
  const net = new Sequential({ inputShape: [1, 28, 28], layers: [L.flatten(), L.dense({ units: 10 })], seed: 5 });
  const file = join(outDir, 'untrained.safetensors');
  await saveModel(net, file);
  const out = runExperiment(outDir, 'misclassified_mnist', '--model', file, '--count', '1000');
  expect(out).toContain(`loaded ${file}`);
  const { xTest, tTest } = await loadMnist({ flatten: false, testSize: 1000 });
  const y: Tensor = net.predict(xTest);
  const scores = y.toArray(), labels = tTest.toArray();
  const argmax = (i: number) => scores.slice(10 * i, 10 * i + 10).reduce((best, s, c, row) => (s > row[best] ? c : best), 0);
  const expected = labels.flatMap((t, i) => (argmax(i) === t ? [] : [{ index: i, truth: t, predicted: argmax(i) }]));
  expect(expected.length).toBeGreaterThan(500); // an untrained network is wrong about 90 % of the time
  expect(listed(out)).toEqual(expected.slice(0, 1000));
  expect(out).not.toContain('accuracy target'); // only a network it trained has a target
  net.dispose();
}, 120_000);
