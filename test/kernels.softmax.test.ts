// Softmax, cross-entropy and argmax kernels on both backends against float64 references.
import { beforeAll, describe, expect, test } from 'vitest';
import { init } from '../src/index.js';
import { backendKernels } from '../src/backend/runtime.js';
import { expectClose, randomValues, read, region, rng, write } from './helpers.js';

beforeAll(() => init());

const SHAPES = [[1, 1], [1, 3], [2, 4], [3, 5], [5, 17], [7, 63], [100, 10], [4, 1000]];

function softmaxRef(x: Float32Array, rows: number, cols: number): number[] {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    y.push(...e.map((v) => v / s));
  }
  return y;
}

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  test.each(SHAPES)('softmax, loss and gradient for (%i, %i), integer and one-hot labels alike', (rows, cols) => {
    const k = backendKernels(backend);
    const n = rows * cols;
    const xv = randomValues(n, -5, 5);
    const labels = Array.from({ length: rows }, () => rng.int(cols));
    const onehot = new Float32Array(n);
    labels.forEach((l, r) => (onehot[r * cols + l] = 1));
    const x = region(n, 4), y = region(n, 8), t = region(rows, 12), t1 = region(n), dx = region(n), dx1 = region(n);
    write(x, xv);
    write(t, labels);
    write(t1, onehot);
    k.f32_softmax_fwd(x, y, rows, cols);
    const yRef = softmaxRef(xv, rows, cols);
    expectClose(read(y, n), yRef, 2e-6, 1e-9, 'softmax');
    const lossRef = -labels.reduce((s, l, r) => s + Math.log(yRef[r * cols + l] + 1e-7), 0);
    expect(k.f32_xent_labels_fwd(y, t, rows, cols)).toBeCloseTo(lossRef, 4);
    expect(k.f32_xent_onehot_fwd(y, t1, rows, cols)).toBeCloseTo(lossRef, 4);
    k.f32_softmax_xent_labels_bwd(y, t, dx, rows, cols, 1 / rows);
    k.f32_softmax_xent_onehot_bwd(y, t1, dx1, rows, cols, 1 / rows);
    const gradRef = yRef.map((v, i) => (v - onehot[i]) / rows);
    expectClose(read(dx, n), gradRef, 4e-6, 1e-9, 'grad (labels)');
    expectClose(read(dx1, n), gradRef, 4e-6, 1e-9, 'grad (one-hot)');
    k.f32_softmax_fwd(x, x, rows, cols);
    expectClose(read(x, n), yRef, 2e-6, 1e-9, 'softmax in place');
  });

  test('softmax stays finite for logits of ±1e4 (the row max is subtracted)', () => {
    const k = backendKernels(backend);
    const x = region(6), y = region(6);
    write(x, [1e4, 1e4 - 1, -1e4, 0, 50, 1e4]);
    k.f32_softmax_fwd(x, y, 2, 3);
    const e1 = Math.exp(-1);
    expectClose(read(y, 6), [1 / (1 + e1), e1 / (1 + e1), 0, 0, 0, 1], 1e-6, 1e-30, 'large logits');
  });

  test('a zero probability costs -log(1e-7), not infinity (the book\'s delta)', () => {
    const k = backendKernels(backend);
    const y = region(2), t = region(1);
    write(y, [1, 0]);
    write(t, [1]);
    expect(k.f32_xent_labels_fwd(y, t, 1, 2)).toBeCloseTo(-Math.log(1e-7), 4);
  });

  test('argmax picks the first maximum of each row', () => {
    const k = backendKernels(backend);
    const x = region(12), out = region(3);
    write(x, [0, 3, 3, 1, -1, -2, -1, -5, 7, 0, 0, 7]);
    k.f32_argmax_rows(x, out, 3, 4);
    expect(Array.from(read(out, 3))).toEqual([1, 0, 0]);
  });
});
