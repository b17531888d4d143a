// The default thread count's measurement (src/backend/thread-check.ts) on a real pool of two: it
// times the product on one thread and on two, hands back finite times, leaves the pool's hand-off
// as it found it and the allocator with the blocks it had. (Its verdict, secondThreadPays, is
// tested on fake times in init-store.test.ts: a timing on a shared machine decides nothing here.)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { expect, test } from 'vitest';
import { Allocator } from '../src/backend/allocator.js';
import type { Kernels } from '../src/backend/kernels.js';
import { timeThreads } from '../src/backend/thread-check.js';
import { ThreadPool } from '../src/backend/threads.js';

test('timeThreads: finite times on one thread and on two; hand-off and memory as they were', async () => {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 1024, shared: true });
  const module = await WebAssembly.compile(readFileSync(new URL('../build/scratchnet-threads.wasm', import.meta.url)));
  const instance = await WebAssembly.instantiate(module, { env: { memory, abort: () => { throw new Error('abort'); } } });
  const kernels = instance.exports as unknown as Kernels & { gemm_set_kernel(a: number, b: number): number };
  kernels.gemm_set_kernel(0, 0);
  const alloc = new Allocator(memory, 65536);
  const pool = await ThreadPool.start(2, module, memory, [0, 0]);
  try {
    await pool.ready;
    expect(pool.allReady).toBe(true);
    for (const handOff of [false, true]) {
      pool.handOff = handOff;
      const blocks = alloc.liveBlocks;
      const { oneThreadMs, twoThreadsMs } = timeThreads(kernels, alloc, pool);
      for (const ms of [oneThreadMs, twoThreadsMs]) expect(ms > 0 && Number.isFinite(ms), String(ms)).toBe(true);
      expect(pool.handOff).toBe(handOff);
      expect(alloc.liveBlocks).toBe(blocks);
    }
  } finally {
    pool.stop();
  }
});

test('from the first call after init() (threads still starting) through the check, the bits of one thread', () => {
  // a fresh process each: products from right after init(), through the kernel thread's start-up,
  // the default's measurement (no setThreads() call, which would end it) and after it; the distinct
  // results seen, against those of a process on one thread
  const script = (initCall: string) => `
    const m = await import('./dist/index.js');
    await m.init(${initCall});
    const rng = m.createRng(3);
    const r = (shape) => m.tensor(Array.from({ length: shape[0] * shape[1] }, () => rng.uniform(-1, 1)), shape);
    const a = r([128, 300]), b = r([300, 128]), c = m.zeros([128, 128]); // 9.8 MFLOP: split in two
    const seen = new Set();
    const t = performance.now();
    for (let runs = 1; performance.now() - t < 1500 || runs < 400; runs++) {
      c.data.fill(NaN);
      m.gemm(a, b, c);
      seen.add(Buffer.from(new Float32Array(c.data).buffer).toString('base64'));
      if (runs % 100 === 0) await new Promise((res) => setTimeout(res, 1));
    }
    console.log(m.threadCount(), [...seen].join(' '));`;
  const run = (initCall: string) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(initCall)],
      { encoding: 'utf8', env: { ...process.env, SCRATCHNET_THREADS: '', SCRATCHNET_CACHE_DIR: 'off' } });
    expect(r.stderr, initCall).toBe('');
    return r.stdout.trim().split(' ');
  };
  const [threads, one, ...more] = run('{ threads: 1 }');
  expect([threads, more]).toEqual(['1', []]);
  expect(run('')).toEqual([String(Math.min(2, availableParallelism())), one]);
  expect(run('{ threads: 2 }')).toEqual(['2', one]);
});
