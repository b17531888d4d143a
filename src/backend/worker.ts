// A kernel thread (a worker_threads Worker in Node, a module Web Worker in browsers): instantiates
// the kernels on the shared memory, says it is ready, then runs the kernel ranges the calling
// thread posts into its control slot until told to stop. It never returns to its event loop: it
// waits on the slot with Atomics, which is what lets a hand-off take microseconds, not a message.
import { ScratchnetError } from '../errors.js';
import { ARGC, CLAIM, DONE, ERROR, KERNEL, READY, SEQ, slotViews, type ThreadStart } from './thread-control.js';

// NOTE: kernels of a training step arrive microseconds apart, and waking a sleeping thread costs
// tens of microseconds; so after each job the thread polls its slot for a while before sleeping.
const SPIN_POLLS = 20_000;

type Kernel = (...args: number[]) => unknown;

function serve(start: ThreadStart, kernels: Kernel[]): void {
  const { ints, args } = slotViews(start.control, start.slot);
  let seen = 0;
  for (;;) {
    for (let i = 0; i < SPIN_POLLS && Atomics.load(ints, SEQ) === seen; i++);
    Atomics.wait(ints, SEQ, seen);
    seen = Atomics.load(ints, SEQ);
    if (seen < 0) return;
    // the caller may have claimed the job itself (then it runs it and waits for nothing)
    if (Atomics.compareExchange(ints, CLAIM, seen - 1, seen) !== seen - 1) continue;
    try {
      kernels[ints[KERNEL]](...args.subarray(0, ints[ARGC]));
    } catch {
      Atomics.store(ints, ERROR, 1);
    }
    Atomics.store(ints, DONE, seen);
    Atomics.notify(ints, DONE);
  }
}

async function begin(start: ThreadStart, post: (message: string) => void): Promise<void> {
  const env = { memory: start.memory, abort: () => { throw new Error('kernel aborted'); } };
  const instance = await WebAssembly.instantiate(start.module, { env });
  const exports = instance.exports as Record<string, Kernel>;
  const kernels = start.names.map((name) => exports[name]);
  if (!exports.gemm_set_kernel(...start.gemmKernels)) throw new ScratchnetError(`scratchnet: kernel thread: no GEMM micro-kernels ${start.gemmKernels.join(', ')}`, 'ERR_INTERNAL');
  // NOTE: the flag, not the message, is what the calling thread reads: a caller busy in a loop of
  // kernel calls never returns to its event loop to receive a message
  Atomics.store(slotViews(start.control, start.slot).ints, READY, 1);
  post('ready');
  serve(start, kernels);
}

// Node's worker_threads module name is a variable so bundlers for browsers leave it alone. NOTE:
// no top-level await: bundlers emit workers as classic scripts (Vite's default), which have none.
const workerThreads = 'node:worker_threads';
const isNode = typeof process !== 'undefined' && !!process.versions?.node;
if (isNode) {
  void (import(/* @vite-ignore */ workerThreads) as Promise<typeof import('node:worker_threads')>).then(({ parentPort }) =>
    parentPort!.once('message', (start: ThreadStart) => void begin(start, (m) => parentPort!.postMessage(m))));
} else {
  const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<ThreadStart>) => void) | null; postMessage(m: string): void };
  scope.onmessage = (e) => {
    scope.onmessage = null;
    void begin(e.data, (m) => scope.postMessage(m));
  };
}
