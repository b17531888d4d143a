// Optimizer, batch-norm, dropout and reduction kernels on both backends against float64
// references written here (the book's formulas, step by step), at SIMD edge sizes.
import { beforeAll, describe, expect, test } from 'vitest';
import { init } from '../src/index.js';
import { backendKernels } from '../src/backend/runtime.js';
import { EDGE_SIZES, expectClose, randomValues, read, region, write } from './helpers.js';

beforeAll(() => init());

const BACKENDS = ['wasm', 'js'] as const;

// Each optimizer: its kernel call, and the book's rule on plain numbers (p, g, state...) -> new values.
const LR = 0.05, M = 0.9, DECAY = 0.99, B1 = 0.9, B2 = 0.999;
const OPTIMIZERS = [
  {
    name: 'momentum', states: 1,
    call: (k: ReturnType<typeof backendKernels>, p: number, g: number, s: number[], n: number, out = p) => k.f32_momentum_step(p, out, g, s[0], n, LR, M),
    ref: (p: number, g: number, [v]: number[]) => { v = M * v - LR * g; return [p + v, v]; },
  },
  {
    name: 'nesterov', states: 1,
    call: (k: ReturnType<typeof backendKernels>, p: number, g: number, s: number[], n: number, out = p) => k.f32_nesterov_step(p, out, g, s[0], n, LR, M),
    ref: (p: number, g: number, [v]: number[]) => { p += M * M * v; p -= (1 + M) * LR * g; v = M * v - LR * g; return [p, v]; },
  },
  {
    name: 'adagrad', states: 1,
    call: (k: ReturnType<typeof backendKernels>, p: number, g: number, s: number[], n: number, out = p) => k.f32_adagrad_step(p, out, g, s[0], n, LR),
    ref: (p: number, g: number, [h]: number[]) => { h += g * g; return [p - LR * g / (Math.sqrt(h) + 1e-7), h]; },
  },
  {
    name: 'rmsprop', states: 1,
    call: (k: ReturnType<typeof backendKernels>, p: number, g: number, s: number[], n: number, out = p) => k.f32_rmsprop_step(p, out, g, s[0], n, LR, DECAY),
    ref: (p: number, g: number, [h]: number[]) => { h = DECAY * h + (1 - DECAY) * g * g; return [p - LR * g / (Math.sqrt(h) + 1e-7), h]; },
  },
  {
    name: 'adam', states: 2,
    call: (k: ReturnType<typeof backendKernels>, p: number, g: number, s: number[], n: number, out = p) => k.f32_adam_step(p, out, g, s[0], s[1], n, LR, B1, B2),
    ref: (p: number, g: number, [m, v]: number[]) => {
      m += (1 - B1) * (g - m);
      v += (1 - B2) * (g * g - v);
      return [p - LR * m / (Math.sqrt(v) + 1e-7), m, v];
    },
  },
];

