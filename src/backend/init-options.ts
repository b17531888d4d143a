// init()'s options and the environment's defaults for them: checked once, before anything loads.
import { GEMM_KERNELS, type BackendName, type GemmKernelName } from './kernels.js';
import type { WasmSource } from './load.js';
import { boolean, integerIn, options as checkOptions } from '../options.js';
import { describe } from '../shape.js';
import { ValueError } from '../errors.js';

/** Options of init(): which backend, where the kernels come from, threads and fused multiply-add. */
export interface InitOptions {
  /** Kernel backend to activate: 'wasm' (default) or 'js' (pure JavaScript; skips loading wasm). */
  backend?: BackendName;
  /** Where to get the kernels' .wasm, if not from next to this file (bytes, a compiled Module or a URL). */
  wasm?: WasmSource;
  /** Threads that run the big kernels, the calling one included. Default: two where the machine
   *  has two cores or more (Node: os.availableParallelism(); browsers: navigator.hardwareConcurrency)
   *  and a shared memory is available, else one; in Node $SCRATCHNET_THREADS sets it instead. The
   *  default's second thread takes work only once a short measurement (a product on one thread and
   *  on two, a few ms, when the threads are up) shows that it saves time, so the default never
   *  runs slower than one thread; setThreads() is an explicit choice that overrides it. More than one needs SharedArrayBuffer: Node, or a cross-origin
   *  isolated page; elsewhere it falls back to 1 with a warning. init() resolves before the kernel
   *  threads have started: work runs on the calling thread until they are ready (a thread that
   *  fails to start then leaves one thread, with a warning). Fixed by the first init(). Results are
   *  bit-identical to one thread. */
  threads?: number;
  /** Fused multiply-add in the matrix products (the relaxed-SIMD build of the kernels), where the
   *  engine has relaxed SIMD. Fused products round once instead of twice: results differ in the
   *  last bits from an engine without it. false loads the unfused build, whose results are the
   *  same on every engine. Default: true, or false where $SCRATCHNET_FMA is 0. Fixed by the first
   *  init(); see usesFma(). */
  fma?: boolean;
  /** Convolutions with 3×3 filters at stride 1 and 8 channels or more in and out run as Winograd
   *  F(4×4, 3×3) or F(2×2, 3×3) (src/ops/winograd.ts), unless a layer says otherwise (new Convolution(…,
   *  { winograd })): fewer multiplications, results that differ from im2col's in the last bits.
   *  Default: true. Any init() may change it. */
  winograd?: boolean;
  /** The wasm GEMM micro-kernel, by name ('4x8' or '2x16'; see kernelInfo()). All give the same
   *  results; by default init() times them once V8 has optimized them (20–70 ms, mostly waiting
   *  for its compiler), keeps the fastest on this CPU for each kind of product and, in Node,
   *  stores the choice (see cacheDir) for the next start. Naming one pins it for all products,
   *  e.g. to compare them. Default: $SCRATCHNET_GEMM_KERNEL where set. Fixed by the first init(). */
  gemmKernel?: GemmKernelName;
  /** Node: the directory where init() keeps its timed GEMM choice between runs (one small JSON
   *  file, gemm-kernels.json, keyed by the CPU model, with Linux's family and model, V8's version,
   *  the kernels' build and bytes and this library's version), or false to keep nothing and time
   *  at every start. A file that
   *  cannot be read or written, or that does not check out, is ignored (init() never fails for
   *  it). Default: $SCRATCHNET_CACHE_DIR ('off': none), else $XDG_CACHE_HOME/scratchnet, else
   *  ~/.cache/scratchnet. Browsers have no store: they time at every start. */
  cacheDir?: string | false;
}

/** init()'s options, checked (unknown names, a backend other than 'wasm' or 'js', a thread count
 *  outside 1–64, a non-boolean fma or winograd, an unknown GEMM kernel and a cacheDir that is
 *  neither a non-empty string nor false are errors), and the
 *  backend to activate: the one named, else 'wasm'. */
