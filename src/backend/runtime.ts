// The process-wide runtime: the one linear memory, its allocator, and the active kernel backend.
// `init()` creates them; everything that touches tensor data goes through here.
import { instantiate } from '../../build/scratchnet.js';
import { ALIGN, Allocator } from './allocator.js';
import { GEMM_KERNELS, type BackendName, type GemmKernelName, type GemmProductKind, type Kernels, type WasmExports } from './kernels.js';
import { compileWasm, type WasmSource } from './load.js';
import { defaultFma, defaultGemmKernel, defaultThreads, isNode, readInitOptions, sharedMemoryAvailable, type InitOptions } from './init-options.js';
import { GEOMETRY_BYTES, writeGeometry, type ConvGeometry } from './conv-geometry.js';
import { relaxedSimdAvailable } from './relaxed-simd.js';
import type { ThreadPool } from './threads.js';
import { guardTraps } from './trap-guard.js';
import { abortFrom, checkExports } from './wasm-setup.js';
import { chooseGemmKernels } from './gemm-choice.js';
import { checkSecondThread, startThreads } from './thread-start.js';
import { FileFormatError, NotInitializedError, ResourceError, ValueError } from '../errors.js';

// NOTE: the module's static data (constants, no heap: the AssemblyScript runtime is the stub
// and kernels never allocate) sits below this address; tensors start above it. init() checks
// the module's __heap_base against it.
const RESERVED_BYTES = 65536;
// NOTE: the kernels' params blocks (conv-geometry.ts) sit at the top of that reserved space: written
// by the calling thread right before each call, read by every thread during it.
const PARAMS_OFFSET = RESERVED_BYTES - GEOMETRY_BYTES;
const INITIAL_PAGES = 256; // 16 MiB; grows on demand
// A shared memory must declare its maximum up front (it grows in place, never moves): 4 GiB,
// everything wasm32 can address; only address space is reserved.
const MAX_SHARED_PAGES = 65536;

interface Runtime {
  memory: WebAssembly.Memory;
  allocator: Allocator;
  js: Kernels | undefined; // the pure-JS twin, loaded by init() where it may be used (loadJsKernels)
  wasm?: Kernels;
  active: BackendName;
  chosen: boolean; // a backend was set by a successful init() or by setBackend()
  heap: Float32Array;
  workspaces: Workspace[]; // one per thread
  threads: number; // as asked at the first init(), where available
  shared: boolean; // the memory is a SharedArrayBuffer (the kernels are a threads build)
  threadsAsked: boolean; // by the user, rather than by default
  fmaAsked: boolean; // the first init()'s option
  fma: boolean; // the loaded build multiply-adds fused
  gemmKernelAsked: GemmKernelName | undefined; // the first init()'s option (or the environment's)
  gemmKernels: Record<GemmProductKind, GemmKernelName>; // the GEMM micro-kernels every thread runs
  gemmKernelTimed: boolean; // chosen by timing the candidates, not named
  gemmKernelCached: boolean; // that timing was read from the store (gemm-choice.ts)
  cacheDir: string | false | undefined; // the first init()'s option
  measureThreads: boolean; // the default thread count: the second thread waits for timeThreads()
  threadCheck?: typeof import('./thread-check.js'); // loaded where measureThreads and a pool
  pool?: ThreadPool;
  usedThreads: number; // setThreads(): at most `threads`
  winograd: boolean; // init()'s winograd
}

let rt: Runtime | undefined;
let loading: Promise<void> | undefined;
// the options of the init() calls not yet settled: concurrent calls must agree
const pending: { backend: BackendName; threads?: number; fma?: boolean; gemmKernel?: GemmKernelName }[] = [];

/** Loads the wasm kernels and creates the linear memory. Safe to call more than once, but calls
 *  in flight at the same time must not ask for different backends, threads or fma. */
