// Checkpoints with the optimizer's state: a run resumed from a file continues exactly as if it had
// never stopped; mismatched optimizers are errors that change nothing.
import { describe, expect, test } from 'vitest';
import { Adam, deserializeParams, init, Momentum, MultiLayerNetExtend, serializeParams, SGD, tensor, type Optimizer } from '../src/index.js';
import { randomValues } from './helpers.js';

await init();

const batches = Array.from({ length: 6 }, () => [tensor(randomValues(8 * 6), [8, 6]), tensor([0, 1, 2, 0, 1, 2, 1, 0])] as const);
const make = () => new MultiLayerNetExtend({ inputSize: 6, hiddenSizeList: [5], outputSize: 3, useBatchnorm: true, seed: 1 });
const train = (net: ReturnType<typeof make>, optimizer: Optimizer, from: number, to: number) => {
  for (let i = from; i < to; i++) optimizer.update(net.params, net.gradient(...batches[i]));
};
const weights = (net: ReturnType<typeof make>) => Object.values({ ...net.params, ...net.buffers }).map((t) => t.toArray());

describe.each([['Adam', () => new Adam({ lr: 0.01 })], ['Momentum', () => new Momentum({ lr: 0.05 })]] as const)('%s', (_, makeOptimizer) => {
  test('a run resumed from a checkpoint with the optimizer state ends bit-identical to one that never stopped', () => {
    const straight = make();
    train(straight, makeOptimizer(), 0, 6);

    const first = make(), firstOptimizer = makeOptimizer();
    train(first, firstOptimizer, 0, 3);
    const bytes = serializeParams(first, {}, firstOptimizer);
    const resumed = make(), resumedOptimizer = makeOptimizer();
    deserializeParams(resumed, bytes, 'checkpoint', resumedOptimizer);
    train(resumed, resumedOptimizer, 3, 6);
    expect(weights(resumed)).toEqual(weights(straight));

    // a fresh optimizer (the weights alone) does not reproduce it
    const weightsOnly = make(), fresh = makeOptimizer();
    deserializeParams(weightsOnly, bytes);
    train(weightsOnly, fresh, 3, 6);
    expect(weights(weightsOnly)).not.toEqual(weights(straight));
  });
});

test('an optimizer of another kind, or a file without optimizer state, is an error that changes nothing', () => {
  const net = make(), adam = new Adam();
  train(net, adam, 0, 2);
  const withAdam = serializeParams(net, {}, adam);
  const target = make(), momentum = new Momentum();
  train(target, momentum, 0, 1);
  const before = weights(target);
  expect(() => deserializeParams(target, withAdam, 'checkpoint', momentum)).toThrow('checkpoint: the file holds the state of a Adam, not of a Momentum');
  expect(() => deserializeParams(target, serializeParams(net), 'checkpoint', momentum)).toThrow('checkpoint: the file holds no optimizer state, not of a Momentum');
  expect(weights(target)).toEqual(before);
  // SGD has no state: its checkpoint holds only the name
  const sgd = new SGD();
  expect(() => deserializeParams(make(), serializeParams(net, {}, sgd), 'checkpoint', sgd)).not.toThrow();
});
