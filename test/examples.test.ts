// The example scripts double as tests: they run as a user runs them (compiled, through the
// package's own exports) and their printed results are checked.
import { expect, test } from 'vitest';
import { runScript as run } from './scripts.js';

test("buy_apple_orange prints the book's numbers", () => {
  expect(run('buy_apple_orange').trim().split('\n')).toEqual([
    'price: 715', 'dApple: 2.2', 'dApple_num: 110', 'dOrange: 3.3', 'dOrange_num: 165', 'dTax: 650',
  ]);
});

test('gradient_check prints every parameter, with W2 and b2 agreeing to 1e-2', () => {
  const rows = run('gradient_check').trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/));
  expect(rows.map((r) => r[0])).toEqual(['W1', 'b1', 'W2', 'b2']);
  for (const [name, , , relError] of rows) {
    expect(Number(relError), name).toBeLessThan(name.startsWith('W1') || name.startsWith('b1') ? 0.2 : 1e-2);
  }
});

test('train_neuralnet learns MNIST: above 0.9 test accuracy after 2 epochs', () => {
  const out = run('train_neuralnet', '--iters', '1200');
  const accuracy = Number(/final test accuracy: ([\d.]+)/.exec(out)?.[1]);
  expect(accuracy).toBeGreaterThan(0.9);
  expect(out).toMatch(/epoch 1: train acc 0\.\d+, test acc 0\.\d+/);
}, 120_000);
