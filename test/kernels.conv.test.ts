// im2col, col2im, max and average pooling on both backends against float64 references (the
// book's np.pad + im2col + max/mean, as direct loops; im2col's in test/references.ts): random NCHW shapes (N 1–3,
// C 1–4, H and W 1–9), filters and pools 1–5, strides 1–3, padding 0–2, at misaligned offsets,
// with guard floats after every output; col2im and the backward passes also through their adjoint
// identities; ties, NaN and windows wholly in the padding for max pooling; the SimpleConvNet
// shapes; and the two backends bit for bit against each other.
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { init } from '../src/index.js';
import { backendKernels, heapF32 } from '../src/backend/runtime.js';
import type { Kernels } from '../src/backend/kernels.js';
import { args, dims, name, randomGeoms, type Geom } from './conv-geometry.js';
import { guardedMemory } from './guarded-memory.js';
import { MISALIGNMENTS, randomValues, read } from './helpers.js';
import { col2imRef, expectAdjoint, expectExact, expectSum, forEachWindow, im2colRef, type SumRef } from './references.js';

beforeAll(() => init());

// ---- memory: regions of one test, freed after it; guard floats after every output ----------

const { input, inputI32, output, readOutput, release } = guardedMemory();
afterEach(release);

function readI32(offset: number, n: number): Int32Array {
  const h = heapF32();
  return new Int32Array(h.buffer, offset, n).slice();
}

// ---- shapes -----------------------------------------------------------------------------------

const SMALL = randomGeoms(1, 300, 9);
// up to 20 × 20, so four adjacent pooling windows fit inside the image at strides 2 and 3 too
const LARGER = randomGeoms(2, 60, 20);
const CONV_SHAPE: Geom = { N: 10, C: 1, H: 28, W: 28, FH: 5, FW: 5, stride: 1, pad: 0 };
const POOL_SHAPE: Geom = { N: 10, C: 30, H: 24, W: 24, FH: 2, FW: 2, stride: 2, pad: 0 };

/** Inputs with many exact ties (values in {−1, −0.5, 0, 0.5, 1}) or continuous ones. */
function values(n: number, ties: boolean): Float32Array {
  const v = randomValues(n);
  if (ties) for (let i = 0; i < n; i++) v[i] = Math.round(v[i] * 2) / 2;
  return v;
}

const misalign = (i: number, j: number) => MISALIGNMENTS[(i + j) % MISALIGNMENTS.length];

// ---- float64 references (im2col and col2im: ./references.ts) -------------------------------

/** The book: pad with 0, np.max and np.argmax over each window (first maximum; NaN wins). */
function maxpoolRef(x: ArrayLike<number>, g: Geom): { y: Float64Array; arg: Int32Array } {
  const { OH, OW } = dims(g);
  const count = g.N * g.C * OH * OW, plane = g.H * g.W;
  const windows = Array.from({ length: count }, () => ({ vals: [] as number[], where: [] as number[] }));
  forEachWindow(g, false, (o, _k, i) => {
    windows[o].vals.push(i < 0 ? 0 : x[i]);
    windows[o].where.push(i < 0 ? -1 : i % plane);
  });
  const y = new Float64Array(count), arg = new Int32Array(count);
  windows.forEach(({ vals, where }, o) => {
    const firstNaN = vals.findIndex(Number.isNaN);
    const k = firstNaN >= 0 ? firstNaN : vals.indexOf(Math.max(...vals));
    y[o] = vals[k];
    arg[o] = where[k];
  });
  return { y, arg };
}

function maxpoolBwdRef(dy: ArrayLike<number>, arg: Int32Array, g: Geom): SumRef {
  const { OH, OW } = dims(g);
  const value = new Float64Array(g.N * g.C * g.H * g.W), mag = new Float64Array(value.length);
  for (let o = 0; o < arg.length; o++) {
    if (arg[o] < 0) continue;
    const i = Math.floor(o / (OH * OW)) * g.H * g.W + arg[o];
    value[i] += dy[o];
    mag[i] += Math.abs(dy[o]);
  }
  return { value, mag };
}

