// Matrix products on 2-D tensors: the shape checks in one place, then one kernel call.
import { kernels, runParallel, workspace, type KernelArgs } from '../backend/runtime.js';
import { splitRange, threadsFor } from '../backend/split.js';
import { checkTensor, empty, sharesMemory, type Tensor } from '../tensor.js';
import { describe, formatShape } from '../shape.js';
import { options as checkOptions } from '../options.js';
import { ShapeError, ValueError } from '../errors.js';

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
}

/** c = alpha·op(a)·op(b) + beta·c, in place. op transposes when the flag is set. */
export function gemm(a: Tensor, b: Tensor, c: Tensor, options: GemmOptions = {}): Tensor {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = checkOptions('gemm', options, ['transA', 'transB', 'alpha', 'beta']);
  for (const [name, v] of [['transA', transA], ['transB', transB]] as const) {
    if (typeof v !== 'boolean') throw new ValueError(`gemm: ${name} must be a boolean, got ${describe(v)}`);
  }
  const [M, K, N] = productShape('gemm', a, b, transA, transB);
  checkTensor('gemm: c', c);
  if (c.shape.length !== 2 || c.shape[0] !== M || c.shape[1] !== N) {
    throw new ShapeError(`gemm: c must be (${M}, ${N}) for a${transA ? 'ᵀ' : ''}${formatShape(a.shape)} · ` +
      `b${transB ? 'ᵀ' : ''}${formatShape(b.shape)}, got ${formatShape(c.shape)}`);
  }
  for (const [name, v] of [['alpha', alpha], ['beta', beta]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`gemm: ${name} must be a finite number, got ${v}`);
  }
  // NOTE: c is written while a and b are read: a view of either's memory gets wrong values
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (sharesMemory(c, t)) throw new ValueError(`gemm: c shares memory with ${name} (c is written while ${name} is read); pass a separate tensor`);
  }
  gemmRaw(transA, transB, M, N, K, alpha, a.offset, a.shape[1], b.offset, b.shape[1], beta, c.offset, N);
  return c;
}

// NOTE: split at whole 4 × 8 tiles, whichever micro-kernel runs (a 2 × 16 one may then compute a
// ragged panel at the split): at 16 columns, a split of TwoLayerNet's 50 columns gives 32 and 18
const MR = 4, NR = 8;
// assembly/gemm.ts reads a B that is not transposed in place, unpacked, when A has at most this
// many rows (IN_PLACE_MAX_M). NOTE: a cut by rows that crosses it makes every part slower: for
// TwoLayerNet's X·W1 (100 × 784 · 784 × 50) the 52-row part took 126 µs, the 32-column part of a
// cut by columns 112 µs (one thread, best of 2 000; 199 µs whole); SimpleConvNet's X·W3 (100 ×
// 4320 · 4320 × 100): 1 381 µs for 52 rows, 1 203 µs for 56 columns.
const IN_PLACE_MAX_M = 64;

/** Internal: the kernel call with its scratch, for callers that checked shapes themselves. Big
 *  products are cut between the threads by rows of C (or by columns when C is wide, or when
 *  fewer rows would stop B being packed): every element of C is then computed exactly as on one
 *  thread. */
export function gemmRaw(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
                        a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number): void {
  const k = kernels();
  const threads = threadsFor(2 * M * N * K);
  if (threads <= 1) {
    k.f32_gemm(+transA, +transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, workspace(k.f32_gemm_workspace_bytes(M, N, K)));
    return;
  }
  const rowCutUnpacksB = !transB && M > IN_PLACE_MAX_M && Math.ceil(M / threads) <= IN_PLACE_MAX_M;
  const byRows = M / MR >= N / NR && !(rowCutUnpacksB && N >= 2 * NR);
  const parts = splitRange(byRows ? M : N, threads, byRows ? MR : NR).map(([start, count], thread) => {
    const [m, n] = byRows ? [count, N] : [M, count];
    // where op(A)'s row `start`, op(B)'s column `start` and C's block begin
    const aStart = byRows ? a + start * 4 * (transA ? 1 : lda) : a;
    const bStart = byRows ? b : b + start * 4 * (transB ? ldb : 1);
    const cStart = c + start * 4 * (byRows ? ldc : 1);
    const work = workspace(k.f32_gemm_workspace_bytes(m, n, K), thread);
    const part: KernelArgs<'f32_gemm'> = [+transA, +transB, m, n, K, alpha, aStart, lda, bStart, ldb, beta, cStart, ldc, work];
    return part;
  });
  runParallel('f32_gemm', parts);
}

/** A new tensor op(a)·op(b). */
export function matmul(a: Tensor, b: Tensor, opts: { transA?: boolean; transB?: boolean } = {}): Tensor {
  const options = checkOptions('matmul', opts, ['transA', 'transB']);
  const [M, , N] = productShape('matmul', a, b, options.transA ?? false, options.transB ?? false);
  const c = empty([M, N]);
  return gemm(a, b, c, options);
}

// [M, K, N] of op(a)·op(b), or a clear error.
function productShape(caller: string, a: Tensor, b: Tensor, transA: boolean, transB: boolean): [number, number, number] {
  checkTensor(`${caller}: a`, a);
  checkTensor(`${caller}: b`, b);
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new ShapeError(`${caller}: expected 2-D tensors, got a${formatShape(a.shape)} and b${formatShape(b.shape)}`);
  }
  const [M, Ka] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [Kb, N] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (Ka !== Kb) {
    throw new ShapeError(`${caller}: inner dimensions differ: a${transA ? 'ᵀ' : ''} is (${M}, ${Ka}), b${transB ? 'ᵀ' : ''} is (${Kb}, ${N})`);
  }
  return [M, Ka, N];
}

/** The dense layer's forward: out (n, outputs) = x (n, inputs, read in C order) · W (inputs, outputs) + b. */
export function denseForward(x: Tensor, W: Tensor, b: Tensor, out: Tensor): void {
  const [inputs, outputs] = W.shape as [number, number];
  const n = out.shape[0]!;
  gemmRaw(false, false, n, outputs, inputs, 1, x.offset, inputs, W.offset, outputs, 0, out.offset, outputs);
  kernels().f32_bias_add_rows(out.offset, b.offset, out.offset, n, outputs);
}

/** The dense layer's parameter gradients: dW = xᵀ · dout, db = Σ_rows dout. */
export function denseParamGradients(x: Tensor, dout: Tensor, dW: Tensor, db: Tensor): void {
  const [inputs, outputs] = dW.shape as [number, number];
  const n = dout.shape[0]!;
  gemmRaw(true, false, inputs, outputs, n, 1, x.offset, inputs, dout.offset, outputs, 0, dW.offset, outputs);
  kernels().f32_sum_rows(dout.offset, db.offset, n, outputs);
}

/** The dense layer's input gradient: dx (n, inputs) = dout · Wᵀ. */
export function denseInputGradient(dout: Tensor, W: Tensor, dx: Tensor): void {
  const [inputs, outputs] = W.shape as [number, number];
  gemmRaw(false, true, dout.shape[0]!, inputs, outputs, 1, dout.offset, outputs, W.offset, outputs, 0, dx.offset, inputs);
}