export async function init(opts: InitOptions = {}): Promise<void> {
  const { options, backend } = readInitOptions(opts);
  const { threads, gemmKernel } = options;
  const asked = { backend, threads, fma: options.fma, gemmKernel };
  for (const other of pending) {
    const clash = other.backend !== backend ? `backend '${backend}' while one with backend '${other.backend}'`
      : threads !== undefined && other.threads !== undefined && threads !== other.threads ? `threads ${threads} while one with threads ${other.threads}`
        : asked.fma !== undefined && other.fma !== undefined && asked.fma !== other.fma ? `fma ${asked.fma} while one with fma ${other.fma}`
          : gemmKernel && other.gemmKernel && gemmKernel !== other.gemmKernel ? `gemmKernel '${gemmKernel}' while one with gemmKernel '${other.gemmKernel}'` : '';
    if (clash) throw new ValueError(`init: called with ${clash} is still in progress; await the first before asking for another`);
  }
  pending.push(asked);
  try {
    await initOnce(backend, threads, options);
  } finally {
    pending.splice(pending.indexOf(asked), 1);
  }
}

async function initOnce(backend: BackendName, threads: number | undefined, options: InitOptions): Promise<void> {
  // NOTE: awaited before the check below, so that concurrent first calls create one runtime
  const byDefault = rt || threads !== undefined ? { threads: 1, measured: false } : await defaultThreads();
  const first = !rt;
  if (!rt) {
    createRuntime(threads ?? byDefault.threads, threads !== undefined, options.fma ?? defaultFma(), options.gemmKernel ?? defaultGemmKernel());
    rt!.measureThreads = byDefault.measured;
    rt!.cacheDir = options.cacheDir;
  }
  else if (threads !== undefined && threads !== rt.threads && sharedMemoryAvailable()) {
    throw new ValueError(`init: threads is fixed by the first init() (${rt.threads}); got ${threads}`);
  } else if (options.fma !== undefined && options.fma !== rt.fmaAsked) {
    throw new ValueError(`init: fma is fixed by the first init() (${rt.fmaAsked}); got ${options.fma}`);
  } else if (options.gemmKernel !== undefined && options.gemmKernel !== rt.gemmKernelAsked) {
    throw new ValueError(`init: gemmKernel is fixed by the first init() (${rt.gemmKernelAsked ?? 'timed'}); got '${options.gemmKernel}'`);
  }
  if (options.winograd !== undefined) rt!.winograd = options.winograd;
  if (backend === 'js' || isNode()) await loadJsKernels();
  if (backend === 'wasm' && !rt!.wasm) {
    loading ??= loadWasm(options.wasm).finally(() => (loading = undefined));
    await loading;
  }
  // a repeated init() keeps the backend the user chose since, unless it names one (or none was
  // ever chosen: the first init() failed)
  if (first || options.backend || !rt!.chosen) setBackend(backend);
}

// NOTE: the JS twin (the tests' oracle and the benchmarks' baseline) is a module of its own, loaded
// in Node and wherever init({ backend: 'js' }) asks for it: a page that only runs the wasm kernels
// does not download it (a third of a training page's JavaScript).
async function loadJsKernels(): Promise<void> {
  if (rt!.js) return;
  const { createJsKernels } = await import('./js/index.js');
  rt!.js ??= createJsKernels(() => heapF32());
}

function createRuntime(asked: number, explicit: boolean, fma: boolean, gemmKernel: GemmKernelName | undefined): void {
  let threads = asked;
  if (threads > 1 && !sharedMemoryAvailable()) {
    console.warn(`scratchnet: ${threads} threads need SharedArrayBuffer (a cross-origin isolated page); running on one`);
    threads = 1;
  }
  // NOTE: shared wherever it can be, with one thread too: a shared memory grows in place, so views
  // of it (a tensor's data) stay valid across allocations on one thread as on two. Only browser
  // pages that are not cross-origin isolated get a memory whose growth detaches old views.
  const shared = sharedMemoryAvailable();
  const memory = shared
    ? new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_SHARED_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: INITIAL_PAGES });
  const state: Runtime = {
    memory,
    allocator: new Allocator(memory, RESERVED_BYTES),
    js: undefined,
    active: 'js',
    chosen: false,
    heap: new Float32Array(memory.buffer),
    workspaces: Array.from({ length: threads }, () => ({ kept: { offset: 0, bytes: 0 }, large: { offset: 0, bytes: 0 } })),
    threads,
    shared,
    usedThreads: threads,
    threadsAsked: explicit,
    fmaAsked: fma,
    fma: false,
    gemmKernelAsked: gemmKernel,
    gemmKernels: { fewRows: gemmKernel ?? '4x8', manyRows: gemmKernel ?? '4x8' },
    gemmKernelTimed: false,
    gemmKernelCached: false,
    cacheDir: undefined,
    measureThreads: false,
    winograd: true,
  };
  rt = state;
}