/** The book's im2col + mean: padding zeros count, the divisor is FH·FW. */
function avgpoolRef(x: ArrayLike<number>, g: Geom): SumRef {
  const { OH, OW } = dims(g);
  const area = g.FH * g.FW;
  const value = new Float64Array(g.N * g.C * OH * OW), mag = new Float64Array(value.length);
  forEachWindow(g, false, (o, _k, i) => {
    if (i < 0) return;
    value[o] += x[i] / area;
    mag[o] += Math.abs(x[i]) / area;
  });
  return { value, mag };
}

function avgpoolBwdRef(dy: ArrayLike<number>, g: Geom): SumRef {
  const area = g.FH * g.FW;
  const value = new Float64Array(g.N * g.C * g.H * g.W), mag = new Float64Array(value.length);
  forEachWindow(g, false, (o, _k, i) => {
    if (i < 0) return;
    value[i] += dy[o] / area;
    mag[i] += Math.abs(dy[o]) / area;
  });
  return { value, mag };
}

// ---- kernel runs ------------------------------------------------------------------------------

function runIm2col(k: Kernels, g: Geom, xv: Float32Array, i = 0): Float32Array {
  const { OH, OW } = dims(g);
  const n = g.N * OH * OW * g.C * g.FH * g.FW;
  const x = input(xv, misalign(i, 1)), col = output(n, misalign(i, 2));
  k.f32_im2col(x, col, ...args(g));
  expectExact(read(x, xv.length), xv, `im2col ${name(g)}: input unchanged`);
  return readOutput(col, n, `im2col ${name(g)}`);
}

function runCol2im(k: Kernels, g: Geom, colv: Float32Array, i = 0): Float32Array {
  const n = g.N * g.C * g.H * g.W;
  const col = input(colv, misalign(i, 3)), x = output(n, misalign(i, 1));
  k.f32_col2im(col, x, ...args(g));
  expectExact(read(col, colv.length), colv, `col2im ${name(g)}: input unchanged`);
  return readOutput(x, n, `col2im ${name(g)}`);
}

function runMaxpool(k: Kernels, g: Geom, xv: Float32Array, i = 0): { y: Float32Array; arg: Int32Array } {
  const { OH, OW } = dims(g);
  const n = g.N * g.C * OH * OW;
  const x = input(xv, misalign(i, 0)), y = output(n, misalign(i, 1));
  const argmax = output(n, 0); // i32 and f32 are both 4 bytes; the NaN fill reads as garbage
  k.f32_maxpool_fwd(x, y, argmax, ...args(g));
  readOutput(argmax, n, `maxpool ${name(g)}: argmax`);
  return { y: readOutput(y, n, `maxpool ${name(g)}`), arg: readI32(argmax, n) };
}

function runMaxpoolBwd(k: Kernels, g: Geom, dyv: Float32Array, arg: Int32Array, i = 0): Float32Array {
  const n = g.N * g.C * g.H * g.W;
  const dy = input(dyv, misalign(i, 2)), argmax = inputI32(arg, misalign(i, 3));
  const dx = output(n, misalign(i, 1));
  k.f32_maxpool_bwd(dy, argmax, dx, ...args(g));
  return readOutput(dx, n, `maxpool_bwd ${name(g)}`);
}

function runAvgpool(k: Kernels, g: Geom, xv: Float32Array, i = 0): Float32Array {
  const { OH, OW } = dims(g);
  const n = g.N * g.C * OH * OW;
  const x = input(xv, misalign(i, 1)), y = output(n, misalign(i, 3));
  k.f32_avgpool_fwd(x, y, ...args(g));
  return readOutput(y, n, `avgpool ${name(g)}`);
}

function runAvgpoolBwd(k: Kernels, g: Geom, dyv: Float32Array, i = 0): Float32Array {
  const n = g.N * g.C * g.H * g.W;
  const dy = input(dyv, misalign(i, 0)), dx = output(n, misalign(i, 2));
  k.f32_avgpool_bwd(dy, dx, ...args(g));
  return readOutput(dx, n, `avgpool_bwd ${name(g)}`);
}

// ---- checks, one geometry at a time ---------------------------------------------------------------

