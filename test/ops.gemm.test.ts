// gemm()/matmul() on tensors: results and the errors for bad shapes and disposed inputs.
import { beforeAll, expect, test } from 'vitest';
import { gemm, init, matmul, tensor, zeros } from '../src/index.js';

beforeAll(() => init());

test('matmul multiplies, with either operand transposed', () => {
  const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = tensor([1, 0, 0, 1, 1, 1], [3, 2]);
  expect(matmul(a, b).toArray()).toEqual([4, 5, 10, 11]);
  expect(matmul(b, a, { transA: true, transB: true }).toArray()).toEqual([4, 10, 5, 11]);
  expect(matmul(a, a, { transB: true }).toArray()).toEqual([14, 32, 32, 77]);
});

test('gemm accumulates with alpha and beta in place', () => {
  const a = tensor([1, 2], [1, 2]);
  const b = tensor([3, 4], [2, 1]);
  const c = tensor([10], [1, 1]);
  gemm(a, b, c, { alpha: 2, beta: 0.5 });
  expect(c.toArray()).toEqual([2 * 11 + 5]);
});

test('bad shapes and disposed tensors are errors that say what was expected', () => {
  const a = zeros([2, 3]), b = zeros([4, 2]);
  expect(() => matmul(a, b)).toThrow('matmul: inner dimensions differ: a is (2, 3), b is (4, 2)');
  expect(() => matmul(zeros([6]), b)).toThrow('matmul: expected 2-D tensors, got a(6,) and b(4, 2)');
  expect(() => gemm(a, zeros([3, 2]), zeros([3, 3]))).toThrow('gemm: c must be (2, 2) for a(2, 3) · b(3, 2), got (3, 3)');
  expect(() => gemm(a, zeros([3, 2]), zeros([2, 2]), { alpha: NaN })).toThrow('gemm: alpha must be a finite number, got NaN');
  const d = zeros([3, 2]);
  d.dispose();
  expect(() => matmul(a, d)).toThrow('matmul: b: the Tensor(3, 2) was disposed');
  expect(() => matmul(a, [1, 2] as never)).toThrow('matmul: b: expected a Tensor, got an array of length 2');
});
