// Elementwise kernels: both backends against float64 references written here, at every edge size
// and misalignment, out of place and in place.
import { beforeAll, describe, expect, test } from 'vitest';
import { init } from '../src/index.js';
import { backendKernels, heapF32 } from '../src/backend/runtime.js';
import type { Kernels } from '../src/backend/kernels.js';
import { EDGE_SIZES, MISALIGNMENTS, expectClose, randomValues, read, region, write } from './helpers.js';

beforeAll(() => init());

const BACKENDS = ['wasm', 'js'] as const;
const ALPHA = 0.3;

// Inputs: random over [-10, 10], with zeros, signed zeros and large magnitudes mixed in.
function inputs(n: number): Float32Array {
  const x = randomValues(n, -10, 10);
  const specials = [0, -0, 100, -100, 1e-4, -1e-4, 88, -88];
  for (let i = 0; i < n; i += 7) x[i] = specials[(i / 7) % specials.length];
  return x;
}

type Forward = { name: keyof Kernels; ref: (x: number) => number; alpha?: boolean };
const FORWARD: Forward[] = [
  { name: 'f32_relu_fwd', ref: (x) => (x > 0 ? x : 0) },
  { name: 'f32_sigmoid_fwd', ref: (x) => 1 / (1 + Math.exp(-x)) },
  { name: 'f32_tanh_fwd', ref: Math.tanh },
  { name: 'f32_leaky_relu_fwd', ref: (x) => (x > 0 ? x : ALPHA * x), alpha: true },
  { name: 'f32_elu_fwd', ref: (x) => (x > 0 ? x : ALPHA * Math.expm1(x)), alpha: true },
];

type Backward = { name: keyof Kernels; fwd: keyof Kernels; ref: (y: number, dy: number) => number; alpha?: boolean };
const BACKWARD: Backward[] = [
  { name: 'f32_relu_bwd', fwd: 'f32_relu_fwd', ref: (y, g) => (y > 0 ? g : 0) },
  { name: 'f32_sigmoid_bwd', fwd: 'f32_sigmoid_fwd', ref: (y, g) => g * (1 - y) * y },
  { name: 'f32_tanh_bwd', fwd: 'f32_tanh_fwd', ref: (y, g) => g * (1 - y * y) },
  { name: 'f32_leaky_relu_bwd', fwd: 'f32_leaky_relu_fwd', ref: (y, g) => (y > 0 ? g : ALPHA * g), alpha: true },
  { name: 'f32_elu_bwd', fwd: 'f32_elu_fwd', ref: (y, g) => (y > 0 ? g : g * (y + ALPHA)), alpha: true },
];

// NOTE: the wasm exp/tanh are float32 polynomials (relative error ~2e-7); elu's e^x - 1 loses
// relative precision near 0 to cancellation, hence the absolute term.
const REL = 4e-6;
const ABS = 4e-7;

function call(k: Kernels, name: keyof Kernels, args: number[]): void {
  (k[name] as (...a: number[]) => void)(...args);
}

describe.each(BACKENDS)('%s backend', (backend) => {
  describe.each(FORWARD)('$name', ({ name, ref, alpha }) => {
    test.each(EDGE_SIZES)('matches the float64 reference for n = %i at every misalignment, in place too', (n) => {
      const k = backendKernels(backend);
      for (const mis of MISALIGNMENTS) {
        const values = inputs(n);
        const x = region(n, mis), y = region(n, (mis + 4) % 16);
        write(x, values);
        call(k, name, alpha ? [x, y, n, ALPHA] : [x, y, n]);
        const expected = Array.from(values, ref);
        expectClose(read(y, n), expected, REL, ABS, `${name} n=${n} misalign=${mis}`);
        call(k, name, alpha ? [x, x, n, ALPHA] : [x, x, n]);
        expectClose(read(x, n), expected, REL, ABS, `${name} in place n=${n}`);
      }
    });
  });

  describe.each(BACKWARD)('$name', ({ name, fwd, ref, alpha }) => {
    test.each(EDGE_SIZES)('matches the float64 reference for n = %i, in place on dy too', (n) => {
      const k = backendKernels(backend);
      for (const mis of MISALIGNMENTS) {
        const x = region(n, mis), y = region(n, mis), dy = region(n, 12 - mis), dx = region(n, 4);
        write(x, inputs(n));
        call(k, fwd, alpha ? [x, y, n, ALPHA] : [x, y, n]);
        const yv = read(y, n), g = randomValues(n, -2, 2);
        write(dy, g);
        call(k, name, alpha ? [y, dy, dx, n, ALPHA] : [y, dy, dx, n]);
        const expected = Array.from(yv, (v, i) => ref(v, g[i]));
        expectClose(read(dx, n), expected, REL, ABS, `${name} n=${n}`);
        expectClose(read(dy, n), g, 0, 0, `${name} leaves dy alone`);
        call(k, name, alpha ? [y, dy, dy, n, ALPHA] : [y, dy, dy, n]);
        expectClose(read(dy, n), expected, REL, ABS, `${name} in place n=${n}`);
      }
    });
  });

  test.each(EDGE_SIZES)('fill, copy, scale, axpy and mul match their definitions for n = %i', (n) => {
    const k = backendKernels(backend);
    for (const mis of MISALIGNMENTS) {
      const x = region(n, mis), y = region(n, (16 - mis) % 16);
      k.f32_fill(y, n, 2.5);
      expectClose(read(y, n), new Array(n).fill(2.5), 0, 0, 'fill');
      const xv = randomValues(n);
      write(x, xv);
      k.f32_copy(x, y, n);
      expectClose(read(y, n), xv, 0, 0, 'copy');
      k.f32_scale(x, y, n, -3);
      expectClose(read(y, n), Array.from(xv, (v) => -3 * v), 1e-7, 0, 'scale');
      const yv = randomValues(n);
      write(y, yv);
      const z = region(n, 4);
      k.f32_axpy(x, y, z, n, 0.5);
      expectClose(read(z, n), Array.from(xv, (v, i) => yv[i] + 0.5 * v), 1e-6, 1e-7, 'axpy out of place');
      expectClose(read(y, n), yv, 0, 0, 'axpy leaves y');
      k.f32_axpy(x, y, y, n, 0.5);
      expectClose(read(y, n), read(z, n), 0, 0, 'axpy in place');
      k.f32_mul(x, y, y, n);
      expectClose(read(y, n), Array.from(xv, (v, i) => (yv[i] + 0.5 * v) * v), 1e-6, 1e-7, 'mul in place');
    }
  });

  test('copy handles overlapping ranges like memmove', () => {
    const k = backendKernels(backend);
    const n = 37, x = region(n + 5);
    const v = randomValues(n + 5);
    write(x, v);
    k.f32_copy(x, x + 12, n); // forward overlap
    expectClose(read(x + 12, n), v.subarray(0, n), 0, 0, 'copy forward');
    write(x, v);
    k.f32_copy(x + 12, x, n); // backward overlap
    expectClose(read(x, n), v.subarray(3, 3 + n), 0, 0, 'copy backward');
  });

  test.each([[1, 1], [3, 5], [4, 4], [7, 17], [100, 63], [2, 1000]])('bias add and row sum for (%i, %i)', (rows, cols) => {
    const k = backendKernels(backend);
    const x = region(rows * cols, 4), b = region(cols, 8), y = region(rows * cols, 12), s = region(cols);
    const xv = randomValues(rows * cols), bv = randomValues(cols);
    write(x, xv);
    write(b, bv);
    k.f32_bias_add_rows(x, b, y, rows, cols);
    expectClose(read(y, rows * cols), Array.from(xv, (v, i) => v + bv[i % cols]), 1e-7, 1e-7, 'bias add');
    k.f32_sum_rows(x, s, rows, cols);
    const sums = new Array(cols).fill(0);
    xv.forEach((v, i) => (sums[i % cols] += v));
    expectClose(read(s, cols), sums, 1e-5, 1e-6, 'row sum');
    k.f32_bias_add_rows(x, b, x, rows, cols);
    expectClose(read(x, rows * cols), Array.from(xv, (v, i) => v + bv[i % cols]), 1e-7, 1e-7, 'bias add in place');
  });
});

