// Names a user or a file supplies are looked up as own entries: Object's own members
// ('constructor', '__proto__', 'toString') are unknown names, never found on the prototype.
import { beforeAll, expect, test } from 'vitest';
import { createOptimizer, init, SGD, tensor } from '../src/index.js';

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