async function loadWasm(source: WasmSource | undefined): Promise<void> {
  const state = rt!;
  const fma = state.fmaAsked && await relaxedSimdAvailable();
  const { module, bytes } = await compileWasm(source, { threads: state.shared, fma }).catch((e: unknown) => {
    throw e instanceof WebAssembly.CompileError ? new FileFormatError(`init: the kernels' bytes are not a WebAssembly module this engine compiles: ${e.message}`) : e;
  });
  checkExports(module, state.js);
  let exports: WasmExports;
  try {
    exports = await instantiate(module, { env: { memory: state.memory, abort: abortFrom(state.memory) } });
  } catch (e) {
    throw new Error(`init: could not instantiate the kernels: ${(e as Error).message}` +
      (state.shared ? ' (the memory is shared: the module must be a threads build, build/scratchnet-threads*.wasm)' : ''));
  }
  const heapBase = exports.heap_base();
  if (heapBase > PARAMS_OFFSET) {
    throw new FileFormatError(`init: the kernels' static data ends at byte ${heapBase}, past the ${PARAMS_OFFSET} bytes reserved for it`);
  }
  const choice = await chooseGemmKernels(exports, state.allocator, state.gemmKernelAsked, { cacheDir: state.cacheDir, threads: state.shared, fma, bytes });
  state.gemmKernels = choice.kernels;
  state.gemmKernelTimed = choice.timed;
  state.gemmKernelCached = choice.stored;
  // NOTE: the threads get the compiled module after the warm-up, whose optimized code V8 shares
  if (state.threads > 1) await startThreads(state, module);
  state.wasm = guardTraps(exports, WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name));
  state.fma = exports.build_fma() === 1; // a wasm source the caller gave may be either build
}

function runtime(caller: string): Runtime {
  if (!rt) throw new NotInitializedError(`${caller}: scratchnet is not initialized; call \`await init()\` first`);
  return rt;
}

/** Switches the kernel backend. Tensors stay where they are: both backends use the same memory. */
export function setBackend(name: BackendName): void {
  const state = runtime('setBackend');
  if (name !== 'wasm' && name !== 'js') {
    throw new ValueError(`setBackend: expected 'wasm' or 'js', got ${JSON.stringify(name)}`);
  }
  if (name === 'wasm' && !state.wasm) {
    throw new NotInitializedError("setBackend: the wasm kernels are not loaded; call `await init()` without backend: 'js'");
  }
  if (name === 'js' && !state.js) {
    throw new NotInitializedError("setBackend: the JS kernels are not loaded (in browsers they load on demand); call `await init({ backend: 'js' })` once");
  }
  state.active = name;
  state.chosen = true;
}

/** The backend the kernels run on now: 'wasm' or 'js' (see init() and setBackend()). */
export function getBackend(): BackendName {
  return runtime('getBackend').active;
}

/** The active backend's kernels. */
export function kernels(): Kernels {
  const state = runtime('kernels');
  return state.active === 'wasm' ? state.wasm! : state.js!;
}

/** Both backends' kernels, for tests and benchmarks that compare them. */
export function backendKernels(name: BackendName): Kernels {
  const state = runtime('backendKernels');
  if (name === 'js') {
    if (!state.js) throw new NotInitializedError('backendKernels: the JS kernels are not loaded');
    return state.js;
  }
  if (!state.wasm) throw new NotInitializedError('backendKernels: the wasm kernels are not loaded');
  return state.wasm;
}

/** Writes a convolution pass's geometry into the kernels' params block (in the reserved space below
 *  the tensors) and returns the block's byte offset, for the call that follows. */
export function geometryBlock(g: ConvGeometry): number {
  writeGeometry(runtime('geometryBlock').memory.buffer, PARAMS_OFFSET, g);
  return PARAMS_OFFSET;
}

export function allocator(): Allocator {
  return runtime('allocator').allocator;
}

/**
 * A Float32Array over the whole linear memory. NOTE: growing the memory detaches old views, so
 * this re-derives the view when the buffer changed; never keep it across a call that allocates.
 */
