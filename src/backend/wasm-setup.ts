// Setting up a loaded kernel module: checking it is this version's kernels, warming V8's
// optimizing compiler up, and turning AssemblyScript's abort() into an Error.
import type { Allocator } from './allocator.js';
import { GEMM_KERNELS, type GemmKernelName, type GemmProductKind, type Kernels, type WasmExports } from './kernels.js';
import { FileFormatError, ScratchnetError } from '../errors.js';

// A module given to init({ wasm }) must be this version's kernels: every kernel the JS twin has,
// and the layout functions. Checked before it runs, so a wrong file is a clear error.
export function checkExports(module: WebAssembly.Module, js: Kernels | undefined): void {
  const exported = new Set(WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name));
  // every kernel the JS twin has, where it is loaded (in Node); else those init() itself calls
  const expected = js ? Object.keys(js) : ['f32_gemm', 'f32_gemm_workspace_bytes'];
  const missing = [...expected, 'heap_base', 'build_fma', 'gemm_set_kernel'].filter((name) => !exported.has(name));
  if (missing.length) {
    throw new FileFormatError(`init: the wasm module is not scratchnet's kernels of this version: it lacks ${missing.slice(0, 5).join(', ')}` +
      `${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} (use build/scratchnet*.wasm from this package)`);
  }
}

// NOTE: V8 first runs wasm in its baseline compiler and re-compiles hot functions in the
// background; a first 512³ GEMM took 24 ms instead of 7 here. Twenty small products at init
// (about 1 ms) get GEMM optimized before the user's first call.
export function warmUp(k: Kernels, alloc: Allocator): void {
  const n = 64;
  const bytes = n * n * 4;
  const a = alloc.alloc(bytes), c = alloc.alloc(bytes), work = alloc.alloc(k.f32_gemm_workspace_bytes(n, n, n));
  k.f32_fill(a, n * n, 0.5);
  for (let i = 0; i < 20; i++) k.f32_gemm(0, 0, n, n, n, 1, a, n, a, n, 0, c, n, work);
  for (const block of [a, c, work]) alloc.free(block);
}

// The wasm GEMM's candidate micro-kernels all give the same bits (assembly/gemm.ts), so the
// fastest here may be chosen by timing, for each kind of product. NOTE: V8 runs new code in its
// baseline compiler, 3–5× slower, and optimizes a hot function in a background thread: 17–34 ms
// for one loop nest here (Zen 4, 2 cores shared with other processes). Each candidate must be
// optimized before its times mean anything; the calling thread sleeps meanwhile rather than
// compete with the compiler.
// (M, K, N, ldb) by kind: SimpleConvNet's convolution and two of DeepConvNet's Winograd channel
// sums (few rows, a short k, B read in place with a row stride of N + 4); a square product and
// TwoLayerNet's first Affine. NOTE: a 2 × 16 tile wins where N is a multiple of 16 and loses where
// it is not (N = 196): both kinds are here.
const SHAPES: Record<GemmProductKind, [number, number, number, number][]> = {
  fewRows: [[30, 25, 576, 576], [32, 32, 256, 260], [16, 64, 196, 200]],
  manyRows: [[128, 128, 128, 128], [100, 256, 50, 50]],
};
const PROBE = SHAPES.fewRows[1];
const SAMPLE_FLOPS = 2e6; // a sample repeats a product up to this: about 50 µs, well above the timer's resolution
const WARM_CALLS = 40; // for V8 to decide to optimize (about 3 ms in baseline code)
const SELECT_MAX_MS = 200; // waiting for the compiler, sleeping; then 4x8 stays
const ROUNDS = 7; // of timing, once all are optimized: best of 7 (about 5 ms in all)
// NOTE: a candidate must beat 4x8 (the Intel-tuned default) by this much to replace it: timing
// noise alone should not move a choice that changes nothing but speed
const SELECT_MARGIN = 0.03;

/** What selectGemmKernel found: the choice per kind of product, whether the timing settled, how
 *  long it took, and each candidate's best times (ms per sample) on the shapes. */
export interface GemmSelection {
  kernels: Record<GemmProductKind, GemmKernelName>;
  settled: boolean;
  ms: number;
  times: Record<GemmKernelName, Record<GemmProductKind, number[]>>;
}

