// The hostile probe's findings, each at its root: deserializeParams' arguments, use after
// dispose named by the user's call (Adam's per-parameter step: optimizer-state.test.ts; the
// command line reading saveParams files: cli.test.ts).
import { beforeAll, expect, test } from 'vitest';
import { Adam, deserializeParams, init, serializeParams, tensor, TwoLayerNet } from '../src/index.js';

beforeAll(() => init());

const net = (seed = 1) => new TwoLayerNet({ inputSize: 3, hiddenSize: 4, outputSize: 2, seed });
const x = () => tensor([1, 2, 3, 4, 5, 6], [2, 3]);
const t = () => tensor([0, 1]);

test('deserializeParams: an optimizer passed third is an error, not a silent no-restore; { optimizer } restores it', () => {
  const source = net(), adam = new Adam({ lr: 0.01 });
  for (let i = 0; i < 3; i++) adam.update(source.params, source.gradient(x(), t()));
  const checkpoint = serializeParams(source, {}, adam);
  const target = net(2), before = target.params.W1.toArray();
  const fresh = new Adam({ lr: 0.01 });
  expect(() => deserializeParams(target, checkpoint, fresh as never))
    .toThrow('deserializeParams: the third argument is an options object { source, optimizer } (or the source\'s name), got an optimizer (Adam); pass { optimizer }');
  expect(target.params.W1.toArray()).toEqual(before);
  expect(() => deserializeParams(target, checkpoint, { source: 'ck', optimiser: fresh } as never)).toThrow("deserializeParams: unknown option 'optimiser' (did you mean 'optimizer'?)");
  expect(() => deserializeParams(target, checkpoint, 'ck', {} as never)).toThrow('deserializeParams: optimizer must be an optimizer');
  expect(() => deserializeParams(target, checkpoint, { source: 5 } as never)).toThrow('deserializeParams: source must be a string, got 5');
  deserializeParams(target, checkpoint, { optimizer: fresh });
  expect(fresh.t).toBe(3);
  expect(target.params.W1.toArray()).toEqual(source.params.W1.toArray());
  // both then step alike
  adam.update(source.params, source.gradient(x(), t()));
  fresh.update(target.params, target.gradient(x(), t()));
  expect(target.params.W1.toArray()).toEqual(source.params.W1.toArray());
  expect(() => serializeParams(source, adam as never)).toThrow('serializeParams: the metadata argument is a record of strings, got an optimizer (Adam)');
});

test('use after dispose() names the call the user made and the tensor', () => {
  const n = net();
  n.params.W2.dispose();
  expect(() => n.gradient(x(), t())).toThrow('TwoLayerNet.gradient: parameter W2 was disposed');
  expect(() => n.predict(x())).toThrow('TwoLayerNet.predict: parameter W2 was disposed');
  expect(() => n.evaluate(x(), t())).toThrow('TwoLayerNet.evaluate: parameter W2 was disposed');
  n.dispose();
  expect(() => n.loss(x(), t())).toThrow('TwoLayerNet.loss: the network was disposed');
});
