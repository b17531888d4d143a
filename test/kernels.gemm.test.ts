// GEMM on both backends against a float64 triple loop written here: all four transpose
// combinations, sizes around the 4×8 register tile and the cache blocks (KC = 256, MC = 128,
// NC = 2048), padded leading dimensions, misaligned operands, alpha and beta.
import { beforeAll, describe, expect, test } from 'vitest';
import { init } from '../src/index.js';
import { backendKernels, workspace } from '../src/backend/runtime.js';
import { randomValues, read, region, write } from './helpers.js';

beforeAll(() => init());

interface Case { M: number; N: number; K: number; transA: boolean; transB: boolean; alpha: number; beta: number; pad: number }

function runCase(backend: 'wasm' | 'js', { M, N, K, transA, transB, alpha, beta, pad }: Case): void {
  const k = backendKernels(backend);
  // stored shapes: A is (M, K) or (K, M); B is (K, N) or (N, K); each row padded by `pad` floats
  const [aRows, aCols] = transA ? [K, M] : [M, K];
  const [bRows, bCols] = transB ? [N, K] : [K, N];
  const lda = aCols + pad, ldb = bCols + pad, ldc = N + pad;
  const av = randomValues(aRows * lda), bv = randomValues(bRows * ldb), cv = randomValues(M * ldc);
  const a = region(av.length, 4), b = region(bv.length, 8), c = region(cv.length, 12);
  write(a, av);
  write(b, bv);
  write(c, beta === 0 ? new Float32Array(cv.length).fill(NaN) : cv);
  const work = workspace(k.f32_gemm_workspace_bytes(M, N, K));
  k.f32_gemm(+transA, +transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work);
  const got = read(c, cv.length);
  const A = (i: number, p: number) => (transA ? av[p * lda + i] : av[i * lda + p]);
  const B = (p: number, j: number) => (transB ? bv[j * ldb + p] : bv[p * ldb + j]);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0, mag = 0;
      for (let p = 0; p < K; p++) {
        sum += A(i, p) * B(p, j);
        mag += Math.abs(A(i, p) * B(p, j));
      }
      const c0 = cv[i * ldc + j];
      const expected = alpha * sum + (beta === 0 ? 0 : beta * c0);
      // NOTE: float32 summation error bound: (K + 4)·u·(|alpha|·Σ|a·b| + |beta·c|), u = 2^-23
      const tol = (K + 4) * 1.2e-7 * (Math.abs(alpha) * mag + Math.abs(beta * c0)) + 1e-30;
      const value = got[i * ldc + j];
      if (!(Math.abs(value - expected) <= tol)) {
        throw new Error(`${backend} gemm ${JSON.stringify({ M, N, K, transA, transB, alpha, beta, pad })}: ` +
          `C[${i}, ${j}] = ${value}, expected ${expected} ± ${tol}`);
      }
    }
    // padding columns of C are never written
    for (let j = N; j < ldc; j++) {
      const expectedPad = beta === 0 ? NaN : cv[i * ldc + j];
      const v = got[i * ldc + j];
      expect(Number.isNaN(expectedPad) ? Number.isNaN(v) : v === expectedPad).toBe(true);
    }
  }
}

const TRANSPOSES = [[false, false], [false, true], [true, false], [true, true]] as const;
const SMALL_M = [1, 2, 3, 4, 5, 8, 17, 30, 33]; // last tiles of 1, 2, 3 and 4 rows
const SMALL_N = [1, 3, 7, 8, 9, 16, 17];
const SMALL_K = [1, 3, 4, 5, 17, 300];

describe.each(['wasm', 'js'] as const)('%s f32_gemm', (backend) => {
  test.each(TRANSPOSES)('transA=%s transB=%s: every small M, N, K against float64', (transA, transB) => {
    for (const M of SMALL_M) for (const N of SMALL_N) for (const K of SMALL_K) {
      runCase(backend, { M, N, K, transA, transB, alpha: 1, beta: 0, pad: 0 });
    }
  });

  test.each(TRANSPOSES)('transA=%s transB=%s: alpha, beta and padded leading dimensions', (transA, transB) => {
    for (const [alpha, beta] of [[1, 1], [0.5, -2], [-1, 0], [2, 0.25]]) {
      runCase(backend, { M: 13, N: 19, K: 11, transA, transB, alpha, beta, pad: 3 });
      runCase(backend, { M: 4, N: 8, K: 300, transA, transB, alpha, beta, pad: 1 });
    }
  });

  test.each(TRANSPOSES)('transA=%s transB=%s: across the cache blocks (M > 128, K > 512, N > 2048)', (transA, transB) => {
    runCase(backend, { M: 131, N: 10, K: 20, transA, transB, alpha: 1, beta: 0, pad: 0 });
    runCase(backend, { M: 5, N: 9, K: 517, transA, transB, alpha: 1, beta: 0.5, pad: 0 });
    runCase(backend, { M: 3, N: 2053, K: 6, transA, transB, alpha: 1, beta: 1, pad: 2 });
    // B wide enough for A to be packed (N >= 64): last panels of 1, 2 and 3 rows in a second row block, three k-blocks
    for (const M of [129, 130, 131]) runCase(backend, { M, N: 70, K: 523, transA, transB, alpha: 1, beta: 0.5, pad: 3 });
  });

  test('the training shapes of an Affine layer (100·784·50 and its two gradients)', () => {
    runCase(backend, { M: 100, N: 50, K: 784, transA: false, transB: false, alpha: 1, beta: 0, pad: 0 });
    runCase(backend, { M: 100, N: 784, K: 50, transA: false, transB: true, alpha: 1, beta: 0, pad: 0 });
    runCase(backend, { M: 784, N: 50, K: 100, transA: true, transB: false, alpha: 1, beta: 0, pad: 0 });
  });

  test('K = 0 scales C by beta; M = 0 or N = 0 writes nothing', () => {
    runCase(backend, { M: 5, N: 6, K: 0, transA: false, transB: false, alpha: 1, beta: 3, pad: 1 });
    runCase(backend, { M: 5, N: 6, K: 0, transA: false, transB: false, alpha: 1, beta: 0, pad: 0 });
    const k = backendKernels(backend);
    const c = region(4);
    write(c, [1, 2, 3, 4]);
    k.f32_gemm(0, 0, 0, 4, 3, 1, c, 3, c, 4, 0, c, 4, workspace(k.f32_gemm_workspace_bytes(0, 4, 3)));
    k.f32_gemm(0, 0, 4, 0, 3, 1, c, 3, c, 4, 0, c, 4, workspace(k.f32_gemm_workspace_bytes(4, 0, 3)));
    expect(Array.from(read(c, 4))).toEqual([1, 2, 3, 4]);
  });
});