describe.each(BACKENDS)('%s backend', (backend) => {
  describe.each(OPTIMIZERS.map((o) => [`f32_${o.name}_step`, o] as const))('%s', (_, { states, call, ref }) => {
    test.each(EDGE_SIZES)('two steps match the book\'s rule for n = %i', (n) => {
      const k = backendKernels(backend);
      const pv = randomValues(n), sv = Array.from({ length: states }, () => randomValues(n, 0, 0.5));
      const p = region(n, 4), g = region(n, 8), s = sv.map((_, j) => region(n, 4 * j));
      write(p, pv);
      s.forEach((o, j) => write(o, sv[j]));
      let expected = Array.from(pv, (v, i) => [v, ...sv.map((a) => a[i])]);
      for (let step = 0; step < 2; step++) {
        const gv = randomValues(n);
        write(g, gv);
        call(k, p, g, s, n);
        expected = expected.map(([pp, ...st], i) => ref(pp, gv[i], st));
      }
      expectClose(read(p, n), expected.map((e) => e[0]), 1e-5, 1e-6, 'params');
      s.forEach((o, j) => expectClose(read(o, n), expected.map((e) => e[j + 1]), 1e-5, 1e-6, `state ${j}`));
    });

    test.each(EDGE_SIZES)('out of place: the in-place bits at out, p unchanged, for n = %i', (n) => {
      const k = backendKernels(backend);
      const pv = randomValues(n), gv = randomValues(n), sv = Array.from({ length: states }, () => randomValues(n, 0, 0.5));
      const [p, q, out, g] = [region(n, 4), region(n), region(n, 12), region(n, 8)];
      const [s, t] = [sv.map((_, j) => region(n, 4 * j)), sv.map(() => region(n))];
      write(p, pv);
      write(q, pv);
      write(g, gv);
      sv.forEach((v, j) => [write(s[j], v), write(t[j], v)]);
      call(k, p, g, s, n); // in place
      call(k, q, g, t, n, out);
      const bits = (o: number) => Array.from(new Uint32Array(read(o, n).buffer));
      expect(bits(out)).toEqual(bits(p));
      expect(Array.from(read(q, n))).toEqual(Array.from(pv));
      s.forEach((o, j) => expect(bits(t[j])).toEqual(bits(o)));
    });
  });

  // The book's BatchNormalization, written out in float64 (common/layers.py).
  function bookBatchNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, dout: Float32Array, N: number, D: number) {
    const col = (a: ArrayLike<number>, c: number) => Array.from({ length: N }, (_, r) => a[r * D + c]);
    const out = new Float64Array(N * D), dx = new Float64Array(N * D), xnAll = new Float64Array(N * D);
    const dgamma = new Float64Array(D), dbeta = new Float64Array(D), mean = new Float64Array(D), variance = new Float64Array(D);
    for (let c = 0; c < D; c++) {
      const xs = col(x, c), ds = col(dout, c);
      const mu = xs.reduce((a, b) => a + b, 0) / N;
      const xc = xs.map((v) => v - mu);
      const vr = xc.reduce((a, b) => a + b * b, 0) / N;
      const std = Math.sqrt(vr + 1e-6);
      const xn = xc.map((v) => v / std);
      mean[c] = mu;
      variance[c] = vr;
      xn.forEach((v, r) => { out[r * D + c] = gamma[c] * v + beta[c]; xnAll[r * D + c] = v; });
      dbeta[c] = ds.reduce((a, b) => a + b, 0);
      dgamma[c] = ds.reduce((a, b, r) => a + b * xn[r], 0);
      const dxn = ds.map((v) => gamma[c] * v);
      let dxc = dxn.map((v) => v / std);
      const dstd = -dxn.reduce((a, v, r) => a + (v * xc[r]) / (std * std), 0);
      const dvar = (0.5 * dstd) / std;
      dxc = dxc.map((v, r) => v + (2 / N) * xc[r] * dvar);
      const dmu = dxc.reduce((a, b) => a + b, 0);
      dxc.forEach((v, r) => (dx[r * D + c] = v - dmu / N));
    }
    return { out, dx, dgamma, dbeta, mean, variance, xn: xnAll };
  }

  test.each([[1, 1], [2, 3], [5, 4], [7, 17], [100, 50], [3, 63]])('batch norm (%i, %i): statistics, forward, backward as the book computes them', (N, D) => {
    const k = backendKernels(backend);
    const xv = randomValues(N * D, -2, 3), gv = randomValues(D, 0.5, 1.5), bv = randomValues(D), dv = randomValues(N * D);
    const ref = bookBatchNorm(xv, gv, bv, dv, N, D);
    const [x, gamma, beta, mean, variance, xn, y, dy, dx, dgamma, dbeta] =
      [N * D, D, D, D, D, N * D, N * D, N * D, N * D, D, D].map((n, i) => region(n, (4 * i) % 16));
    write(x, xv); write(gamma, gv); write(beta, bv); write(dy, dv);
    k.f32_col_mean_var(x, mean, variance, N, D);
    expectClose(read(mean, D), ref.mean, 1e-5, 1e-6, 'mean');
    expectClose(read(variance, D), ref.variance, 1e-4, 1e-6, 'variance');
    k.f32_batchnorm_fwd(x, mean, variance, gamma, beta, xn, y, N, D, 1e-6);
    // N = 1: x - mean is exactly 0, so everything is beta and the gradient is 0
    expectClose(read(y, N * D), ref.out, 1e-4, 1e-4, 'forward');
    expectClose(read(xn, N * D), ref.xn, 1e-4, 1e-4, 'xn');
    k.f32_batchnorm_bwd(dy, xn, variance, gamma, dx, dgamma, dbeta, N, D, 1e-6);
    expectClose(read(dbeta, D), ref.dbeta, 1e-5, 1e-5, 'dbeta');
    expectClose(read(dgamma, D), ref.dgamma, 1e-4, 1e-4, 'dgamma');
    expectClose(read(dx, N * D), ref.dx, 1e-3, 1e-4, 'dx');
  });

  test('batch norm without xn writes only y', () => {
    const k = backendKernels(backend);
    const x = region(6), m = region(3), v = region(3), g = region(3), b = region(3), y = region(6);
    write(x, [1, 2, 3, 4, 5, 6]); write(m, [0, 1, 2]); write(v, [3, 0, 1]); write(g, [1, 2, 3]); write(b, [0, 0, 1]);
    k.f32_batchnorm_fwd(x, m, v, g, b, 0, y, 2, 3, 1e-6);
    const inv = (vr: number) => 1 / Math.sqrt(vr + 1e-6);
    expectClose(read(y, 6), [1 * inv(3), 2 * 1 * inv(0), 3 * 1 * inv(1) + 1, 4 * inv(3), 2 * 4 * inv(0), 3 * 4 * inv(1) + 1], 1e-5, 0, 'test mode');
  });

  test.each(EDGE_SIZES)('ema and sum of squares for n = %i', (n) => {
    const k = backendKernels(backend);
    const a = region(n, 4), r = region(n, 12);
    const av = randomValues(n), rv = randomValues(n);
    write(a, av); write(r, rv);
    k.f32_ema(a, r, n, 0.9);
    expectClose(read(r, n), Array.from(rv, (v, i) => 0.9 * v + 0.1 * av[i]), 1e-6, 1e-7, 'ema');
    expect(k.f32_sum_squares(a, n)).toBeCloseTo(av.reduce((s, v) => s + v * v, 0), 4);
  });

  // one bad value at every position (the 16-float steps, the 4-float steps and the scalar tail),
  // at every misalignment; huge finite values (whose squares overflow) pass
  test.each([0, 1, 3, 5, 16, 17, 33, 63, 100])('all_finite finds a NaN or ±Infinity at any position for n = %i', (n) => {
    const k = backendKernels(backend);
    for (const misalign of [0, 4, 8, 12]) {
      const a = region(n, misalign);
      const values = randomValues(n, -3e38, 3e38);
      write(a, values);
      expect(k.f32_all_finite(a, n)).toBe(1);
      for (let i = 0; i < n; i++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          write(a + 4 * i, [bad]);
          expect(k.f32_all_finite(a, n), `${bad} at ${i} of ${n}, misalign ${misalign}`).toBe(0);
        }
        write(a + 4 * i, [values[i]]);
      }
      expect(k.f32_all_finite(a, n)).toBe(1);
    }
  });

  test('all_finite reads only its n floats', () => {
    const k = backendKernels(backend);
    const a = region(9, 4);
    write(a, [NaN, 1, 2, 3, 4, 5, 6, 7, Infinity]);
    expect(k.f32_all_finite(a + 4, 7)).toBe(1);
    expect(k.f32_all_finite(a + 4, 8)).toBe(0);
    expect(k.f32_all_finite(a, 1)).toBe(0);
  });
});