export function heapF32(): Float32Array {
  const state = runtime('heapF32');
  if (state.heap.buffer !== state.memory.buffer) state.heap = new Float32Array(state.memory.buffer);
  return state.heap;
}

export function memoryBuffer(): ArrayBuffer {
  return runtime('memoryBuffer').memory.buffer;
}

/** Threads the kernels may use now: 1 on the JS backend or without a pool. */
export function threadCount(): number {
  const state = runtime('threadCount');
  return state.active === 'wasm' && state.pool ? state.usedThreads : 1;
}

/** Whether the loaded kernels multiply-add fused (init's `fma`, where the engine has relaxed SIMD). */
export function usesFma(): boolean {
  const state = runtime('usesFma');
  return state.active === 'wasm' && state.fma;
}

/** What kernelInfo() reports: which kernels run and how. */
export interface KernelInfo {
  /** The active backend: the wasm kernels or their pure-JS twin. */
  backend: BackendName;
  /** Whether the matrix products multiply-add fused: init()'s `fma` where the engine has relaxed
   *  SIMD. Chosen by that rule, never by timing: fused and unfused products round differently. */
  fma: boolean;
  /** The wasm GEMM micro-kernels every thread runs, with their register tiles (rows × columns of
   *  C): for products of at most 64 rows of C whose B is not transposed (`fewRows`: a
   *  convolution's, Winograd's channel sums) and for the others (`manyRows`). init()'s
   *  `gemmKernel` for both, or the fastest candidate for each as init() timed them on this CPU.
   *  The candidates give the same results: the choice changes only the speed. On the JS backend:
   *  those the wasm kernels would run. */
  gemmKernels: Record<GemmProductKind, { name: GemmKernelName; rows: number; columns: number }>;
  /** Whether init() chose gemmKernels by timing the candidates, now or in an earlier run (false:
   *  they were named, or the timing did not settle and the default 4x8 runs). */
  gemmKernelTimed: boolean;
  /** Whether that timing was an earlier run's, read from init()'s cache (see its cacheDir). */
  gemmKernelCached: boolean;
  /** Threads the kernels may use now (threadCount()). */
  threads: number;
  /** init()'s `winograd`: the default of Convolution's. */
  winograd: boolean;
}

/** Which kernels run: the backend, FMA or not, the GEMM micro-kernels and their tiles, threads,
 *  Winograd by default. */
export function kernelInfo(): KernelInfo {
  const state = runtime('kernelInfo');
  const kernel = (name: GemmKernelName) => ({ name, rows: GEMM_KERNELS[name].rows, columns: GEMM_KERNELS[name].columns });
  const { fewRows, manyRows } = state.gemmKernels;
  return { backend: state.active, fma: usesFma(), gemmKernels: { fewRows: kernel(fewRows), manyRows: kernel(manyRows) },
    gemmKernelTimed: state.gemmKernelTimed, gemmKernelCached: state.gemmKernelCached, threads: threadCount(), winograd: state.winograd };
}

/** init()'s `winograd`: whether 3×3 stride-1 convolutions run as Winograd unless a layer says. */
export function winogradByDefault(): boolean {
  return runtime('winogradByDefault').winograd;
}

/** Resolves once the kernel threads init() started are ready to take work (at once without any),
 *  e.g. for a test that must see them run. */
export async function threadsReady(): Promise<void> {
  await runtime('threadsReady').pool?.ready.catch(() => undefined);
}

/** Uses `n` of the threads init() started (1 = the calling thread alone), e.g. to compare. An
 *  explicit choice: the default's second thread then takes work whether or not its check found
 *  that it saves time (see init's `threads`). */
export function setThreads(n: number): void {
  const state = runtime('setThreads');
  if (!Number.isInteger(n) || n < 1 || n > state.threads) {
    throw new ValueError(`setThreads: expected an integer from 1 to ${state.threads} (the threads init() started), got ${String(n)}`);
  }
  state.usedThreads = n;
  // an explicit choice: the default's check of its second thread no longer applies
  state.measureThreads = false;
  if (state.pool) state.pool.handOff = true;
}

/** The arguments of kernel K, as its binding declares them. */
export type KernelArgs<K extends keyof Kernels> = Parameters<Kernels[K]>;

