// init/setBackend and the wasm module's interface.
import { expect, test } from 'vitest';
import { getBackend, init, setBackend } from '../src/index.js';
import { backendKernels } from '../src/backend/runtime.js';

test('init is idempotent and keeps the backend chosen since', async () => {
  await init();
  await init();
  expect(getBackend()).toBe('wasm');
  setBackend('js');
  await init();
  expect(getBackend()).toBe('js');
  await init({ backend: 'wasm' });
  expect(getBackend()).toBe('wasm');
});

test('bad backend names are clear errors', async () => {
  await init();
  expect(() => setBackend('gpu' as 'js')).toThrow(`setBackend: expected 'wasm' or 'js', got "gpu"`);
  await expect(init({ backend: 'webgl' as 'js' })).rejects.toThrow(/init: backend must be 'wasm' or 'js'/);
});

test('the wasm module exports every kernel of the JS twin with the same arity', async () => {
  await init();
  const wasm = backendKernels('wasm') as unknown as Record<string, (...a: number[]) => unknown>;
  const js = backendKernels('js') as unknown as Record<string, (...a: number[]) => unknown>;
  for (const name of Object.keys(js)) {
    expect(typeof wasm[name], name).toBe('function');
    // the JS twin may leave off trailing arguments it does not use (gemm's workspace)
    expect(wasm[name].length, name).toBeGreaterThanOrEqual(js[name].length);
  }
});