describe('dropout', () => {
  test.each(EDGE_SIZES)('both backends draw the same mask for n = %i; y = x·mask', (n) => {
    const xv = randomValues(n);
    const out = BACKENDS.map((backend) => {
      const k = backendKernels(backend);
      const x = region(n, 4), mask = region(n, 8), y = region(n);
      write(x, xv);
      k.f32_dropout_fwd(x, mask, y, n, 0.5, 12345);
      const mv = read(mask, n);
      expectClose(read(y, n), Array.from(xv, (v, i) => v * mv[i]), 0, 0, 'y = x·mask');
      return Array.from(mv);
    });
    expect(out[0]).toEqual(out[1]);
    expect(out[0].every((m) => m === 0 || m === 1)).toBe(true);
  });

  test('keeps a fraction 1 - ratio of the elements, and another key draws another mask', () => {
    const k = backendKernels('wasm');
    const n = 100_000, x = region(n), mask = region(n), other = region(n);
    k.f32_fill(x, n, 1);
    for (const ratio of [0.1, 0.5, 0.8]) {
      k.f32_dropout_fwd(x, mask, mask, n, ratio, 7);
      const kept = read(mask, n).reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(kept - (1 - ratio))).toBeLessThan(0.01); // ~6 standard errors
    }
    k.f32_dropout_fwd(x, mask, mask, n, 0.5, 1);
    k.f32_dropout_fwd(x, other, other, n, 0.5, 2);
    const a = read(mask, n), b = read(other, n);
    const agree = a.reduce((s, v, i) => s + (v === b[i] ? 1 : 0), 0) / n;
    expect(Math.abs(agree - 0.5)).toBeLessThan(0.01); // independent masks agree half the time
  });
});
