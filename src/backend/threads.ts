// A pool of kernel threads over the shared linear memory. The calling thread posts each kernel
// thread one range of a kernel (its arguments are numbers: offsets and sizes), runs the first range
// itself, then waits until every thread is done. Splitting is the caller's business (src/ops,
// src/layers): it decides which kernels are big enough to be worth a hand-off.
import type { Kernels } from './kernels.js';
import { ARGC, CLAIM, DONE, ERROR, KERNEL, MAX_ARGS, READY, SEQ, SLOT_BYTES, slotViews, type ThreadStart } from './thread-control.js';
import { ScratchnetError, ValueError } from '../errors.js';

interface KernelThread {
  post(start: ThreadStart): void;
  ready: Promise<void>;
  terminate(): void;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
// Browsers forbid Atomics.wait on the main thread (it would freeze the page); there the caller
// polls. Node's main thread, and any worker, may sleep.
const canBlock = isNode || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
const SPIN_POLLS = 20_000;

export class ThreadPool {
  readonly #threads: KernelThread[];
  readonly #slots: ReturnType<typeof slotViews>[];
  readonly #index: Map<string, number>;
  readonly #seq: number[];
  /** Resolves once every kernel thread has its kernels and waits for work; rejects if one fails to start. */
  readonly ready: Promise<void>;
  /** Whether run() hands ranges to the kernel threads that are ready; while it is false, and for a
   *  thread not ready yet, the calling thread runs the ranges itself, one after the other. Results
   *  are the same bits either way. */
  handOff = true;
  #allReady = false;

  private constructor(threads: KernelThread[], slots: ReturnType<typeof slotViews>[], names: string[]) {
    this.#threads = threads;
    this.#slots = slots;
    this.#index = new Map(names.map((name, i) => [name, i]));
    this.#seq = slots.map(() => 0);
    this.ready = Promise.all(threads.map((t) => t.ready)).then(() => undefined, (e: unknown) => {
      for (const t of threads) t.terminate();
      throw new Error(`init: could not start kernel threads: ${(e as Error).message}`);
    });
    this.ready.catch(() => undefined); // the owner decides what a failed start means; no unhandled rejection
  }

  /** Starts `size − 1` kernel threads (the calling thread is the first of `size`), each running
   *  the GEMM micro-kernels `gemmKernels` (gemm_set_kernel's ids), as the calling thread does.
   *  Returns once they are spawned, not started: their start-up (worker start, instantiation)
   *  overlaps the caller's first work; see `ready` and `handOff`. */
  static async start(size: number, module: WebAssembly.Module, memory: WebAssembly.Memory, gemmKernels: [number, number]): Promise<ThreadPool> {
    const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name).sort();
    const control = new SharedArrayBuffer(SLOT_BYTES * (size - 1));
    const threads: KernelThread[] = [];
    try {
      for (let slot = 0; slot < size - 1; slot++) {
        const thread = await spawn();
        threads.push(thread);
        thread.post({ module, memory, control, slot, names, gemmKernels });
      }
    } catch (e) {
      for (const t of threads) t.terminate();
      throw new Error(`init: could not start kernel threads: ${(e as Error).message}`);
    }
    const slots = threads.map((_, slot) => slotViews(control, slot));
    return new ThreadPool(threads, slots, names);
  }

  /** Whether every kernel thread has started (read from their control slots, so it is seen by a
   *  caller that never returns to its event loop). */
  get allReady(): boolean {
    this.#allReady ||= this.#slots.every(({ ints }) => Atomics.load(ints, READY) === 1);
    return this.#allReady;
  }

  /** Threads that run kernels, the calling one included. */
  get size(): number {
    return this.#threads.length + 1;
  }

