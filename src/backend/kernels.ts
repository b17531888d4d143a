// The kernel interface, derived from the AssemblyScript sources: the compiler's raw bindings
// (build/scratchnet.d.ts) declare every export with its parameters, so the wasm module is the one
// source of truth and the pure-JS twin (`implements Kernels`) fails to type-check if it drifts.
// Every pointer argument is a byte offset into the shared linear memory, a multiple of 4.
import type { instantiate } from '../../build/scratchnet.js';

export type WasmExports = Awaited<ReturnType<typeof instantiate>>;

/** The kernels, by name (dtype_op_variant_pass, e.g. f32_gemm): functions that take byte offsets
 *  into the memory and sizes, as the wasm module exports them and their pure-JS twins mirror them. */
export type Kernels = Omit<WasmExports, 'memory' | 'heap_base' | 'build_fma' | 'gemm_set_kernel'>;

/** Where the kernels run: 'wasm' (WebAssembly SIMD, the default) or 'js' (plain JavaScript, the
 *  reference the wasm kernels are tested against). */
export type BackendName = 'wasm' | 'js';

/** The wasm GEMM's candidate micro-kernels (assembly/gemm.ts), by name: the id gemm_set_kernel
 *  takes and the register tile (rows × columns of C). All give the same bits; init() keeps the
 *  fastest here for each kind of product, or the one init({ gemmKernel }) names. */
export const GEMM_KERNELS = {
  '4x8': { id: 0, rows: 4, columns: 8 },
  '2x16': { id: 1, rows: 2, columns: 16 },
} as const;

/** A name of GEMM_KERNELS. */
export type GemmKernelName = keyof typeof GEMM_KERNELS;

/** The two kinds of product that each get their own micro-kernel: `fewRows`, at most 64 rows of C
 *  with B not transposed (B is read in place: a convolution's, Winograd's channel sums), and
 *  `manyRows`, every other. */
export type GemmProductKind = 'fewRows' | 'manyRows';
