// Setting up a loaded kernel module: checking it is this version's kernels, warming V8's
// optimizing compiler up, and turning AssemblyScript's abort() into an Error.
import type { Allocator } from './allocator.js';
import { GEMM_KERNELS, type GemmKernelName, type Kernels, type WasmExports } from './kernels.js';
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
// fastest here may be chosen by timing. NOTE: V8 runs new code in its baseline compiler, 3–5×
// slower, and optimizes a function in the background once it has run for a few milliseconds
// (10–15 ms after its first call, measured on a Zen 4): each candidate must get there before its
// times mean anything.
// (M, K, N, ldb): a square product, and a Winograd channel sum (few rows and a short k, B read in
// place with a row stride of N + 4)
const SHAPES = [[128, 128, 128, 128], [32, 32, 256, 260]] as const;
type Shape = (typeof SHAPES)[number];
const SELECT_MAX_MS = 50; // V8 optimized both candidates within 20 ms here
// NOTE: a candidate must beat 4x8 (the Intel-tuned default) by this much to replace it: timing
// noise alone should not move a choice that changes nothing but speed
const SELECT_MARGIN = 0.03;

/** What selectGemmKernel found: the choice, whether the timing settled, how long it took, and
 *  each candidate's best times (ms) on the shapes. */
export interface GemmSelection { kernel: GemmKernelName; settled: boolean; ms: number; times: Record<GemmKernelName, number[]> }

// Times every candidate on SHAPES in rounds, best of each, and sets the fastest (the lowest sum of
// times relative to the best candidate's on each shape). Optimized code is told from baseline code
// by speed: a candidate counts once its time on the square product has dropped below half its
// first, and four more rounds have run. If that does not happen within SELECT_MAX_MS (a module
// already optimized, an engine without tiers), 4x8 stays.
export function selectGemmKernel(k: WasmExports, alloc: Allocator): GemmSelection {
  const names = Object.keys(GEMM_KERNELS) as GemmKernelName[];
  const best = Object.fromEntries(names.map((n) => [n, SHAPES.map(() => Infinity)])) as Record<GemmKernelName, number[]>;
  const first = new Map<GemmKernelName, number>();
  const optimizedAt = new Map<GemmKernelName, number>();
  const start = performance.now();
  let settled = false;
  withOperands(k, alloc, (run) => {
    // NOTE: a function's first call compiles it (milliseconds): not a sample
    for (const name of names) {
      k.gemm_set_kernel(GEMM_KERNELS[name].id);
      run(SHAPES[1]);
    }
    for (let round = 0; !settled && performance.now() - start < SELECT_MAX_MS; round++) {
      for (const name of names) {
        k.gemm_set_kernel(GEMM_KERNELS[name].id);
        SHAPES.forEach((shape, s) => {
          const t = performance.now();
          // the short product four times: a sample well above the timer's resolution
          for (let r = s === 1 ? 4 : 1; r > 0; r--) run(shape);
          const ms = performance.now() - t;
          if (s === 0) {
            if (!first.has(name)) first.set(name, ms);
            else if (!optimizedAt.has(name) && ms < first.get(name)! / 2) {
              optimizedAt.set(name, round);
              best[name].fill(Infinity); // times before are the baseline code's
            }
          }
          best[name][s] = Math.min(best[name][s], ms);
        });
      }
      settled = names.every((n) => optimizedAt.has(n) && round >= optimizedAt.get(n)! + 4);
    }
  });
  let kernel: GemmKernelName = '4x8';
  if (settled) {
    const score = (n: GemmKernelName) => SHAPES.reduce((sum, _, s) => sum + best[n][s] / Math.min(...names.map((m) => best[m][s])), 0);
    const fastest = names.reduce((x, y) => (score(y) < score(x) ? y : x));
    if (score(fastest) < score('4x8') * (1 - SELECT_MARGIN)) kernel = fastest;
  }
  k.gemm_set_kernel(GEMM_KERNELS[kernel].id);
  return { kernel, settled, ms: performance.now() - start, times: best };
}

// Operands for SHAPES (filled with 0.5) for the duration of `body`.
function withOperands(k: WasmExports, alloc: Allocator, body: (run: (shape: Shape) => void) => void): void {
  const floats = Math.max(...SHAPES.map(([M, K, N, ldb]) => M * K + K * ldb + M * N));
  const data = alloc.alloc(floats * 4);
  const work = alloc.alloc(Math.max(...SHAPES.map(([M, K, N]) => k.f32_gemm_workspace_bytes(M, N, K))));
  k.f32_fill(data, floats, 0.5);
  try {
    body(([M, K, N, ldb]) => k.f32_gemm(0, 0, M, N, K, 1, data, K, data + 4 * M * K, ldb, 0, data + 4 * (M * K + K * ldb), N, work));
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
