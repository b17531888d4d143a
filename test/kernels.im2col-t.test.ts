// The transposed im2col layout and the transpose kernel, on both backends: f32_im2col_t against
// the per-sample transpose of the book-layout f32_im2col (both computed by the kernels) and a
// float64 reference (test/references.ts), on random NCHW shapes (N 1–3, C 1–4, H and W 1–12,
// filters 1–5, strides 1–3, pads 0–2) and the DeepConvNet and SimpleConvNet shapes; f32_col2im_t against
// the reference and through its adjoint identity; f32_transpose at sizes around the 4 × 4 block
// at misaligned offsets; and the two backends bit for bit against each other. Every output is
// filled with NaN first (each float must be written) and followed by guard floats.
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { init } from '../src/index.js';
import { backendKernels } from '../src/backend/runtime.js';
import type { Kernels } from '../src/backend/kernels.js';
import { args, colSize, dims, imageSize, name, randomGeoms, type Geom } from './conv-geometry.js';
import { guardedMemory } from './guarded-memory.js';
import { MISALIGNMENTS, randomValues, read } from './helpers.js';
import { col2imTRef, expectAdjoint, expectExact, expectSum, im2colTRef } from './references.js';

beforeAll(() => init());

// ---- memory: regions of one test, freed after it; guard floats after every output ----------

const { input, output, readOutput, release } = guardedMemory();
afterEach(release);

// ---- shapes -----------------------------------------------------------------------------------

const RANDOM = randomGeoms(7, 300, 12);
const NETS: Geom[] = [
  { N: 4, C: 16, H: 28, W: 28, FH: 3, FW: 3, stride: 1, pad: 1 }, // DeepConvNet
  { N: 4, C: 32, H: 14, W: 14, FH: 3, FW: 3, stride: 1, pad: 2 }, // DeepConvNet
  { N: 4, C: 1, H: 28, W: 28, FH: 5, FW: 5, stride: 1, pad: 0 }, // SimpleConvNet
];

const misalign = (i: number, j: number) => MISALIGNMENTS[(i + j) % MISALIGNMENTS.length];

// ---- float64 references (im2col_t and col2im_t: ./references.ts) ---------------------------

/** Per sample, the (R, Cc) block transposed to (Cc, R): the book layout to the transposed one. */
function transposeBlocks(a: ArrayLike<number>, N: number, R: number, Cc: number): Float32Array {
  const out = new Float32Array(N * R * Cc);
  for (let n = 0; n < N; n++) {
    const b = n * R * Cc;
    for (let r = 0; r < R; r++) for (let c = 0; c < Cc; c++) out[b + c * R + r] = a[b + r * Cc + c];
  }
  return out;
}

// ---- kernel runs ------------------------------------------------------------------------------

function runIm2col(k: Kernels, g: Geom, xv: Float32Array, i = 0): Float32Array {
  const n = colSize(g);
  const x = input(xv, misalign(i, 2)), col = output(n, misalign(i, 3));
  k.f32_im2col(x, col, ...args(g));
  return readOutput(col, n, `im2col ${name(g)}`);
}

function runIm2colT(k: Kernels, g: Geom, xv: Float32Array, i = 0): Float32Array {
  const n = colSize(g);
  const x = input(xv, misalign(i, 1)), col = output(n, misalign(i, 2));
  k.f32_im2col_t(x, col, ...args(g));
  expectExact(read(x, xv.length), xv, `im2col_t ${name(g)}: input unchanged`);
  return readOutput(col, n, `im2col_t ${name(g)}`);
}

function runCol2imT(k: Kernels, g: Geom, colv: Float32Array, i = 0): Float32Array {
  const n = imageSize(g);
  const col = input(colv, misalign(i, 3)), x = output(n, misalign(i, 1));
  k.f32_col2im_t(col, x, ...args(g));
  expectExact(read(col, colv.length), colv, `col2im_t ${name(g)}: input unchanged`);
  return readOutput(x, n, `col2im_t ${name(g)}`);
}

function runTranspose(k: Kernels, rows: number, cols: number, sv: Float32Array, ms: number, md: number): Float32Array {
  const src = input(sv, ms), dst = output(rows * cols, md);
  k.f32_transpose(src, dst, rows, cols);
  expectExact(read(src, sv.length), sv, `transpose ${rows}×${cols}: input unchanged`);
  return readOutput(dst, rows * cols, `transpose ${rows}×${cols}`);
}

