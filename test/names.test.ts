// Names a user or a file supplies are looked up as own entries: Object's own members
// ('constructor', '__proto__', 'toString') are unknown names, never found on the prototype.
import { beforeAll, expect, test } from 'vitest';
import { createOptimizer, Dropout, gemm, init, matmul, SGD, tensor } from '../src/index.js';

beforeAll(() => init());

const objectNames = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

test.each(objectNames)('createOptimizer(%j) is an unknown optimizer', (name) => {
  expect(() => createOptimizer(name)).toThrow(new RegExp(`createOptimizer: unknown optimizer "${name}"; expected one of SGD`));
});

test('createOptimizer still takes every name in any case', () => {
  for (const name of ['sgd', 'Momentum', 'NESTEROV', 'AdaGrad', 'rmsprop', 'Adam']) expect(typeof createOptimizer(name).update).toBe('function');
  expect(() => createOptimizer(3 as unknown as string)).toThrow(/unknown optimizer 3/);
});

test.each(['constructor', 'toString'])('an update whose grads lack %s says so', (name) => {
  const p = tensor([1, 2]);
  expect(() => new SGD().update({ [name]: p }, {})).toThrow(new RegExp(`SGD.update: grads has no '${name}'`));
  expect(() => new SGD().update({}, { [name]: p })).toThrow(new RegExp(`SGD.update: grads has '${name}', which params does not`));
  expect(p.toArray()).toEqual([1, 2]);
});

test('misspelt options of init, gemm, matmul and Dropout are errors with a hint', async () => {
  await expect(init({ backnd: 'js' } as object)).rejects.toThrow(/^init: unknown option 'backnd' \(did you mean 'backend'\?\)/);
  const a = tensor([1, 2, 3, 4], [2, 2]);
  expect(() => gemm(a, a, tensor([0, 0, 0, 0], [2, 2]), { transa: true } as object)).toThrow(/^gemm: unknown option 'transa' \(did you mean 'transA'\?\)/);
  expect(() => gemm(a, a, tensor([0, 0, 0, 0], [2, 2]), { transA: 1 as unknown as boolean })).toThrow(/^gemm: transA must be a boolean, got 1$/);
  expect(() => matmul(a, a, { transpose: true } as object)).toThrow(/^matmul: unknown option 'transpose'/);
  expect(() => new Dropout(0.5, { sed: 1 } as object)).toThrow(/^Dropout: unknown option 'sed' \(did you mean 'seed'\?\)/);
  expect(matmul(a, a, { transB: true }).toArray()).toEqual([5, 11, 11, 25]);
});
