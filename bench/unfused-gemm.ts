// The unfused build of the kernels (build/scratchnet.wasm: f32x4 mul then add) in a memory of its
// own, one thread, so the GEMM suite times it side by side with the FMA build that init() loaded.
import { readFileSync } from 'node:fs';
import { kernelInfo, type Tensor } from 'scratchnet';
import { GEMM_KERNELS } from '../src/backend/kernels.js';

interface GemmExports {
  f32_gemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number,
           b: number, ldb: number, beta: number, c: number, ldc: number, work: number): void;
  f32_gemm_workspace_bytes(M: number, N: number, K: number): number;
  gemm_set_kernel(fewRows: number, manyRows: number): number;
}

const BASE = 1 << 16; // above the module's static data, as the library's allocator keeps it

/** A product op(a)·op(b) on the unfused kernels, with copies of a and b; call the result to run it. */
export async function unfusedProduct(a: Tensor, b: Tensor, M: number, N: number, K: number, transA: boolean, transB: boolean): Promise<() => void> {
  const bytes = readFileSync(new URL('../../build/scratchnet.wasm', import.meta.url));
  const work = (4 * (a.size + b.size + M * N) + 63) & ~63;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((BASE + work + 4 * (M * N + K * N) + 65536) / 65536) + 64 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory, abort: () => { throw new Error('abort'); } } });
  const k = instance.exports as unknown as GemmExports;
  const { fewRows, manyRows } = kernelInfo().gemmKernels; // the micro-kernels init() chose
  k.gemm_set_kernel(GEMM_KERNELS[fewRows.name].id, GEMM_KERNELS[manyRows.name].id);
  const pa = BASE, pb = pa + 4 * a.size, pc = pb + 4 * b.size, pw = BASE + work;
  if (pw + k.f32_gemm_workspace_bytes(M, N, K) > memory.buffer.byteLength) throw new Error('unfusedProduct: memory too small');
  new Float32Array(memory.buffer, pa, a.size).set(a.data);
  new Float32Array(memory.buffer, pb, b.size).set(b.data);
  const lda = transA ? M : K, ldb = transB ? K : N;
  return () => k.f32_gemm(+transA, +transB, M, N, K, 1, pa, lda, pb, ldb, 0, pc, N, pw);
}