test('NaN passes through relu and tanh on both backends', () => {
  for (const backend of BACKENDS) {
    const k = backendKernels(backend);
    const x = region(5), y = region(5);
    write(x, [NaN, 1, NaN, -1, NaN]);
    k.f32_relu_fwd(x, y, 5);
    expect(Number.isNaN(read(y, 5)[0]) && Number.isNaN(read(y, 5)[4])).toBe(true);
    k.f32_tanh_fwd(x, y, 5);
    expect(Number.isNaN(read(y, 5)[2])).toBe(true);
  }
});

describe.each(BACKENDS)('%s data movement', (backend) => {
  test.each([1, 3, 5, 17, 63, 784])('gather_rows copies the indexed rows of %i floats', (cols) => {
    const k = backendKernels(backend);
    const rows = 7, n = 9;
    const src = region(rows * cols, 4), dst = region(n * cols, 8), idxAt = region(n);
    const sv = randomValues(rows * cols);
    write(src, sv);
    const idx = [6, 0, 3, 3, 1, 6, 2, 5, 4];
    new Int32Array(heapF32().buffer, idxAt, n).set(idx);
    k.f32_gather_rows(src, idxAt, dst, n, cols);
    const expected = idx.flatMap((r) => Array.from(sv.subarray(r * cols, (r + 1) * cols)));
    expectClose(read(dst, n * cols), expected, 0, 0, 'gather');
  });

  test.each([0, 1, 3, 15, 16, 17, 33, 1000])('from_u8 divides %i bytes at any byte offset exactly as float32 b / 255', (n) => {
    const k = backendKernels(backend);
    for (const shift of [0, 1, 3]) {
      const src = region(n) + shift, dst = region(n, 4);
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + shift) % 256);
      new Uint8Array(heapF32().buffer, src, n).set(bytes);
      k.f32_from_u8(src, dst, n, 255);
      expectClose(read(dst, n), Array.from(bytes, (b) => Math.fround(b / 255)), 0, 0, 'from_u8');
    }
  });
});

describe.each(BACKENDS)('%s channel bias', (backend) => {
  test.each([[1, 1, 1], [2, 3, 5], [3, 4, 16], [2, 30, 17], [1, 2, 63]])('bias add and sum per channel for N=%i C=%i HW=%i', (N, C, HW) => {
    const k = backendKernels(backend);
    const n = N * C * HW;
    const x = region(n, 4), b = region(C, 8), y = region(n, 12), s = region(C);
    const xv = randomValues(n), bv = randomValues(C);
    write(x, xv);
    write(b, bv);
    k.f32_bias_add_channels(x, b, y, N, C, HW);
    const channel = (i: number) => Math.floor(i / HW) % C;
    expectClose(read(y, n), Array.from(xv, (v, i) => v + bv[channel(i)]), 1e-7, 1e-7, 'bias add channels');
    k.f32_sum_channels(x, s, N, C, HW);
    const sums = new Array(C).fill(0);
    xv.forEach((v, i) => (sums[channel(i)] += v));
    expectClose(read(s, C), sums, 1e-5, 1e-5, 'sum channels');
  });
});
