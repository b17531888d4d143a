// kernelInfo(): which kernels run, following setBackend, setThreads and init({ winograd }).
import { afterAll, expect, test } from 'vitest';
import { init, kernelInfo, setBackend, setThreads, threadCount, usesFma } from '../src/index.js';

await init();
const threads = threadCount();
afterAll(async () => {
  setBackend('wasm');
  setThreads(threads);
  await init({ winograd: true });
});

test('kernelInfo reports the backend, FMA, the GEMM tile, threads and the Winograd default', async () => {
  setBackend('wasm');
  expect(kernelInfo()).toEqual({ backend: 'wasm', fma: usesFma(), gemmTile: { rows: 4, columns: 8 }, threads, winograd: true });
  await init({ winograd: false });
  setThreads(1);
  expect(kernelInfo()).toMatchObject({ threads: 1, winograd: false });
  setBackend('js');
  expect(kernelInfo()).toMatchObject({ backend: 'js', fma: false, threads: 1 });
});
