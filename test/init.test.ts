// init(): a failed first init() leaves a later one free to succeed on wasm, a module that is not
// the kernels is a clear error, and concurrent calls asking for different things are an error.
// Its own file: the first init() of the process is part of what is tested.
import { expect, test } from 'vitest';
import { getBackend, init, tensor } from '../src/index.js';

test('a failed init({ wasm }) is a clear error, and a later init() ends on wasm', async () => {
  await expect(init({ wasm: new Uint8Array([1, 2, 3, 4]) })).rejects.toThrow(/^init: the kernels' bytes are not a WebAssembly module this engine compiles/);
  // a valid module with nothing in it
  const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  await expect(init({ wasm: empty })).rejects.toThrow(/^init: the wasm module is not scratchnet's kernels of this version: it lacks f32_\w+, .* and \d+ more/);
  await init();
  expect(getBackend()).toBe('wasm');
  expect(tensor([1, 2]).toArray()).toEqual([1, 2]);
});

test('concurrent init() calls that ask for different backends are an error', async () => {
  const [wasm, js] = await Promise.allSettled([init(), init({ backend: 'js' })]);
  expect(wasm.status).toBe('fulfilled');
  expect(js.status).toBe('rejected');
  expect((js as PromiseRejectedResult).reason.message).toMatch(/^init: called with backend 'js' while one with backend 'wasm' is still in progress/);
  expect(getBackend()).toBe('wasm');
  // one after the other is fine
  await init({ backend: 'js' });
  expect(getBackend()).toBe('js');
  await init({ backend: 'wasm' });
  expect(getBackend()).toBe('wasm');
  // the same options at once are fine too
  await Promise.all([init(), init({ backend: 'wasm' })]);
  const [, fma] = await Promise.allSettled([init({ fma: true }), init({ fma: false })]);
  expect((fma as PromiseRejectedResult).reason.message).toMatch(/^init: called with fma false while one with fma true/);
});