export function readInitOptions(opts: InitOptions): { options: InitOptions; backend: BackendName } {
  const options = checkOptions('init', opts, ['backend', 'wasm', 'threads', 'fma', 'winograd', 'gemmKernel', 'cacheDir']);
  const backend = options.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'js') {
    throw new ValueError(`init: backend must be 'wasm' or 'js', got ${JSON.stringify(backend)}`);
  }
  for (const key of ['fma', 'winograd'] as const) if (options[key] !== undefined) boolean('init', key, options[key]);
  const threads = checkThreads(options.threads);
  const gemmKernel = options.gemmKernel === undefined ? undefined : checkGemmKernel('init: gemmKernel', options.gemmKernel);
  const cacheDir = options.cacheDir;
  if (cacheDir !== undefined && cacheDir !== false && (typeof cacheDir !== 'string' || cacheDir === '')) {
    throw new ValueError(`init: cacheDir must be a directory path or false, got ${describe(cacheDir)}`);
  }
  return { options: { ...options, threads, gemmKernel }, backend };
}

export function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node;
}

function checkThreads(threads: unknown): number | undefined {
  return threads === undefined ? undefined : integerIn('init', 'threads', threads, 1, 64);
}

// NOTE: two threads won on every training step measured in Node (bench/results/threads.md:
// SimpleConvNet 1.7×, TwoLayerNet 1.45×, DeepConvNet 1.8×) when a second core is free; more were
// never measured, so the default stops at two.
const MAX_DEFAULT_THREADS = 2;

/** Threads to start by default on a machine with `cores` logical cores (Node's
 *  os.availableParallelism(), a browser's navigator.hardwareConcurrency: 0 or undefined where
 *  unknown): up to two where a shared memory is available, else one. */
export function defaultThreadCount(cores: number | undefined, sharedMemory: boolean): number {
  if (!sharedMemory || !Number.isFinite(cores) || cores! < 2) return 1;
  return Math.min(MAX_DEFAULT_THREADS, Math.floor(cores!));
}

/** The thread count init() starts without a `threads` option: $SCRATCHNET_THREADS in Node where set
 *  (`measured` false: taken as given), else defaultThreadCount() of the core count (`measured`:
 *  the second thread waits for timeThreads()' verdict). */
export async function defaultThreads(): Promise<{ threads: number; measured: boolean }> {
  if (!isNode()) {
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    return { threads: defaultThreadCount(cores, sharedMemoryAvailable()), measured: true };
  }
  const fromEnv = process.env.SCRATCHNET_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new ValueError(`init: SCRATCHNET_THREADS must be an integer from 1 to 64, got ${JSON.stringify(fromEnv)}`);
    return { threads: n, measured: false };
  }
  const osModule = 'node:os';
  const os = (await import(/* @vite-ignore */ osModule)) as typeof import('node:os');
  return { threads: defaultThreadCount(os.availableParallelism(), sharedMemoryAvailable()), measured: true };
}

// SCRATCHNET_FMA=0 loads the unfused build by default (in Node), e.g. to reproduce numbers
// measured with it; anything but 0, 1 or empty is an error.
export function defaultFma(): boolean {
  const fromEnv = typeof process === 'undefined' ? undefined : process.env?.SCRATCHNET_FMA;
  if (fromEnv === undefined || fromEnv === '' || fromEnv === '1') return true;
  if (fromEnv === '0') return false;
  throw new ValueError(`init: SCRATCHNET_FMA must be 0 or 1, got ${JSON.stringify(fromEnv)}`);
}

// SCRATCHNET_GEMM_KERNEL names the GEMM micro-kernel in Node (as init({ gemmKernel }) does)
export function defaultGemmKernel(): GemmKernelName | undefined {
  const fromEnv = typeof process === 'undefined' ? undefined : process.env?.SCRATCHNET_GEMM_KERNEL;
  return fromEnv === undefined || fromEnv === '' ? undefined : checkGemmKernel('init: SCRATCHNET_GEMM_KERNEL', fromEnv);
}

function checkGemmKernel(what: string, name: unknown): GemmKernelName {
  if (typeof name !== 'string' || !Object.hasOwn(GEMM_KERNELS, name)) {
    throw new ValueError(`${what} must be one of ${Object.keys(GEMM_KERNELS).map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name) ?? String(name)}`);
  }
  return name as GemmKernelName;
}

// SharedArrayBuffer exists in Node and, in browsers, only on cross-origin isolated pages.
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}