// Times every candidate on SHAPES, best of ROUNDS, and sets the fastest for each kind (the lowest
// sum of times relative to the best candidate's on each shape). Optimized code is told from
// baseline code by speed: a candidate counts as optimized once PROBE takes less than half what it
// took after its first call; and no candidate may then be 2× slower than another on a shape. If
// that does not happen within SELECT_MAX_MS (an engine without tiers, a module optimized
// already), 4x8 stays.
export async function selectGemmKernel(k: WasmExports, alloc: Allocator): Promise<GemmSelection> {
  const names = Object.keys(GEMM_KERNELS) as GemmKernelName[];
  const kinds = Object.keys(SHAPES) as GemmProductKind[];
  const times = Object.fromEntries(names.map((n) => [n, Object.fromEntries(kinds.map((kind) => [kind, SHAPES[kind].map(() => Infinity)]))])) as GemmSelection['times'];
  const start = performance.now();
  const settled = await withOperands(k, alloc, async (run) => {
    const use = (name: GemmKernelName) => k.gemm_set_kernel(GEMM_KERNELS[name].id, GEMM_KERNELS[name].id);
    const time = (shape: Shape) => {
      const reps = Math.max(1, Math.round(SAMPLE_FLOPS / (2 * shape[0] * shape[1] * shape[2])));
      const t = performance.now();
      for (let r = 0; r < reps; r++) run(shape);
      return performance.now() - t;
    };
    const baseline = new Map<GemmKernelName, number>();
    for (const name of names) {
      use(name);
      run(PROBE); // NOTE: a function's first call compiles it (milliseconds): not a sample
      baseline.set(name, Math.min(time(PROBE), time(PROBE)));
      for (let i = 0; i < WARM_CALLS; i++) run(PROBE);
    }
    const waiting = new Set(names);
    while (waiting.size && performance.now() - start < SELECT_MAX_MS) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      for (const name of waiting) {
        use(name);
        if (time(PROBE) < baseline.get(name)! / 2) waiting.delete(name);
      }
    }
    if (waiting.size) return false;
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        use(name);
        for (const kind of kinds) SHAPES[kind].forEach((shape, s) => (times[name][kind][s] = Math.min(times[name][kind][s], time(shape))));
      }
    }
    return kinds.every((kind) => SHAPES[kind].every((_, s) => {
      const t = names.map((n) => times[n][kind][s]);
      return Math.max(...t) < 2 * Math.min(...t);
    }));
  });
  const kernels = { fewRows: '4x8', manyRows: '4x8' } as Record<GemmProductKind, GemmKernelName>;
  if (settled) {
    for (const kind of kinds) {
      const score = (n: GemmKernelName) => SHAPES[kind].reduce((sum, _, s) => sum + times[n][kind][s] / Math.min(...names.map((m) => times[m][kind][s])), 0);
      const fastest = names.reduce((x, y) => (score(y) < score(x) ? y : x));
      if (score(fastest) < score('4x8') * (1 - SELECT_MARGIN)) kernels[kind] = fastest;
    }
  }
  k.gemm_set_kernel(GEMM_KERNELS[kernels.fewRows].id, GEMM_KERNELS[kernels.manyRows].id);
  return { kernels, settled, ms: performance.now() - start, times };
}

type Shape = [number, number, number, number];

// Operands for every shape of SHAPES (filled with 0.5) for the duration of `body`.
async function withOperands<T>(k: WasmExports, alloc: Allocator, body: (run: (shape: Shape) => void) => Promise<T>): Promise<T> {
  const shapes = Object.values(SHAPES).flat();
  const floats = Math.max(...shapes.map(([M, K, N, ldb]) => M * K + K * ldb + M * N));
  const data = alloc.alloc(floats * 4);
  const work = alloc.alloc(Math.max(...shapes.map(([M, K, N]) => k.f32_gemm_workspace_bytes(M, N, K))));
  k.f32_fill(data, floats, 0.5);
  try {
    return await body(([M, K, N, ldb]) => k.f32_gemm(0, 0, M, N, K, 1, data, K, data + 4 * M * K, ldb, 0, data + 4 * (M * K + K * ldb), N, work));
  } finally {
    alloc.free(work);
    alloc.free(data);
  }
}

// AssemblyScript's abort(message, fileName, line, column): strings are UTF-16 with their byte
// length in the 4 bytes before them. Only debug builds can abort (release builds drop asserts).
export function abortFrom(memory: WebAssembly.Memory) {
  const text = (ptr: number): string => {
    if (!ptr) return '';
    const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
    return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
  };
  return (message: number, file: number, line: number, column: number): never => {
    throw new ScratchnetError(`scratchnet kernel aborted: ${text(message)} at ${text(file)}:${line}:${column}`, 'ERR_INTERNAL');
  };
}