function checkIm2col(k: Kernels, g: Geom, i = 0): void {
  const { OH, OW } = dims(g);
  const xv = values(g.N * g.C * g.H * g.W, false);
  const col = runIm2col(k, g, xv, i);
  expectExact(col, im2colRef(xv, g), `im2col ${name(g)}`);
  // col2im: against the reference, and as the adjoint: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩
  const yv = values(g.N * OH * OW * g.C * g.FH * g.FW, false);
  const back = runCol2im(k, g, yv, i);
  expectSum(back, col2imRef(yv, g), g.FH * g.FW, `col2im ${name(g)}`);
  expectAdjoint(col, yv, xv, back, `im2col/col2im ${name(g)}`);
}

function checkMaxpool(k: Kernels, g: Geom, xv: Float32Array, i = 0): void {
  const { OH, OW } = dims(g);
  const { y, arg } = runMaxpool(k, g, xv, i);
  const ref = maxpoolRef(xv, g);
  expectExact(y, ref.y, `maxpool ${name(g)}: y`);
  expectExact(arg, ref.arg, `maxpool ${name(g)}: argmax`);
  const dyv = values(g.N * g.C * OH * OW, false);
  const dx = runMaxpoolBwd(k, g, dyv, arg, i);
  expectSum(dx, maxpoolBwdRef(dyv, ref.arg, g), g.FH * g.FW, `maxpool_bwd ${name(g)}`);
}

function checkAvgpool(k: Kernels, g: Geom, i = 0): void {
  const { OH, OW } = dims(g);
  const xv = values(g.N * g.C * g.H * g.W, false);
  const y = runAvgpool(k, g, xv, i);
  expectSum(y, avgpoolRef(xv, g), g.FH * g.FW, `avgpool ${name(g)}`);
  const dyv = values(g.N * g.C * OH * OW, false);
  const dx = runAvgpoolBwd(k, g, dyv, i);
  expectSum(dx, avgpoolBwdRef(dyv, g), g.FH * g.FW, `avgpool_bwd ${name(g)}`);
  expectAdjoint(y, dyv, xv, dx, `avgpool fwd/bwd ${name(g)}`);
}

