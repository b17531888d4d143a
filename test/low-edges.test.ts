// Smaller edges: a save into a path under a file names the real cause, and Standardizer.fit
// refuses data whose statistics are not finite, keeping what it had fitted before.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createRng, init, MiniBatches, saveParams, setBackend, Standardizer, tensor, TwoLayerNet, type Rng } from '../src/index.js';

beforeAll(() => init());

test('a save into a path under a file says its folder is not one, not the clean-up\'s ENOTDIR', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-low-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const net = new TwoLayerNet({ inputSize: 4, hiddenSize: 3, outputSize: 2, seed: 0 });
  const target = join(file, 'model.safetensors');
  await expect(saveParams(net, target)).rejects.toThrow(`saveParams: could not write ${target}: its folder ${file} does not exist or is not a folder`);
  await expect(saveParams(net, join(dir, 'missing', 'm.safetensors'))).rejects.toThrow(/its folder .*missing does not exist or is not a folder$/);
  net.dispose();
});

describe.each(['wasm', 'js'] as const)('Standardizer.fit on %s', (backend) => {
  test.each([
    ['NaN', [1, NaN, 3, 4], /^Standardizer\.fit: feature 1 has mean NaN and variance NaN: x must be finite/],
    ['Infinity', [1, 2, Infinity, 4], /^Standardizer\.fit: feature 0 has mean Infinity/],
    ['1e30', [1e30, 2, -1e30, 4], /^Standardizer\.fit: feature 0 has mean 0 and variance Infinity/],
  ])('refuses %s and keeps its previous fit', (_, values, message) => {
    setBackend(backend);
    const s = new Standardizer().fit(tensor([1, 2, 3, 6], [2, 2]));
    const before = s.mean!.toArray();
    expect(() => s.fit(tensor(values, [2, 2]))).toThrow(message);
    expect(s.mean!.toArray()).toEqual(before);
    const y = s.transform(tensor([2, 4], [1, 2]));
    expect(y.toArray()).toEqual([0, 0]);
    s.dispose();
  });
});

test('MiniBatches refuses an rng whose indices fall outside the data', () => {
  const x = tensor([1, 2, 3, 4], [2, 2]), t = tensor([0, 1]);
  for (const bad of [2, -1, 0.5, NaN]) {
    const batches = new MiniBatches(x, t, 3, { int: () => bad } as unknown as Rng);
    expect(() => batches.sample()).toThrow(`MiniBatches.sample: rng.int(2) must give an integer in [0, 2), got ${bad}`);
    batches.dispose();
  }
  const ok = new MiniBatches(x, t, 2, createRng(1));
  expect(ok.sample()[0].shape).toEqual([2, 2]);
  ok.dispose();
});
