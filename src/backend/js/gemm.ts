// Twin of assembly/gemm.ts: row i of C accumulates in float64, in the loop order that keeps
// the innermost access unit-stride (a dot product per element when B is transposed).
import type { Heap, KernelPart } from './part.js';

export function gemmKernels(heap: Heap) {
  let gemmRow = new Float64Array(0); // one row of C accumulated in float64
  return {
    f32_gemm_workspace_bytes() {
      return 0;
    },
    f32_gemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) {
      const h = heap();
      const A = a >>> 2, B = b >>> 2, C = c >>> 2;
      const al = Math.fround(alpha), be = Math.fround(beta);
      if (gemmRow.length < N) gemmRow = new Float64Array(N);
      const acc = gemmRow;
      for (let i = 0; i < M; i++) {
        if (transB) {
          // both operands contiguous along k: a dot product per element
          for (let j = 0; j < N; j++) {
            let s = 0;
            const bj = B + j * ldb;
            if (transA) for (let k = 0; k < K; k++) s += h[A + k * lda + i] * h[bj + k];
            else for (let k = 0, ai = A + i * lda; k < K; k++) s += h[ai + k] * h[bj + k];
            acc[j] = s;
          }
        } else {
          // row i of C accumulates a(i, k) times row k of B: unit stride innermost
          acc.fill(0, 0, N);
          for (let k = 0; k < K; k++) {
            const aik = transA ? h[A + k * lda + i] : h[A + i * lda + k];
            const bk = B + k * ldb;
            for (let j = 0; j < N; j++) acc[j] += aik * h[bk + j];
          }
        }
        const ci = C + i * ldc;
        for (let j = 0; j < N; j++) h[ci + j] = al * acc[j] + (be === 0 ? 0 : be * h[ci + j]);
      }
    },
  } satisfies KernelPart;
}
