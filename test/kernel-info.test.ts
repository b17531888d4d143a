// kernelInfo(): which kernels run, following setBackend, setThreads and init({ winograd }).
import { afterAll, expect, test } from 'vitest';
import { GEMM_KERNELS } from '../src/backend/kernels.js';
import { init, kernelInfo, setBackend, setThreads, threadCount, usesFma } from '../src/index.js';

await init();
const threads = threadCount();
afterAll(async () => {
  setBackend('wasm');
  setThreads(threads);
  await init({ winograd: true });
});

test('kernelInfo reports the backend, FMA, the GEMM micro-kernel and its tile, threads and the Winograd default', async () => {
  setBackend('wasm');
  const { gemmKernels } = kernelInfo();
  for (const { name, rows, columns } of Object.values(gemmKernels)) {
    expect(Object.keys(GEMM_KERNELS)).toContain(name);
    expect({ rows, columns }).toEqual({ rows: GEMM_KERNELS[name].rows, columns: GEMM_KERNELS[name].columns });
  }
  expect(kernelInfo()).toEqual({ backend: 'wasm', fma: usesFma(), gemmKernels: { fewRows: expect.any(Object), manyRows: expect.any(Object) },
    gemmKernelTimed: expect.any(Boolean), gemmKernelCached: expect.any(Boolean), threads, winograd: true });
  await init({ winograd: false });
  setThreads(1);
  expect(kernelInfo()).toMatchObject({ threads: 1, winograd: false });
  setBackend('js');
  expect(kernelInfo()).toMatchObject({ backend: 'js', fma: false, gemmKernels, threads: 1 });
});