// ---- the tests ------------------------------------------------------------------------------------

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  const k = () => backendKernels(backend);

  test(`im2col equals the reference exactly and col2im is its adjoint: ${SMALL.length} random shapes (H, W 1–9, filters 1–5, stride 1–3, pad 0–2)`, () => {
    SMALL.forEach((g, i) => checkIm2col(k(), g, i));
  });

  test(`im2col and col2im on ${LARGER.length} random shapes up to 20 × 20`, () => {
    LARGER.forEach((g, i) => checkIm2col(k(), g, i));
  });

  test('im2col and col2im at the SimpleConvNet shape (10 × 1 × 28 × 28, filter 5, stride 1, pad 0)', () => {
    checkIm2col(k(), CONV_SHAPE);
  });

  test('a filter larger than the padded image writes no column and col2im zeroes x', () => {
    const g: Geom = { N: 2, C: 1, H: 2, W: 3, FH: 5, FW: 2, stride: 1, pad: 1 };
    const col = output(0, 4);
    k().f32_im2col(input(values(12, false), 0), col, ...args(g));
    readOutput(col, 0, 'im2col, no rows');
    expectExact(runCol2im(k(), g, new Float32Array(0)), new Float32Array(12), 'col2im, no rows');
  });

  test(`max pooling forward and backward: ${SMALL.length} random shapes, half of them full of ties`, () => {
    SMALL.forEach((g, i) => checkMaxpool(k(), g, values(g.N * g.C * g.H * g.W, i % 2 === 0), i));
  });

  test(`max pooling on ${LARGER.length} random shapes up to 20 × 20 (four windows at once at strides 1–3)`, () => {
    LARGER.forEach((g, i) => checkMaxpool(k(), g, values(g.N * g.C * g.H * g.W, i % 2 === 0), i));
  });

  // 2 × 2 windows at stride 2 without padding take a path of their own, four windows at a time and
  // the row's last OW mod 4 one by one: odd and even H and W, one and three planes, ties, NaN and
  // signed zeros, at every misalignment
  test('max pooling 2 × 2 at stride 2 without padding', () => {
    let i = 0;
    for (const [H, W] of [[2, 8], [1, 9], [3, 16], [5, 17], [24, 24], [7, 25], [4, 48], [2, 2], [3, 7], [28, 28], [14, 15], [6, 30]]) {
      for (const C of [1, 3]) {
        const g: Geom = { N: 2, C, H, W, FH: 2, FW: 2, stride: 2, pad: 0 };
        const n = g.N * C * H * W;
        checkMaxpool(k(), g, values(n, false), i++);
        checkMaxpool(k(), g, values(n, true), i++);
        const special = values(n, true).map((v, j) => (j % 11 === 4 ? NaN : j % 7 === 2 ? -0 : v));
        checkMaxpool(k(), g, special, i++);
      }
    }
  });

  test('max pooling ties: the first maximum in (ky, kx) order wins, padding included', () => {
    // every value equal: each window's argmax is its top-left pixel, or −1 if that is padding
    const g: Geom = { N: 1, C: 2, H: 5, W: 11, FH: 3, FW: 3, stride: 1, pad: 1 };
    for (const v of [0.5, 0]) {
      const { y, arg } = runMaxpool(k(), g, new Float32Array(2 * 5 * 11).fill(v));
      checkMaxpool(k(), g, new Float32Array(2 * 5 * 11).fill(v));
      const { OW } = dims(g);
      // window (oy, ox) = (1, 1) starts at pixel (0, 0); (0, 3) starts in the padding row
      expect(arg[1 * OW + 1]).toBe(0);
      expect(arg[0 * OW + 3]).toBe(v > 0 ? 2 : -1); // 0.5 at pixel (0, 2) beats the padding zeros
      expect(y[0 * OW + 3]).toBe(v);
    }
  });

  test('max pooling windows in the padding take the padding zero: value 0, argmax −1, no gradient', () => {
    // pad 2 with a 2 × 2 pool: windows in the first row and column lie wholly in the padding, the
    // next ones partly; with negative inputs all of them take a padding zero
    const g: Geom = { N: 2, C: 3, H: 4, W: 9, FH: 2, FW: 2, stride: 1, pad: 2 };
    const { OH, OW } = dims(g);
    const xv = values(2 * 3 * 4 * 9, false).map((v) => -0.25 - Math.abs(v)); // all negative
    checkMaxpool(k(), g, xv);
    const { y, arg } = runMaxpool(k(), g, xv);
    let touchesPadding = 0;
    for (let o = 0; o < y.length; o++) {
      const oy = Math.floor(o / OW) % OH, ox = o % OW;
      const inside = oy >= 2 && oy + 2 <= 4 + 2 && ox >= 2 && ox + 2 <= 9 + 2;
      if (inside) {
        expect(y[o]).toBeLessThan(0);
        expect(arg[o]).toBeGreaterThanOrEqual(0);
      } else {
        touchesPadding++;
        expect(y[o]).toBe(0);
        expect(arg[o]).toBe(-1);
      }
    }
    expect(touchesPadding).toBeGreaterThan(0);
    // the gradient reaches only the maxima of the windows wholly inside the image
    const dx = runMaxpoolBwd(k(), g, new Float32Array(y.length).fill(1), arg);
    const reached = dx.reduce((s, v) => s + v, 0);
    expect(reached).toBe(arg.filter((a) => a >= 0).length);
  });

  test('max pooling propagates NaN: the window\'s output is NaN and argmax is its first NaN', () => {
    for (const pad of [0, 1]) {
      const g: Geom = { N: 1, C: 1, H: 8, W: 16, FH: 2, FW: 2, stride: 2, pad };
      const xv = values(8 * 16, true);
      xv[2 * 16 + 5] = NaN; // one NaN
      xv[4 * 16 + 8] = 5; // a large value after a NaN in the same window
      xv[5 * 16 + 8] = NaN;
      xv[5 * 16 + 9] = NaN; // two NaNs: the first in (ky, kx) order wins
      checkMaxpool(k(), g, xv);
      const { y, arg } = runMaxpool(k(), g, xv);
      const { OW } = dims(g);
      const win = (iy: number, ix: number) => Math.floor((iy + pad) / 2) * OW + Math.floor((ix + pad) / 2);
      expect(y[win(2, 5)]).toBeNaN();
      expect(arg[win(2, 5)]).toBe(2 * 16 + 5);
      expect(y[win(5, 8)]).toBeNaN();
      expect(arg[win(5, 8)]).toBe(5 * 16 + 8);
    }
  });

  test('2 × 2 max pooling at stride 2 (a backward that writes dx in one pass): four windows at once and the tail', () => {
    // OW 1, 3, 4, 5, 9 and 13: no vector, a tail only, vectors only, both
    for (const [H, W] of [[2, 2], [4, 6], [2, 8], [6, 10], [4, 18], [8, 26]]) {
      const g: Geom = { N: 2, C: 3, H, W, FH: 2, FW: 2, stride: 2, pad: 0 };
      [false, true].forEach((ties, i) => checkMaxpool(k(), g, values(2 * 3 * H * W, ties), i));
    }
  });

  test('2 × 2 max pooling backward at stride 2 gives a −0 gradient as +0 (as 0 + dy does) and passes NaN', () => {
    const g: Geom = { N: 1, C: 2, H: 4, W: 10, FH: 2, FW: 2, stride: 2, pad: 0 };
    const xv = values(2 * 4 * 10, true);
    const { arg } = runMaxpool(k(), g, xv);
    const dyv = new Float32Array(arg.length).map((_, o) => (o % 3 === 0 ? -0 : o % 3 === 1 ? NaN : o - 4.5));
    const dx = runMaxpoolBwd(k(), g, dyv, arg);
    const want = maxpoolBwdRef(dyv, arg, g).value;
    for (let i = 0; i < dx.length; i++) {
      if (Number.isNaN(want[i])) expect(dx[i]).toBeNaN();
      else expect(Object.is(dx[i], want[i] + 0)).toBe(true); // +0 everywhere dy is ±0 or no gradient lands
    }
    expect(dx.filter((v) => Number.isNaN(v)).length).toBe(dyv.filter((v) => Number.isNaN(v)).length);
  });

  test(`average pooling forward, backward and its adjoint: ${SMALL.length + LARGER.length} random shapes`, () => {
    [...SMALL, ...LARGER].forEach((g, i) => checkAvgpool(k(), g, i));
  });

  test('pooling at the SimpleConvNet shape (10 × 30 × 24 × 24, pool 2, stride 2)', () => {
    checkMaxpool(k(), POOL_SHAPE, values(10 * 30 * 24 * 24, false));
    checkMaxpool(k(), POOL_SHAPE, values(10 * 30 * 24 * 24, true));
    checkAvgpool(k(), POOL_SHAPE);
  });
});

