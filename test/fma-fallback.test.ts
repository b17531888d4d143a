// An engine without relaxed SIMD (Safari, Firefox) gets the unfused build: here the feature test is
// made to say no (this file has its own module graph, so its runtime is its own), and init() must
// load the unfused kernels on one and two threads rather than fail.
import { expect, test, vi } from 'vitest';

vi.mock('wasm-feature-detect', () => ({ relaxedSimd: async () => false }));

const { init, matmul, tensor, threadCount, usesFma } = await import('../src/index.js');
const { threadsReady } = await import('../src/backend/runtime.js');

test('without relaxed SIMD, init() loads the unfused build and the products round twice', async () => {
  await init({ threads: 2 });
  await threadsReady();
  expect(threadCount()).toBe(2);
  expect(usesFma()).toBe(false);
  // fma.test.ts's probe: (1 + 2⁻¹²)² rounds to 1 + 2⁻¹¹ before it meets −(1 + 2⁻¹¹)
  const x = 1 + 2 ** -12;
  expect(matmul(tensor([-(1 + 2 ** -11), x], [1, 2]), tensor([1, x], [2, 1])).toArray()[0]).toBe(0);
});