/** Runs wasm kernel `name` once per argument list, side by side on the threads (at most
 *  threadCount() lists; the first runs on this thread). Callers split the work. */
export function runParallel<K extends keyof Kernels>(name: K, parts: readonly KernelArgs<K>[]): void {
  const state = runtime('runParallel');
  const lists = parts as readonly number[][];
  if (state.measureThreads) checkSecondThread(state);
  try {
    if (lists.length === 1 || !state.pool || state.active !== 'wasm') {
      const kernel = kernels()[name] as (...args: number[]) => unknown;
      for (const part of lists) kernel(...part);
    } else {
      state.pool.run(state.wasm!, name, lists);
    }
  } finally {
    releaseLargeWorkspaces(state);
  }
}

/** Kernel scratch a thread keeps between calls. Training's calls need far less (a GEMM's packing
 *  is at most 2.2 MiB, an MNIST convolution's columns tens of KiB); a call that needs more (a
 *  convolution over a 1024² image, whose columns are 100 MiB) has a block of its own for that call. */
export const KEPT_WORKSPACE_BYTES = 64 * 2 ** 20;

/** A thread's scratch: the block kept between calls, and one for a call that needs more. */
interface Workspace {
  kept: Block;
  large: Block;
}

interface Block {
  offset: number;
  bytes: number;
}

// Gives the allocator back every thread's block for a large call, at the end of the kernel run that
// used it, so live memory returns to training's level and the next large call reuses the space.
// NOTE: scratch holds nothing between calls (kernels are pure); the kept blocks stay, so a training
// step neither frees nor allocates scratch.
function releaseLargeWorkspaces(state: Runtime): void {
  for (const { large } of state.workspaces) {
    if (large.bytes === 0) continue;
    state.allocator.free(large.offset);
    [large.offset, large.bytes] = [0, 0];
  }
}

/** Scratch space for kernels (GEMM packing, a convolution's columns), one block per thread, grown
 *  when a call needs more and kept, up to KEPT_WORKSPACE_BYTES; above that, a block for the call,
 *  given back when its kernel run (runParallel) ends. `caller` names the operation in the error
 *  when the memory cannot hold `bytes` more (the thread keeps the block it had). */
export function workspace(bytes: number, thread = 0, caller = 'workspace'): number {
  const state = runtime('workspace');
  const ws = state.workspaces[thread];
  if (!(Number.isSafeInteger(bytes) && bytes >= 0)) throw new ValueError(`${caller}: kernel scratch must be a whole number of bytes, got ${bytes}`);
  if (bytes <= ws.kept.bytes) return ws.kept.offset;
  const block = bytes <= KEPT_WORKSPACE_BYTES ? ws.kept : ws.large;
  if (bytes > block.bytes) {
    const size = Math.ceil(bytes / ALIGN) * ALIGN;
    // NOTE: the old block goes back first, so the new one may reuse its space; if the new one does
    // not fit, a block of the old size is taken again (the space just freed holds it)
    if (block.bytes > 0) state.allocator.free(block.offset);
    try {
      block.offset = state.allocator.alloc(size);
      block.bytes = size;
    } catch (e) {
      if (block.bytes > 0) block.offset = state.allocator.alloc(block.bytes);
      releaseLargeWorkspaces(state); // the blocks other threads took for the call that now fails
      throw new ResourceError(`${caller}: needs ${bytes} bytes of kernel scratch: ${(e as Error).message}`);
    }
  }
  return block.offset;
}

/** What memoryStats() reports about the WebAssembly memory that holds every tensor. */
export interface MemoryStats {
  /** Bytes in live blocks (tensors, layer buffers, kernel scratch). */
  liveBytes: number;
  /** Number of live blocks (each tensor's storage is one). */
  liveBlocks: number;
  /** Size of the linear memory. */
  memoryBytes: number;
}

/** Bytes and blocks in use in the memory that holds the tensors, and the memory's size in bytes;
 *  liveBytes going up across training steps means tensors are not being disposed. */
export function memoryStats(): MemoryStats {
  const a = runtime('memoryStats').allocator;
  return { liveBytes: a.liveBytes, liveBlocks: a.liveBlocks, memoryBytes: a.memoryBytes };
}