  /** Runs kernel `name` once per argument list, at most `size` lists: the first on this thread. */
  run(kernels: Kernels, name: keyof Kernels, parts: readonly (readonly number[])[]): void {
    if (parts.length > this.size) throw new ValueError(`ThreadPool.run: ${parts.length} parts for ${this.size} threads`);
    const kernel = this.#index.get(name);
    if (kernel === undefined) throw new ValueError(`ThreadPool.run: no kernel named ${name}`);
    const kernelFn = kernels[name] as (...a: number[]) => unknown;
    if (!this.handOff || !this.allReady) {
      for (const part of parts) kernelFn(...part);
      return;
    }
    for (let w = 1; w < parts.length; w++) {
      const { ints, args } = this.#slots[w - 1];
      const part = parts[w];
      if (part.length > MAX_ARGS) throw new ValueError(`ThreadPool.run: ${name} has ${part.length} arguments, at most ${MAX_ARGS} fit`);
      args.set(part);
      ints[KERNEL] = kernel;
      ints[ARGC] = part.length;
      Atomics.store(ints, SEQ, ++this.#seq[w - 1]);
      Atomics.notify(ints, SEQ);
    }
    try {
      kernelFn(...parts[0]);
      // parts no kernel thread has claimed yet run here: a thread the system has not scheduled
      // would hold this one up
      for (let w = 1; w < parts.length; w++) {
        const seq = this.#seq[w - 1];
        if (Atomics.compareExchange(this.#slots[w - 1].ints, CLAIM, seq - 1, seq) === seq - 1) {
          Atomics.store(this.#slots[w - 1].ints, DONE, seq);
          try {
            kernelFn(...parts[w]);
          } catch (e) {
            throw new ScratchnetError(`scratchnet: kernel ${name} failed on kernel thread ${w}'s range (run on the calling thread): ${(e as Error).message}`, 'ERR_INTERNAL');
          }
        }
      }
    } finally {
      for (let w = 1; w < parts.length; w++) this.#await(w - 1);
    }
    for (let w = 1; w < parts.length; w++) {
      const { ints } = this.#slots[w - 1];
      if (ints[ERROR]) {
        ints[ERROR] = 0;
        throw new ScratchnetError(`scratchnet: kernel ${name} failed on kernel thread ${w}`, 'ERR_INTERNAL');
      }
    }
  }

  #await(slot: number): void {
    const { ints } = this.#slots[slot];
    const target = this.#seq[slot];
    for (let polls = 0; ; polls++) {
      const done = Atomics.load(ints, DONE);
      if (done === target) return;
      if (canBlock && polls > SPIN_POLLS) Atomics.wait(ints, DONE, done, 100);
    }
  }

  stop(): void {
    for (const [slot, thread] of this.#threads.entries()) {
      Atomics.store(this.#slots[slot].ints, SEQ, -1);
      Atomics.notify(this.#slots[slot].ints, SEQ);
      thread.terminate();
    }
  }
}

// Node's worker_threads module name is a variable so bundlers for browsers leave it alone.
const workerThreads = 'node:worker_threads';

async function spawn(): Promise<KernelThread> {
  if (isNode) {
    const { Worker } = (await import(/* @vite-ignore */ workerThreads)) as typeof import('node:worker_threads');
    // NOTE: under vitest this file runs from src/ as TypeScript, which a worker cannot load: it
    // uses the compiled copy in dist/ (npm test builds it first).
    const url = import.meta.url.endsWith('.ts') ? new URL('../../dist/backend/worker.js', import.meta.url) : new URL('./worker.js', import.meta.url);
    // NOTE: no execArgv: a worker inherits the parent's Node flags by default, and some of them
    // (--input-type of `node -e`, a loader for TypeScript) make a worker fail to start
    const worker = new Worker(url, { execArgv: [] });
    worker.unref(); // kernel threads never keep a process alive
    return {
      post: (start) => worker.postMessage(start),
      ready: new Promise((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      }),
      terminate: () => void worker.terminate(),
    };
  }
  // written literally so bundlers (Vite, webpack) find and ship the worker
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return {
    post: (start) => worker.postMessage(start),
    ready: new Promise((resolve, reject) => {
      worker.addEventListener('message', () => resolve(), { once: true });
      worker.addEventListener('error', (e) => reject(new Error(e.message)), { once: true });
    }),
    terminate: () => worker.terminate(),
  };
}
