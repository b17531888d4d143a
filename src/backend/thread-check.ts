// The default thread count's measurement: once the kernel threads are up, a product on one thread
// and on two, so that the default never runs slower than one thread (a second core that is busy, or
// a container's CPU quota of one core that the core count does not show). Loaded only where a
// default of two or more threads starts.
import type { Allocator } from './allocator.js';
import type { Kernels } from './kernels.js';
import type { ThreadPool } from './threads.js';

// NOTE: the second thread must save this share of the time to be kept: a split product on two free
// cores takes 0.5–0.6 of one thread's time, one whose second core is busy ~1.0.
const MIN_SAVING = 0.1;

/** Whether the times of the same products on one thread and on two (the median of a few rounds
 *  each, in ms) earn the second thread its place. */
export function secondThreadPays(oneThreadMs: number, twoThreadsMs: number): boolean {
  return Number.isFinite(oneThreadMs) && Number.isFinite(twoThreadsMs) && twoThreadsMs < oneThreadMs * (1 - MIN_SAVING);
}

// NOTE: a hand-off costs most, relatively, on the smallest work that is split (TwoLayerNet's
// products, 2–8 MFLOP): the product is of that size, 8.4 MFLOP (about 0.2 ms on one thread here),
// cut by rows of C, 64 each.
const [M, K, N] = [128, 256, 128];
// NOTE: medians, not bests: a second thread that is often descheduled has a good best and a bad
// median, and the verdict holds for the whole process
const ROUNDS = 7;

/** The median of ROUNDS times of one product on the calling thread alone and split over the
 *  pool's two threads (the pool hands off while it is timed), taken in turns. A few ms in all. */
export function timeThreads(k: Kernels, alloc: Allocator, pool: ThreadPool): { oneThreadMs: number; twoThreadsMs: number } {
  const floats = M * K + K * N + M * N;
  const data = alloc.alloc(floats * 4);
  const halves = [[0, M / 2], [M / 2, M / 2]];
  const works = halves.map(([, rows]) => alloc.alloc(k.f32_gemm_workspace_bytes(rows, N, K)));
  const whole = alloc.alloc(k.f32_gemm_workspace_bytes(M, N, K));
  const [a, b, c] = [data, data + 4 * M * K, data + 4 * (M * K + K * N)];
  const handOff = pool.handOff;
  try {
    k.f32_fill(data, floats, 0.5);
    const parts = halves.map(([start, rows], i) => [0, 0, rows, N, K, 1, a + 4 * start * K, K, b, N, 0, c + 4 * start * N, N, works[i]]);
    const time = (run: () => void) => {
      const t = performance.now();
      run();
      return performance.now() - t;
    };
    pool.handOff = true;
    const ones: number[] = [], twos: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const one = time(() => k.f32_gemm(0, 0, M, N, K, 1, a, K, b, N, 0, c, N, whole));
      const two = time(() => pool.run(k, 'f32_gemm', parts));
      if (round === 0) continue; // the first wakes the kernel thread and warms caches
      ones.push(one);
      twos.push(two);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
    return { oneThreadMs: median(ones), twoThreadsMs: median(twos) };
  } finally {
    pool.handOff = handOff;
    for (const block of [whole, ...works, data]) alloc.free(block);
  }
}