// ---- checks ---------------------------------------------------------------------------------------

function checkIm2colT(k: Kernels, g: Geom, i = 0): void {
  const { OH, OW } = dims(g);
  const xv = randomValues(imageSize(g));
  const colT = runIm2colT(k, g, xv, i);
  expectExact(colT, im2colTRef(xv, g), `im2col_t ${name(g)}: reference`);
  const book = runIm2col(k, g, xv, i);
  expectExact(colT, transposeBlocks(book, g.N, OH * OW, g.C * g.FH * g.FW), `im2col_t ${name(g)}: transposed book im2col`);
  // col2im_t: against the reference and as the adjoint: ⟨im2col_t(x), y⟩ = ⟨x, col2im_t(y)⟩
  const yv = randomValues(colSize(g));
  const back = runCol2imT(k, g, yv, i);
  expectSum(back, col2imTRef(yv, g), g.FH * g.FW, `col2im_t ${name(g)}`);
  expectAdjoint(colT, yv, xv, back, `im2col_t/col2im_t ${name(g)}`);
}

const TSIZES = [1, 3, 4, 5, 7, 8, 9, 17, 33];

// ---- the tests ------------------------------------------------------------------------------------

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  const k = () => backendKernels(backend);

  test(`im2col_t equals the reference and the transposed book im2col; col2im_t is its adjoint: ${RANDOM.length} random shapes`, () => {
    RANDOM.forEach((g, i) => checkIm2colT(k(), g, i));
  });

  test('im2col_t and col2im_t at the DeepConvNet and SimpleConvNet shapes', () => {
    NETS.forEach((g, i) => checkIm2colT(k(), g, i));
  });

  test('a filter larger than the padded image writes no column and col2im_t zeroes x', () => {
    const g: Geom = { N: 2, C: 1, H: 2, W: 3, FH: 5, FW: 2, stride: 1, pad: 1 };
    const col = output(0, 4);
    k().f32_im2col_t(input(randomValues(12), 0), col, ...args(g));
    readOutput(col, 0, 'im2col_t, no rows');
    expectExact(runCol2imT(k(), g, new Float32Array(0)), new Float32Array(12), 'col2im_t, no rows');
  });

  test(`transpose: rows and cols in {${TSIZES.join(', ')}} at misaligned offsets`, () => {
    let t = 0;
    for (const rows of TSIZES) {
      for (const cols of TSIZES) {
        for (const [ms, md] of [[0, 0], [4, 8], [12, 4], [8, 12]]) {
          const sv = randomValues(rows * cols);
          const got = runTranspose(k(), rows, cols, sv, ms, md);
          const want = new Float32Array(rows * cols);
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) want[j * rows + i] = sv[i * cols + j];
          expectExact(got, want, `transpose ${rows}×${cols} (misalign ${ms}, ${md})`);
          t++;
        }
      }
    }
    expect(t).toBe(TSIZES.length * TSIZES.length * 4);
  });

  test('transpose of a tall and a wide matrix larger than one tile (130 × 67, 67 × 130)', () => {
    for (const [rows, cols] of [[130, 67], [67, 130]]) {
      const sv = randomValues(rows * cols);
      const got = runTranspose(k(), rows, cols, sv, 4, 12);
      const want = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) want[j * rows + i] = sv[i * cols + j];
      expectExact(got, want, `transpose ${rows}×${cols}`);
    }
  });
});

test('wasm and js give the same bits', () => {
  const wasm = backendKernels('wasm'), js = backendKernels('js');
  [...RANDOM, ...NETS].forEach((g, i) => {
    const xv = randomValues(imageSize(g)), colv = randomValues(colSize(g));
    expectExact(runIm2colT(wasm, g, xv, i), runIm2colT(js, g, xv, i + 1), `im2col_t ${name(g)}`);
    expectExact(runCol2imT(wasm, g, colv, i), runCol2imT(js, g, colv, i + 1), `col2im_t ${name(g)}`);
    release();
  });
  for (const rows of TSIZES) {
    for (const cols of TSIZES) {
      const sv = randomValues(rows * cols);
      expectExact(runTranspose(wasm, rows, cols, sv, 4, 0), runTranspose(js, rows, cols, sv, 8, 12), `transpose ${rows}×${cols}`);
    }
  }
  release();
});
