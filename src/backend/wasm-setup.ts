// Setting up a loaded kernel module: checking it is this version's kernels, warming V8's
// optimizing compiler up, and turning AssemblyScript's abort() into an Error.
import type { Allocator } from './allocator.js';
import type { Kernels } from './kernels.js';
import { FileFormatError, ScratchnetError } from '../errors.js';

// A module given to init({ wasm }) must be this version's kernels: every kernel the JS twin has,
// and the layout functions. Checked before it runs, so a wrong file is a clear error.
export function checkExports(module: WebAssembly.Module, js: Kernels | undefined): void {
  const exported = new Set(WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name));
  // every kernel the JS twin has, where it is loaded (in Node); else those init() itself calls
  const expected = js ? Object.keys(js) : ['f32_gemm', 'f32_gemm_workspace_bytes'];
  const missing = [...expected, 'heap_base', 'build_fma'].filter((name) => !exported.has(name));
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
