// Starting the kernel threads without waiting for them, and the default's check of its second
// thread. init() resolves while the threads start; the calling thread runs every range until they
// are ready (the same bits: see ThreadPool.handOff). Then threads asked for take work at once; the
// default's second thread only where timeThreads() finds that it saves time, checked by the first
// runParallel() that finds them ready (a caller in a loop of kernel calls never sees a message).
import type { Allocator } from './allocator.js';
import { GEMM_KERNELS, type GemmKernelName, type GemmProductKind, type Kernels } from './kernels.js';
import type { ThreadPool } from './threads.js';

/** The runtime's fields that starting and checking the threads read and write. */
export interface ThreadState {
  memory: WebAssembly.Memory;
  allocator: Allocator;
  wasm?: Kernels;
  threads: number;
  usedThreads: number;
  threadsAsked: boolean; // by init()'s option, rather than by default
  measureThreads: boolean; // the default's second thread waits for checkSecondThread()
  threadCheck?: typeof import('./thread-check.js'); // loaded where measureThreads and a pool
  pool?: ThreadPool;
  gemmKernels: Record<GemmProductKind, GemmKernelName>;
}

/** Spawns `state.threads − 1` kernel threads; resolves once they are spawned, not started. */
export async function startThreads(state: ThreadState, module: WebAssembly.Module): Promise<void> {
  // a module of its own: pages on one thread never load it
  const { ThreadPool } = await import('./threads.js');
  if (state.measureThreads) state.threadCheck = await import('./thread-check.js');
  const oneThread = (e: unknown) => {
    console.warn(`scratchnet: running on one thread: ${(e as Error).message}`);
    state.threads = state.usedThreads = 1;
  };
  let pool: ThreadPool;
  try {
    pool = await ThreadPool.start(state.threads, module, state.memory, [GEMM_KERNELS[state.gemmKernels.fewRows].id, GEMM_KERNELS[state.gemmKernels.manyRows].id]);
  } catch (e) {
    // threads the user asked for must start; the default quietly degrades to one
    if (state.threadsAsked) throw e;
    return oneThread(e);
  }
  state.pool = pool;
  pool.handOff = !state.measureThreads;
  // NOTE: a thread that fails after init() resolved (its script does not load) leaves one thread
  pool.ready.catch((e: unknown) => {
    if (state.pool === pool) state.pool = undefined;
    oneThread(e);
  });
}

/** Once the default's threads are ready: times one thread against two, once, and lets the second
 *  take work only where it saves time. */
export function checkSecondThread(state: ThreadState): void {
  const { pool, threadCheck, wasm } = state;
  if (!pool?.allReady || !threadCheck || !wasm) return;
  state.measureThreads = false;
  try {
    const { oneThreadMs, twoThreadsMs } = threadCheck.timeThreads(wasm, state.allocator, pool);
    pool.handOff = threadCheck.secondThreadPays(oneThreadMs, twoThreadsMs);
  } catch {
    pool.handOff = false; // no memory for the check's operands: one thread, as before it
  }
}
