import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    // init() times the GEMM candidates in every test process and child, and writes nothing to the
    // user's cache directory (test/init-store.test.ts points the store at temporary folders)
    env: { SCRATCHNET_CACHE_DIR: 'off' },
  },
});