test('wasm and js give the same bits (avgpool forward: within float32 rounding)', () => {
  const wasm = backendKernels('wasm'), js = backendKernels('js');
  [...SMALL, ...LARGER, CONV_SHAPE, POOL_SHAPE].forEach((g, i) => {
    const { OH, OW } = dims(g);
    const xv = values(g.N * g.C * g.H * g.W, i % 2 === 0);
    const colv = values(g.N * OH * OW * g.C * g.FH * g.FW, false);
    const dyv = values(g.N * g.C * OH * OW, false);
    expectExact(runIm2col(wasm, g, xv, i), runIm2col(js, g, xv, i + 1), `im2col ${name(g)}`);
    expectExact(runCol2im(wasm, g, colv, i), runCol2im(js, g, colv, i + 1), `col2im ${name(g)}`);
    const mw = runMaxpool(wasm, g, xv, i), mj = runMaxpool(js, g, xv, i + 1);
    expectExact(mw.y, mj.y, `maxpool ${name(g)}`);
    expectExact(mw.arg, mj.arg, `maxpool argmax ${name(g)}`);
    expectExact(runMaxpoolBwd(wasm, g, dyv, mw.arg, i), runMaxpoolBwd(js, g, dyv, mj.arg, i + 1), `maxpool_bwd ${name(g)}`);
    expectExact(runAvgpoolBwd(wasm, g, dyv, i), runAvgpoolBwd(js, g, dyv, i + 1), `avgpool_bwd ${name(g)}`);
    const aw = runAvgpool(wasm, g, xv, i), aj = runAvgpool(js, g, xv, i + 1);
    for (let o = 0; o < aw.length; o++) expect(Math.abs(aw[o] - aj[o])).toBeLessThanOrEqual(g.FH * g.FW * 1.2e-7);
    release(); // the cross-backend test runs every shape in one test: free its regions as it goes
  });
});
