// Property tests: every wasm kernel against its pure-JS twin (src/backend/js/) on random small
// shapes and values drawn by fast-check. Each property runs both backends on the same inputs, in
// separate regions of the one linear memory (at random 0/4/8/12-byte misalignments, outputs
// pre-filled with NaN and followed by guard floats that must survive), and compares the results:
//
// - bit for bit (`===`, NaN equal to NaN) where both backends compute the same float32 values:
//   copies, gathers, im2col/col2im, pooling, dropout masks, and any single rounding of an exact
//   result (a product or quotient of two float32 values is exact in float64, so the JS twin's
//   float64 arithmetic rounded once when stored gives the float32 result of the wasm kernel);
// - within a stated error bound elsewhere. NOTE: the two backends round differently by design:
//   the wasm kernels compute in float32 (SIMD lanes, accumulating in their own order, with
//   polynomial exp/tanh), the JS twin in float64 with one rounding when it stores. Each bound is
//   first-order float32 error analysis in units of U = 2^-24 (the unit roundoff of float32): a sum
//   of n terms in any order is within (n - 1)·U·Σ|terms| of the exact sum, each further operation
//   adds U·|its result|, and the JS side adds one final rounding. Small integer slacks on top of
//   the counts cover second-order terms; the bounds scale with the data, so they stay meaningful
//   (about 1e-6 relative for short sums) instead of being one loose epsilon for everything.
//
// Inputs are plain records of numbers and arrays, so a failure prints a readable, shrunk
// counterexample. Arrays of a few hundred floats are drawn by fast-check directly; the large ones
// (GEMM operands, images, columns) come from an integer `seed` in the counterexample through the
// project's seeded generator, so the report stays short and the case reproduces exactly.
// Every property uses the fixed seed below and a bounded number of runs.
import fc from 'fast-check';
import { beforeAll, describe, test } from 'vitest';
import { init } from '../src/index.js';
import { allocator, backendKernels, heapF32, workspace } from '../src/backend/runtime.js';
import type { Kernels } from '../src/backend/kernels.js';
import { createRng } from '../src/rng.js';
import { args, dims, fits, type Geom } from './conv-geometry.js';

beforeAll(() => init());

const SEED = 20250611;
const RUNS = 1000; // per property: the whole file runs in a few seconds
const U = 2 ** -24; // float32 unit roundoff
// Absolute floor of every bound: below the smallest normal float32 the rounding error of an
// operation is absolute (up to 2^-150 per operation), not relative, so relative bounds need a floor.
const TINY = 2 ** -126;
const BACKENDS = ['wasm', 'js'] as const;
type Backend = (typeof BACKENDS)[number];

/** One property as one test: fixed seed, bounded runs; fast-check prints the shrunk counterexample. */
function property<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => void, numRuns: number): void {
  test(`${name} (${numRuns} runs)`, () => {
    fc.assert(fc.property(arb, (input) => { check(input); }), { seed: SEED, numRuns });
  });
}

// ---- memory: guarded regions of one run, freed after it ---------------------------------------

const GUARD = 4;
const SENTINEL = -7777.25;

class Mem {
  readonly #blocks: number[] = [];
  readonly #guarded: [number, number][] = [];

  #alloc(n: number, misalign: number): number {
    const base = allocator().alloc((n + GUARD) * 4 + 16);
    this.#blocks.push(base);
    const at = base + misalign;
    heapF32().fill(SENTINEL, (at >>> 2) + n, (at >>> 2) + n + GUARD);
    this.#guarded.push([at, n]);
    return at;
  }

  /** A region holding `values`. */
  in(values: ArrayLike<number>, misalign = 0): number {
    const at = this.#alloc(values.length, misalign);
    heapF32().set(values, at >>> 2);
    return at;
  }

  /** n floats of NaN (every one must be written) followed by the guard. */
  out(n: number, misalign = 0): number {
    const at = this.#alloc(n, misalign);
    heapF32().fill(NaN, at >>> 2, (at >>> 2) + n);
    return at;
  }

  i32(values: ArrayLike<number>, misalign = 0): number {
    const at = this.#alloc(values.length, misalign);
    new Int32Array(heapF32().buffer, at, values.length).set(values);
    return at;
  }

  /** Bytes at a byte offset `shift` (0–3) past a 64-byte boundary. */
  u8(bytes: ArrayLike<number>, shift: number): number {
    const base = allocator().alloc(bytes.length + 64);
    this.#blocks.push(base);
    new Uint8Array(heapF32().buffer, base + shift, bytes.length).set(bytes);
    return base + shift;
  }

  read(at: number, n: number): Float32Array {
    return heapF32().slice(at >>> 2, (at >>> 2) + n);
  }

  readI32(at: number, n: number): Int32Array {
    return new Int32Array(heapF32().buffer, at, n).slice();
  }

  checkGuards(label: string): void {
    const h = heapF32();
    for (const [at, n] of this.#guarded) {
      for (let g = 0; g < GUARD; g++) {
        if (h[(at >>> 2) + n + g] !== SENTINEL) throw new Error(`${label}: wrote past the end of a ${n}-float region`);
      }
    }
  }

  free(): void {
    for (const b of this.#blocks.splice(0)) allocator().free(b);
  }
}

/** Runs `run` once per backend, each in fresh memory; returns what each run read back. */
function onBoth<T>(label: string, run: (k: Kernels, m: Mem, backend: Backend) => T): Record<Backend, T> {
  const result = {} as Record<Backend, T>;
  for (const backend of BACKENDS) {
    const m = new Mem();
    try {
      result[backend] = run(backendKernels(backend), m, backend);
      m.checkGuards(`${backend} ${label}`);
    } finally {
      m.free();
    }
  }
  return result;
}

// ---- comparisons ------------------------------------------------------------------------------

const sameValue = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Bit for bit (+0 and −0 count as equal; any NaN equals any NaN). */
function expectSame(label: string, wasm: ArrayLike<number>, js: ArrayLike<number>): void {
  if (wasm.length !== js.length) throw new Error(`${label}: length ${wasm.length} (wasm) != ${js.length} (js)`);
  for (let i = 0; i < wasm.length; i++) {
    if (!sameValue(wasm[i], js[i])) throw new Error(`${label}: element ${i}: wasm ${wasm[i]}, js ${js[i]} (expected identical)`);
  }
}

/** |wasm − js| ≤ tol(i) elementwise; NaN must meet NaN. */
function expectClose(label: string, wasm: ArrayLike<number>, js: ArrayLike<number>, tol: (i: number) => number): void {
  if (wasm.length !== js.length) throw new Error(`${label}: length ${wasm.length} (wasm) != ${js.length} (js)`);
  for (let i = 0; i < wasm.length; i++) {
    const a = wasm[i], b = js[i];
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      throw new Error(`${label}: element ${i}: wasm ${a}, js ${b} (NaN on one side only)`);
    }
    if (a === b) continue; // equal infinities too
    const t = tol(i);
    if (!(Math.abs(a - b) <= t)) {
      throw new Error(`${label}: element ${i}: wasm ${a}, js ${b}, |diff| ${Math.abs(a - b)} > tolerance ${t}`);
    }
  }
}

// ---- arbitraries --------------------------------------------------------------------------------

const int = (min: number, max: number) => fc.integer({ min, max });
const misalign = fc.constantFrom(0, 4, 8, 12);
const f32 = Math.fround;

/**
 * A number for a float32 input: mostly uniform in [−scale, scale] with six digits (readable),
 * sometimes 0, −0 or ±scale, sometimes any float32 in range (tiny and subnormal values included).
 * NOTE: finite and far from the float32 limit on purpose: near 3e38 a float32 intermediate
 * overflows where the JS twin's float64 one does not (3e38 + 3e38 − 3e38 is Infinity in float32
 * and 3e38 in float64; then inf − inf or 0·inf gives NaN on one side only), which is the design,
 * not a disagreement to report. NaN and ±Infinity go only to kernels that pass them through.
 */
function real(scale = 1): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 12, arbitrary: int(-1_000_000, 1_000_000).map((i) => (i / 1_000_000) * scale) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, scale, -scale) },
    { weight: 1, arbitrary: fc.float({ min: f32(-scale), max: f32(scale), noNaN: true }) },
  );
}

/** real(), plus the occasional NaN, ±Infinity and large magnitudes (for kernels that must pass them through). */
function realOrSpecial(scale = 1): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 20, arbitrary: real(scale) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 100, -100, 1e30, -1e30) },
  );
}

/** A non-negative number in [0, scale]: mostly uniform, sometimes 0 or tiny. */
function nonNegative(scale = 1): fc.Arbitrary<number> {
  return real(scale).map(Math.abs);
}

const floats = (n: number, arb: fc.Arbitrary<number>) => fc.array(arb, { minLength: n, maxLength: n });

/** Values from the project's seeded generator: uniform in [−1, 1], or on a 0.5 grid (many exact ties). */
function seeded(seed: number, n: number, ties = false): Float32Array {
  const rng = createRng(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = 2 * rng.uniform() - 1;
    v[i] = ties ? Math.round(u * 2) / 2 : u;
  }
  return v;
}

// ---- elementwise ----------------------------------------------------------------------------------

describe('elementwise', () => {
  const input = int(0, 70).chain((n) => fc.record({
    n: fc.constant(n),
    x: floats(n, realOrSpecial(4)),
    y: floats(n, realOrSpecial(4)),
    alpha: real(3),
    fillValue: realOrSpecial(4),
    shift: int(-4, 4), // f32_copy within one region: overlapping both ways, like memmove
    mx: misalign, my: misalign,
  }));

  property('fill, copy (also overlapping), scale, axpy and mul agree', input, ({ n, x, y, alpha, fillValue, shift, mx, my }) => {
    const a = f32(alpha);
    const r = onBoth('elementwise', (k, m) => {
      const xr = m.in(x, mx), yr = m.in(y, my), filled = m.out(n, my), copied = m.out(n, mx);
      k.f32_fill(filled, n, fillValue);
      k.f32_copy(xr, copied, n);
      const ov = m.in([...x, ...new Array(8).fill(0)], mx);
      k.f32_copy(ov + 16, ov + 16 + 4 * shift, n);
      const scaled = m.out(n, my), prod = m.out(n, mx);
      k.f32_scale(xr, scaled, n, a);
      k.f32_mul(xr, yr, prod, n);
      const out = { filled: m.read(filled, n), copied: m.read(copied, n), overlap: m.read(ov, n + 8), scaled: m.read(scaled, n), prod: m.read(prod, n) };
      k.f32_axpy(xr, yr, yr, n, a); // y += a·x
      k.f32_scale(xr, xr, n, a); // in place
      return { ...out, axpy: m.read(yr, n), scaledInPlace: m.read(xr, n) };
    });
    expectSame('fill', r.wasm.filled, r.js.filled);
    expectSame('copy', r.wasm.copied, r.js.copied);
    expectSame(`overlapping copy (shift ${shift})`, r.wasm.overlap, r.js.overlap);
    // one rounding of an exact product on both sides
    expectSame('scale', r.wasm.scaled, r.js.scaled);
    expectSame('scale in place', r.wasm.scaledInPlace, r.js.scaledInPlace);
    expectSame('mul', r.wasm.prod, r.js.prod);
    // wasm rounds a·x, then the sum (2 roundings); js rounds once: 3U·(|a·x| + |y|)
    const xs = Float32Array.from(x), ys = Float32Array.from(y);
    expectClose('axpy', r.wasm.axpy, r.js.axpy, (i) => 3 * U * (Math.abs(a * xs[i]) + Math.abs(ys[i])) + TINY);
  }, RUNS);
});

// ---- activations ----------------------------------------------------------------------------------

describe('activations', () => {
  type Act = 'relu' | 'sigmoid' | 'tanh' | 'leaky_relu' | 'elu';
  const fwd = (k: Kernels, act: Act, x: number, y: number, n: number, alpha: number) => {
    switch (act) {
      case 'relu': return k.f32_relu_fwd(x, y, n);
      case 'sigmoid': return k.f32_sigmoid_fwd(x, y, n);
      case 'tanh': return k.f32_tanh_fwd(x, y, n);
      case 'leaky_relu': return k.f32_leaky_relu_fwd(x, y, n, alpha);
      case 'elu': return k.f32_elu_fwd(x, y, n, alpha);
    }
  };
  const bwd = (k: Kernels, act: Act, y: number, dy: number, dx: number, n: number, alpha: number) => {
    switch (act) {
      case 'relu': return k.f32_relu_bwd(y, dy, dx, n);
      case 'sigmoid': return k.f32_sigmoid_bwd(y, dy, dx, n);
      case 'tanh': return k.f32_tanh_bwd(y, dy, dx, n);
      case 'leaky_relu': return k.f32_leaky_relu_bwd(y, dy, dx, n, alpha);
      case 'elu': return k.f32_elu_bwd(y, dy, dx, n, alpha);
    }
  };

  // NOTE: the wasm exp and tanh are Cephes float32 polynomials; over a sweep of 2^20 inputs in
  // [−100, 100] their largest relative error against float64 was 1.5e-7 (sigmoid 1.46e-7, tanh
  // 1.37e-7), plus one rounding on the JS side (0.6e-7): FWD_REL = 3e-7 leaves a 1.4x margin.
  // elu = alpha·(e^x − 1) loses relative precision near 0 to that subtraction, so it gets an
  // absolute alpha·2U as well (measured: 4.8e-8 at alpha = 1). Sigmoid below x = −88.38 returns
  // 1/(1 + 2.4e38) where the exact value is smaller (exp is clamped there, by design): an
  // absolute difference below 1e-38, inside TINY.
  const FWD_REL = 3e-7;
  const fwdTol: Record<Act, ((e: number, alpha: number) => number) | 'exact'> = {
    relu: 'exact', // a comparison
    leaky_relu: 'exact', // a comparison and one rounding of an exact product
    sigmoid: (e) => FWD_REL * Math.abs(e) + TINY,
    tanh: (e) => FWD_REL * Math.abs(e) + TINY,
    elu: (e, alpha) => FWD_REL * Math.abs(e) + 2 * U * alpha + TINY,
  };

  for (const act of ['relu', 'sigmoid', 'tanh', 'leaky_relu', 'elu'] as const) {
    const input = int(0, 70).chain((n) => fc.record({
      n: fc.constant(n),
      x: floats(n, realOrSpecial(20)),
      dy: floats(n, real(4)),
      alpha: nonNegative(3), // the layers require alpha >= 0 (backward reads the sign of y)
      inPlace: fc.boolean(),
      m1: misalign, m2: misalign, m3: misalign,
    }));

    property(`f32_${act}_fwd and f32_${act}_bwd agree`, input, ({ n, x, dy, alpha, inPlace, m1, m2, m3 }) => {
      const a = f32(alpha);
      // forward on both backends (in place: y aliases x)
      const f = onBoth(`${act} fwd`, (k, m) => {
        const xr = m.in(x, m1), yr = inPlace ? xr : m.out(n, m2);
        fwd(k, act, xr, yr, n, a);
        return m.read(yr, n);
      });
      const tol = fwdTol[act];
      if (tol === 'exact') expectSame(`${act} fwd`, f.wasm, f.js);
      else expectClose(`${act} fwd`, f.wasm, f.js, (i) => tol(f.js[i], a));
      // backward from the same y (the JS forward's), on both backends (in place: dx aliases dy)
      const y = f.js;
      const b = onBoth(`${act} bwd`, (k, m) => {
        const yr = m.in(y, m2), dyr = m.in(dy, m3), dxr = inPlace ? dyr : m.out(n, m1);
        bwd(k, act, yr, dyr, dxr, n, a);
        return m.read(dxr, n);
      });
      const g = Float32Array.from(dy);
      switch (act) {
        case 'relu': // a comparison (relu) and one rounding of an exact product (leaky)
        case 'leaky_relu':
          expectSame(`${act} bwd`, b.wasm, b.js);
          break;
        case 'sigmoid':
          // dy·(1 − y)·y: wasm rounds 1 − y (exact for y >= 0.5) and two products; js once: 4U
          expectClose(`${act} bwd`, b.wasm, b.js, (i) => 4 * U * Math.abs(b.js[i]) + TINY);
          break;
        case 'tanh':
          // dy·(1 − y²): y² is rounded (U·y²) before 1 − y² cancels near |y| = 1, so the bound is
          // absolute in y²: 3U·|dy|·(y² + |1 − y²|)
          expectClose(`${act} bwd`, b.wasm, b.js, (i) => 3 * U * Math.abs(g[i]) * (y[i] * y[i] + Math.abs(1 - y[i] * y[i])) + TINY);
          break;
        case 'elu':
          // dy·(y + alpha): one rounding of the sum and one of the product on wasm, one on js: 3U
          expectClose(`${act} bwd`, b.wasm, b.js, (i) => 3 * U * Math.abs(b.js[i]) + TINY);
          break;
      }
    }, RUNS);
  }
});

// ---- bias -------------------------------------------------------------------------------------------

describe('bias', () => {
  const rows = fc.record({ rows: int(1, 10), cols: int(1, 40) }).chain(({ rows, cols }) => fc.record({
    rows: fc.constant(rows), cols: fc.constant(cols),
    x: floats(rows * cols, real(4)), b: floats(cols, real(4)),
    inPlace: fc.boolean(), m1: misalign, m2: misalign, m3: misalign,
  }));

  property('f32_bias_add_rows and f32_sum_rows agree', rows, ({ rows, cols, x, b, inPlace, m1, m2, m3 }) => {
    const n = rows * cols;
    const r = onBoth('bias rows', (k, m) => {
      const xr = m.in(x, m1), br = m.in(b, m2), s = m.out(cols, m3);
      k.f32_sum_rows(xr, s, rows, cols);
      const yr = inPlace ? xr : m.out(n, m3);
      k.f32_bias_add_rows(xr, br, yr, rows, cols);
      return { y: m.read(yr, n), s: m.read(s, cols) };
    });
    expectSame('bias_add_rows (one rounding of a sum of two)', r.wasm.y, r.js.y);
    // a sum of `rows` terms, plus the JS rounding: (rows + 1)·U·Σ|x|
    const xs = Float32Array.from(x);
    const mag = (c: number) => { let s = 0; for (let i = 0; i < rows; i++) s += Math.abs(xs[i * cols + c]); return s; };
    expectClose('sum_rows', r.wasm.s, r.js.s, (c) => (rows + 1) * U * mag(c) + TINY);
  }, RUNS);

  const channels = fc.record({ N: int(1, 3), C: int(1, 6), HW: int(1, 30) }).chain(({ N, C, HW }) => fc.record({
    N: fc.constant(N), C: fc.constant(C), HW: fc.constant(HW),
    x: floats(N * C * HW, real(4)), b: floats(C, real(4)),
    inPlace: fc.boolean(), m1: misalign, m2: misalign, m3: misalign,
  }));

  property('f32_bias_add_channels and f32_sum_channels agree', channels, ({ N, C, HW, x, b, inPlace, m1, m2, m3 }) => {
    const n = N * C * HW;
    const r = onBoth('bias channels', (k, m) => {
      const xr = m.in(x, m1), br = m.in(b, m2), s = m.out(C, m3);
      k.f32_sum_channels(xr, s, N, C, HW);
      const yr = inPlace ? xr : m.out(n, m3);
      k.f32_bias_add_channels(xr, br, yr, N, C, HW);
      return { y: m.read(yr, n), s: m.read(s, C) };
    });
    expectSame('bias_add_channels', r.wasm.y, r.js.y);
    // a sum of N·HW terms (wasm: four lanes and a tail, then combined): (N·HW + 1)·U·Σ|x|
    const xs = Float32Array.from(x);
    const mag = (c: number) => {
      let s = 0;
      for (let i = 0; i < N; i++) for (let j = 0; j < HW; j++) s += Math.abs(xs[(i * C + c) * HW + j]);
      return s;
    };
    expectClose('sum_channels', r.wasm.s, r.js.s, (c) => (N * HW + 1) * U * mag(c) + TINY);
  }, RUNS);
});

// ---- softmax, cross-entropy, argmax ------------------------------------------------------------------

describe('softmax and cross-entropy', () => {
  const input = fc.record({ rows: int(1, 8), cols: int(1, 40) }).chain(({ rows, cols }) => fc.record({
    rows: fc.constant(rows), cols: fc.constant(cols),
    x: floats(rows * cols, real(40)),
    labels: fc.array(int(0, cols - 1), { minLength: rows, maxLength: rows }),
    target: floats(rows * cols, nonNegative(1)), // any target distribution for the one-hot backward
    scale: real(2),
    inPlace: fc.boolean(), m1: misalign, m2: misalign,
  }));

  property('f32_softmax_fwd, f32_xent_{labels,onehot}_fwd and f32_softmax_xent_{labels,onehot}_bwd agree', input,
    ({ rows, cols, x, labels, target, scale, inPlace, m1, m2 }) => {
      const n = rows * cols;
      const s = f32(scale);
      const sm = onBoth('softmax', (k, m) => {
        const xr = m.in(x, m1), yr = inPlace ? xr : m.out(n, m2);
        k.f32_softmax_fwd(xr, yr, rows, cols);
        return m.read(yr, n);
      });
      // NOTE: y_i = e^(x_i − max) / Σ e^(x_k − max). wasm: x_i − max is rounded in float32, an
      // absolute error U·|x_i − max| in the exponent, i.e. a relative one in e^…; the polynomial
      // exp adds 1.5e-7 (see activations); the sum of `cols` positive terms (cols − 1)·U; the
      // reciprocal and product 2U; js one rounding. Relative bound per element:
      // E_i + max_k E_k + (cols + 2)·U with E_k = 1.5e-7 + U·|x_k − max|. Absolute floor 2^-125: the
      // wasm exp returns 0 below e^-87.3 (≈ 1.2e-38), where the exact value is smaller still.
      const xs = Float32Array.from(x);
      const E = new Float64Array(n);
      const rowMaxE = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let mx = -Infinity;
        for (let c = 0; c < cols; c++) mx = Math.max(mx, xs[r * cols + c]);
        for (let c = 0; c < cols; c++) {
          E[r * cols + c] = 1.5e-7 + U * Math.abs(xs[r * cols + c] - mx);
          rowMaxE[r] = Math.max(rowMaxE[r], E[r * cols + c]);
        }
      }
      expectClose('softmax', sm.wasm, sm.js, (i) => {
        const r = Math.floor(i / cols);
        return Math.abs(sm.js[i]) * (E[i] + rowMaxE[r] + (cols + 2) * U) + 2 ** -125;
      });

      // the losses and gradients from the same y (the JS softmax's) and labels
      const y = sm.js;
      const onehot = new Float32Array(n);
      labels.forEach((l, r) => (onehot[r * cols + l] = 1));
      const r = onBoth('cross-entropy', (k, m) => {
        const yr = m.in(y, m1), tr = m.in(labels, m2), t1 = m.in(onehot, m1), tt = m.in(target, m2);
        const lossLabels = k.f32_xent_labels_fwd(yr, tr, rows, cols);
        const lossOnehot = k.f32_xent_onehot_fwd(yr, t1, rows, cols);
        const dxl = m.out(n, m1), dx1 = m.out(n, m2), dxt = m.out(n, m1);
        k.f32_softmax_xent_labels_bwd(yr, tr, dxl, rows, cols, s);
        k.f32_softmax_xent_onehot_bwd(yr, t1, dx1, rows, cols, s);
        k.f32_softmax_xent_onehot_bwd(yr, tt, dxt, rows, cols, s);
        return { loss: [lossLabels, lossOnehot], dxl: m.read(dxl, n), dx1: m.read(dx1, n), dxt: m.read(dxt, n) };
      });
      // Both sum −log(y + 1e-7) in float64 (each log within an ulp or so of float64): 1e-14 of Σ|terms|.
      let logMag = 0;
      labels.forEach((l, row) => (logMag += Math.abs(Math.log(y[row * cols + l] + 1e-7))));
      expectClose('xent_labels_fwd, xent_onehot_fwd', r.wasm.loss, r.js.loss, () => 1e-14 * logMag + 1e-300);
      // (y − onehot)·s: off the label both round the exact product y·s once (identical); at the label
      // wasm rounds y·s, then y·s − s, js once: 3U·(|y| + 1)·|s|
      const tol = (i: number) => (onehot[i] ? 3 * U * (Math.abs(y[i]) + 1) * Math.abs(s) + TINY : 0);
      expectClose('softmax_xent_labels_bwd', r.wasm.dxl, r.js.dxl, tol);
      expectClose('softmax_xent_onehot_bwd (one-hot t)', r.wasm.dx1, r.js.dx1, tol);
      // any t: wasm rounds y − t, then the product; js once: 3U·|(y − t)·s|
      const ts = Float32Array.from(target);
      expectClose('softmax_xent_onehot_bwd (any t)', r.wasm.dxt, r.js.dxt, (i) => 3 * U * Math.abs((y[i] - ts[i]) * s) + TINY);
    }, RUNS);

  const argmax = fc.record({ rows: int(1, 8), cols: int(1, 20) }).chain(({ rows, cols }) => fc.record({
    rows: fc.constant(rows), cols: fc.constant(cols),
    // few distinct values: many ties (the first maximum wins), and NaN / ±Infinity now and then
    x: floats(rows * cols, fc.oneof({ weight: 10, arbitrary: int(-3, 3) }, { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0) })),
    m1: misalign, m2: misalign,
  }));

  property('f32_argmax_rows agrees (ties, NaN, infinities)', argmax, ({ rows, cols, x, m1, m2 }) => {
    const r = onBoth('argmax', (k, m) => {
      const xr = m.in(x, m1), out = m.out(rows, m2);
      k.f32_argmax_rows(xr, out, rows, cols);
      return m.read(out, rows);
    });
    expectSame('argmax_rows', r.wasm, r.js);
  }, RUNS);
});

// ---- GEMM -------------------------------------------------------------------------------------------

describe('gemm', () => {
  const scalar = fc.oneof(fc.constantFrom(0, 1, -1, 0.5), real(2));
  const input = fc.record({
    transA: fc.boolean(), transB: fc.boolean(),
    M: int(1, 40), N: int(1, 40), K: int(1, 40),
    padA: int(0, 5), padB: int(0, 5), padC: int(0, 5), // leading dimension = row length + pad
    alpha: scalar, beta: scalar,
    ma: misalign, mb: misalign, mc: misalign,
    seed: fc.integer(),
  });

  property('f32_gemm agrees for all four transposes, any M, N, K in 1..40, padded leading dimensions, alpha and beta', input,
    ({ transA, transB, M, N, K, padA, padB, padC, alpha, beta, ma, mb, mc, seed }) => {
      const [aRows, aCols] = transA ? [K, M] : [M, K];
      const [bRows, bCols] = transB ? [N, K] : [K, N];
      const lda = aCols + padA, ldb = bCols + padB, ldc = N + padC;
      const av = seeded(seed, aRows * lda), bv = seeded(seed + 1, bRows * ldb);
      // beta = 0 must not read C: fill it with NaN then
      const cv = beta === 0 ? new Float32Array(M * ldc).fill(NaN) : seeded(seed + 2, M * ldc);
      const al = f32(alpha), be = f32(beta);
      const r = onBoth('gemm', (k, m) => {
        const a = m.in(av, ma), b = m.in(bv, mb), c = m.in(cv, mc);
        const work = workspace(k.f32_gemm_workspace_bytes(M, N, K));
        k.f32_gemm(+transA, +transB, M, N, K, al, a, lda, b, ldb, be, c, ldc, work);
        return m.read(c, M * ldc);
      });
      // the padding columns of C are never written
      for (let i = 0; i < M; i++) {
        for (let j = N; j < ldc; j++) {
          for (const backend of BACKENDS) {
            if (!sameValue(r[backend][i * ldc + j], cv[i * ldc + j])) throw new Error(`${backend} gemm wrote the padding C[${i}, ${j}]`);
          }
        }
      }
      // NOTE: wasm accumulates the K products in float32 (its own blocking order), then
      // alpha·sum + beta·c: K products, K − 1 additions and 3 more operations, each within
      // U·Σ|terms|; js accumulates in float64 and rounds once: (K + 4)·U·(|alpha|·Σ|a·b| + |beta·c|)
      const A = (i: number, p: number) => (transA ? av[p * lda + i] : av[i * lda + p]);
      const B = (p: number, j: number) => (transB ? bv[j * ldb + p] : bv[p * ldb + j]);
      expectClose(`gemm C (ldc ${ldc})`, r.wasm, r.js, (idx) => {
        const i = Math.floor(idx / ldc), j = idx % ldc;
        let mag = 0;
        for (let p = 0; p < K; p++) mag += Math.abs(A(i, p) * B(p, j));
        return (K + 4) * U * (Math.abs(al) * mag + (be === 0 ? 0 : Math.abs(be * cv[idx]))) + TINY;
      });
    }, RUNS);
});

// ---- im2col / col2im, pooling -------------------------------------------------------------------------

/** NCHW shapes with a window (filter or pool) the stride fits, as the layers require. */
const geom: fc.Arbitrary<Geom> = fc.record({
  N: int(1, 3), C: int(1, 4), H: int(1, 12), W: int(1, 12),
  FH: int(1, 5), FW: int(1, 5), stride: int(1, 3), pad: int(0, 2),
}).filter(fits);

describe('im2col', () => {
  const input = fc.record({ g: geom, seed: fc.integer(), m1: misalign, m2: misalign });

  // pure data movement; col2im adds the same float32 values in the same order on both backends
  property('f32_im2col and f32_col2im give the same bits', input, ({ g, seed, m1, m2 }) => {
    const { OH, OW } = dims(g);
    const nx = g.N * g.C * g.H * g.W, ncol = g.N * OH * OW * g.C * g.FH * g.FW;
    const xv = seeded(seed, nx), colv = seeded(seed + 1, ncol);
    const r = onBoth('im2col', (k, m) => {
      const x = m.in(xv, m1), col = m.out(ncol, m2);
      k.f32_im2col(x, col, ...args(g));
      const c = m.in(colv, m2), back = m.out(nx, m1);
      k.f32_col2im(c, back, ...args(g));
      return { col: m.read(col, ncol), back: m.read(back, nx) };
    });
    expectSame('im2col', r.wasm.col, r.js.col);
    expectSame('col2im', r.wasm.back, r.js.back);
  }, RUNS);

  property('f32_im2col_t and f32_col2im_t give the same bits', input, ({ g, seed, m1, m2 }) => {
    const { OH, OW } = dims(g);
    const nx = g.N * g.C * g.H * g.W, ncol = g.N * OH * OW * g.C * g.FH * g.FW;
    const xv = seeded(seed, nx), colv = seeded(seed + 1, ncol);
    const r = onBoth('im2col_t', (k, m) => {
      const x = m.in(xv, m1), col = m.out(ncol, m2);
      k.f32_im2col_t(x, col, ...args(g));
      const c = m.in(colv, m2), back = m.out(nx, m1);
      k.f32_col2im_t(c, back, ...args(g));
      return { col: m.read(col, ncol), back: m.read(back, nx) };
    });
    expectSame('im2col_t', r.wasm.col, r.js.col);
    expectSame('col2im_t', r.wasm.back, r.js.back);
  }, RUNS);
});

describe('pooling', () => {
  const input = fc.record({
    g: geom, seed: fc.integer(),
    values: fc.constantFrom('continuous', 'ties', 'nan'),
    m1: misalign, m2: misalign,
  });

  property('f32_maxpool_fwd (values and argmax) and f32_maxpool_bwd give the same bits', input, ({ g, seed, values, m1, m2 }) => {
    const { OH, OW } = dims(g);
    const nx = g.N * g.C * g.H * g.W, ny = g.N * g.C * OH * OW;
    const xv = seeded(seed, nx, values === 'ties');
    if (values === 'nan') for (let i = seed & 7; i < nx; i += 9) xv[i] = NaN;
    const dyv = seeded(seed + 1, ny);
    const r = onBoth('maxpool', (k, m) => {
      const x = m.in(xv, m1), y = m.out(ny, m2), arg = m.out(ny, m1);
      k.f32_maxpool_fwd(x, y, arg, ...args(g));
      const argmax = m.readI32(arg, ny);
      const dy = m.in(dyv, m2), dx = m.out(nx, m1);
      k.f32_maxpool_bwd(dy, arg, dx, ...args(g));
      return { y: m.read(y, ny), argmax, dx: m.read(dx, nx) };
    });
    expectSame('maxpool_fwd y', r.wasm.y, r.js.y);
    expectSame('maxpool_fwd argmax', r.wasm.argmax, r.js.argmax);
    expectSame('maxpool_bwd', r.wasm.dx, r.js.dx);
  }, RUNS);

  property('f32_avgpool_fwd and f32_avgpool_bwd agree', input, ({ g, seed, values, m1, m2 }) => {
    const { OH, OW } = dims(g);
    const nx = g.N * g.C * g.H * g.W, ny = g.N * g.C * OH * OW;
    const xv = seeded(seed, nx, values === 'ties'), dyv = seeded(seed + 1, ny);
    const r = onBoth('avgpool', (k, m) => {
      const x = m.in(xv, m1), y = m.out(ny, m2);
      k.f32_avgpool_fwd(x, y, ...args(g));
      const dy = m.in(dyv, m2), dx = m.out(nx, m1);
      k.f32_avgpool_bwd(dy, dx, ...args(g));
      return { y: m.read(y, ny), dx: m.read(dx, nx) };
    });
    // backward: g = dy / area rounded once on both sides, then the same float32 additions in the
    // same order (see src/backend/js/pool.ts)
    expectSame('avgpool_bwd', r.wasm.dx, r.js.dx);
    // forward: wasm sums the window in float32 and divides, js sums in float64 and rounds once:
    // (area + 1)·U·Σ|window| / area (padding contributes nothing)
    const area = g.FH * g.FW;
    const windowMag = (o: number) => {
      const ox = o % OW, oy = Math.floor(o / OW) % OH, plane = Math.floor(o / (OH * OW));
      let s = 0;
      for (let ky = 0; ky < g.FH; ky++) {
        for (let kx = 0; kx < g.FW; kx++) {
          const iy = oy * g.stride - g.pad + ky, ix = ox * g.stride - g.pad + kx;
          if (iy >= 0 && iy < g.H && ix >= 0 && ix < g.W) s += Math.abs(xv[(plane * g.H + iy) * g.W + ix]);
        }
      }
      return s / area;
    };
    expectClose('avgpool_fwd', r.wasm.y, r.js.y, (o) => (area + 1) * U * windowMag(o) + TINY);
  }, RUNS);
});

// ---- batch normalization --------------------------------------------------------------------------------

describe('batch normalization', () => {
  const shape = fc.record({ rows: int(1, 12), cols: int(1, 20) });

  const stats = shape.chain(({ rows, cols }) => fc.record({
    rows: fc.constant(rows), cols: fc.constant(cols),
    x: floats(rows * cols, real(3)),
    offset: fc.constantFrom(0, 0, 1, -10, 100), // a mean far from 0: the variance then needs its two passes
    m1: misalign, m2: misalign,
  }));

  property('f32_col_mean_var agrees', stats, ({ rows, cols, x, offset, m1, m2 }) => {
    const xs = Float32Array.from(x, (v) => v + offset);
    const r = onBoth('col_mean_var', (k, m) => {
      const xr = m.in(xs, m1), mean = m.out(cols, m2), variance = m.out(cols, m1);
      k.f32_col_mean_var(xr, mean, variance, rows, cols);
      return { mean: m.read(mean, cols), variance: m.read(variance, cols) };
    });
    // mean: a sum of `rows` terms, a rounded 1/rows and a product; js one rounding:
    // δμ = (rows + 3)·U·Σ|x| / rows. variance: Σ(x − μ')² / rows about wasm's own mean μ' equals
    // the true one plus (μ − μ')² (Σ(x − μ) = 0), each of the rows terms is rounded twice, the sum
    // rows − 1 times, then the product: (rows + 6)·U·var + δμ².
    const col = (c: number) => Array.from({ length: rows }, (_, i) => xs[i * cols + c]);
    const meanTol = (c: number) => (rows + 3) * U * col(c).reduce((s, v) => s + Math.abs(v), 0) / rows + TINY;
    expectClose('mean', r.wasm.mean, r.js.mean, meanTol);
    expectClose('variance', r.wasm.variance, r.js.variance, (c) => (rows + 6) * U * Math.abs(r.js.variance[c]) + meanTol(c) ** 2 + TINY);
  }, RUNS);

  const forward = shape.chain(({ rows, cols }) => fc.record({
    rows: fc.constant(rows), cols: fc.constant(cols),
    x: floats(rows * cols, real(3)),
    mean: floats(cols, real(3)), variance: floats(cols, nonNegative(4)),
    gamma: floats(cols, real(2)), beta: floats(cols, real(2)),
    eps: fc.constantFrom(1e-6, 1e-7, 1e-3),
    storeXn: fc.boolean(), // false: test mode, xn = 0 is not written
    m1: misalign, m2: misalign,
  }));

  property('f32_batchnorm_fwd agrees (training and test mode)', forward, ({ rows, cols, x, mean, variance, gamma, beta, eps, storeXn, m1, m2 }) => {
    const n = rows * cols;
    const r = onBoth('batchnorm_fwd', (k, m) => {
      const xr = m.in(x, m1), mr = m.in(mean, m2), vr = m.in(variance, m1), gr = m.in(gamma, m2), br = m.in(beta, m1);
      const xn = storeXn ? m.out(n, m2) : 0, y = m.out(n, m1);
      k.f32_batchnorm_fwd(xr, mr, vr, gr, br, xn, y, rows, cols, eps);
      return { xn: storeXn ? m.read(xn, n) : new Float32Array(0), y: m.read(y, n) };
    });
    // xn = (x − μ)·(1/√(var + eps)): wasm rounds the difference, the sum (half of it through the
    // root), the root, the reciprocal and the product, 4.5U; js once: 6U·|xn|.
    // y = gamma·xn + beta: those errors times |gamma| plus two more roundings: 8U·(|gamma·xn| + |beta|)
    const gs = Float32Array.from(gamma), bs = Float32Array.from(beta);
    expectClose('xn', r.wasm.xn, r.js.xn, (i) => 6 * U * Math.abs(r.js.xn[i]) + TINY);
    const xs = Float32Array.from(x), ms = Float32Array.from(mean), vs = Float32Array.from(variance);
    expectClose('y', r.wasm.y, r.js.y, (i) => {
      const c = i % cols;
      const xn = (xs[i] - ms[c]) / Math.sqrt(vs[c] + f32(eps));
      return 8 * U * (Math.abs(gs[c] * xn) + Math.abs(bs[c])) + TINY;
    });
  }, RUNS);

  const backward = shape.chain(({ rows, cols }) => fc.record({
    rows: fc.constant(rows), cols: fc.constant(cols),
    x: floats(rows * cols, real(3)), dy: floats(rows * cols, real(2)),
    gamma: floats(cols, real(2)),
    m1: misalign, m2: misalign,
  }));

  property('f32_batchnorm_bwd agrees', backward, ({ rows, cols, x, dy, gamma, m1, m2 }) => {
    const n = rows * cols, eps = 1e-6;
    // xn and the variance of a real forward pass (the JS kernels'), the same for both backends
    const js = backendKernels('js');
    const prep = new Mem();
    const { xn, variance } = (() => {
      try {
        const xr = prep.in(x), mean = prep.out(cols), vr = prep.out(cols), xnr = prep.out(n), y = prep.out(n);
        const ones = prep.in(new Array(cols).fill(1)), zeros = prep.in(new Array(cols).fill(0));
        js.f32_col_mean_var(xr, mean, vr, rows, cols);
        js.f32_batchnorm_fwd(xr, mean, vr, ones, zeros, xnr, y, rows, cols, eps);
        return { xn: prep.read(xnr, n), variance: prep.read(vr, cols) };
      } finally {
        prep.free();
      }
    })();
    const r = onBoth('batchnorm_bwd', (k, m) => {
      const dyr = m.in(dy, m1), xnr = m.in(xn, m2), vr = m.in(variance, m1), gr = m.in(gamma, m2);
      const dx = m.out(n, m1), dgamma = m.out(cols, m2), dbeta = m.out(cols, m1);
      k.f32_batchnorm_bwd(dyr, xnr, vr, gr, dx, dgamma, dbeta, rows, cols, eps);
      return { dx: m.read(dx, n), dgamma: m.read(dgamma, cols), dbeta: m.read(dbeta, cols) };
    });
    const g = Float32Array.from(dy), gs = Float32Array.from(gamma);
    const S1 = new Float64Array(cols), S2 = new Float64Array(cols);
    for (let i = 0; i < n; i++) {
      S1[i % cols] += Math.abs(g[i]);
      S2[i % cols] += Math.abs(g[i] * xn[i]);
    }
    // sums of `rows` terms (dgamma's terms are rounded products): (rows + 1)U, (rows + 2)U
    expectClose('dbeta', r.wasm.dbeta, r.js.dbeta, (c) => (rows + 1) * U * S1[c] + TINY);
    expectClose('dgamma', r.wasm.dgamma, r.js.dgamma, (c) => (rows + 2) * U * S2[c] + TINY);
    // dx = gamma/√(var + eps)·(dy − dbeta/N − xn·dgamma/N): the sums' errors above, divided by N,
    // plus a few roundings of each term and of the scale: (rows + 8)·U·|scale|·(|dy| + S1/N + |xn|·S2/N)
    expectClose('dx', r.wasm.dx, r.js.dx, (i) => {
      const c = i % cols;
      const scale = Math.abs(gs[c]) / Math.sqrt(variance[c] + f32(eps));
      return (rows + 8) * U * scale * (Math.abs(g[i]) + S1[c] / rows + Math.abs(xn[i]) * S2[c] / rows) + TINY;
    });
  }, RUNS);

  const ema = int(0, 70).chain((n) => fc.record({
    n: fc.constant(n), batch: floats(n, real(4)), running: floats(n, real(4)),
    momentum: fc.oneof(fc.constantFrom(0, 0.9, 0.99, 1), fc.float({ min: 0, max: 1, noNaN: true })),
    m1: misalign, m2: misalign,
  }));

  property('f32_ema agrees', ema, ({ n, batch, running, momentum, m1, m2 }) => {
    const mo = f32(momentum);
    const r = onBoth('ema', (k, m) => {
      const b = m.in(batch, m1), run = m.in(running, m2);
      k.f32_ema(b, run, n, mo);
      return m.read(run, n);
    });
    // m·r + (1 − m)·b: 1 − m, two products and a sum rounded on wasm, once on js: 4U·(|m·r| + |(1 − m)·b|)
    const bs = Float32Array.from(batch), rs = Float32Array.from(running);
    expectClose('ema', r.wasm, r.js, (i) => 4 * U * (Math.abs(mo * rs[i]) + Math.abs((1 - mo) * bs[i])) + TINY);
  }, RUNS);
});

// ---- optimizers -----------------------------------------------------------------------------------------

describe('optimizer steps', () => {
  // hyper-parameters in the ranges the optimizers use, as float32 values (the JS twin reads them as
  // given, the wasm kernel as float32: the same numbers only if they are float32 already)
  const rate = fc.oneof(fc.constantFrom(0.001, 0.01, 0.1, 1), fc.float({ min: f32(1e-5), max: 1, noNaN: true })).map(f32);
  const unit = (lo: number, hi: number) => fc.oneof(fc.constantFrom(lo, hi), fc.float({ min: f32(lo), max: f32(hi), noNaN: true })).map(f32);
  const vec = (n: number) => floats(n, real(2));
  const nonNeg = (n: number) => floats(n, nonNegative(2));
  const sized = <T>(f: (n: number) => fc.Arbitrary<T>) => int(0, 40).chain((n) => f(n).map((v) => ({ n, ...v })));

  interface Step { p: Float32Array; state: Float32Array[] }
  /** Runs one step on both backends; returns params and state vectors after it. */
  function step(label: string, p: number[], g: number[], state: number[][], mis: number, call: (k: Kernels, p: number, g: number, s: number[], n: number) => void) {
    const n = p.length;
    return onBoth(label, (k, m): Step => {
      const pr = m.in(p, mis), gr = m.in(g, (mis + 4) % 16), sr = state.map((s, j) => m.in(s, (mis + 8 + 4 * j) % 16));
      call(k, pr, gr, sr, n);
      return { p: m.read(pr, n), state: sr.map((s) => m.read(s, n)) };
    });
  }

  property('f32_momentum_step agrees', sized((n) => fc.record({ p: vec(n), g: vec(n), v: vec(n), lr: rate, momentum: unit(0, 0.99), mis: misalign })),
    ({ p, g, v, lr, momentum, mis }) => {
      const r = step('momentum', p, g, [v], mis, (k, pr, gr, [vr], n) => k.f32_momentum_step(pr, pr, gr, vr, n, lr, momentum));
      // v' = m·v − lr·g: two products and a difference on wasm, one rounding on js: 3U·A with
      // A = |m·v| + |lr·g|; p' = p + v' (js adds its own stored v'): that plus 2U·|p'|: 6U·(A + |p|)
      const A = (i: number) => Math.abs(momentum * f32(v[i])) + Math.abs(lr * f32(g[i]));
      expectClose('v', r.wasm.state[0], r.js.state[0], (i) => 3 * U * A(i) + TINY);
      expectClose('p', r.wasm.p, r.js.p, (i) => 6 * U * (A(i) + Math.abs(f32(p[i]))) + TINY);
    }, RUNS);

  property('f32_nesterov_step agrees', sized((n) => fc.record({ p: vec(n), g: vec(n), v: vec(n), lr: rate, momentum: unit(0, 0.99), mis: misalign })),
    ({ p, g, v, lr, momentum, mis }) => {
      const r = step('nesterov', p, g, [v], mis, (k, pr, gr, [vr], n) => k.f32_nesterov_step(pr, pr, gr, vr, n, lr, momentum));
      // p' = p + m²·v − (1 + m)·lr·g: wasm rounds m², (1 + m)·lr (two), both products and both sums:
      // at most 4U on each term plus 1U on the result; js once: 7U·(|p| + |m²·v| + |(1 + m)·lr·g|)
      const A = (i: number) => Math.abs(momentum * f32(v[i])) + Math.abs(lr * f32(g[i]));
      expectClose('v', r.wasm.state[0], r.js.state[0], (i) => 3 * U * A(i) + TINY);
      expectClose('p', r.wasm.p, r.js.p, (i) =>
        7 * U * (Math.abs(f32(p[i])) + Math.abs(momentum * momentum * f32(v[i])) + Math.abs((1 + momentum) * lr * f32(g[i]))) + TINY);
    }, RUNS);

  // step = lr·g / (√h + 1e-7) relative error on wasm: h (≤ kU, k = 2 or 4), half of it through the
  // root, the root, + 1e-7, the product and the quotient; js reads its stored h back and rounds once.
  property('f32_adagrad_step agrees', sized((n) => fc.record({ p: vec(n), g: vec(n), h: nonNeg(n), lr: rate, mis: misalign })),
    ({ p, g, h, lr, mis }) => {
      const r = step('adagrad', p, g, [h], mis, (k, pr, gr, [hr], n) => k.f32_adagrad_step(pr, pr, gr, hr, n, lr));
      // h' = h + g² (positive terms): 2U on wasm, U on js: 3U·h'
      const hNew = (i: number) => f32(h[i]) + f32(g[i]) ** 2;
      expectClose('h', r.wasm.state[0], r.js.state[0], (i) => 3 * U * hNew(i) + TINY);
      // step: 1.5 + 1 + 1 + 1 + 1 + 1.5 (h) = 7U; p' = p − step: 2U·|p'|: 9U·(|p| + |step|)
      const stepOf = (i: number) => Math.abs(lr * f32(g[i])) / (Math.sqrt(r.js.state[0][i]) + 1e-7);
      expectClose('p', r.wasm.p, r.js.p, (i) => 9 * U * (Math.abs(f32(p[i])) + stepOf(i)) + TINY);
    }, RUNS);

  property('f32_rmsprop_step agrees', sized((n) => fc.record({ p: vec(n), g: vec(n), h: nonNeg(n), lr: rate, decay: unit(0.5, 0.999), mis: misalign })),
    ({ p, g, h, lr, decay, mis }) => {
      const r = step('rmsprop', p, g, [h], mis, (k, pr, gr, [hr], n) => k.f32_rmsprop_step(pr, pr, gr, hr, n, lr, decay));
      // h' = d·h + (1 − d)·g² (positive terms): d·h, 1 − d (exact for d >= 0.5), g², the product and
      // the sum on wasm, once on js: 5U·h'
      const hNew = (i: number) => decay * f32(h[i]) + (1 - decay) * f32(g[i]) ** 2;
      expectClose('h', r.wasm.state[0], r.js.state[0], (i) => 5 * U * hNew(i) + TINY);
      // step: 2.5 (h through the root) + 1 + 1 + 1 + 1 = 6.5U; p' = p − step: 9U·(|p| + |step|)
      const stepOf = (i: number) => Math.abs(lr * f32(g[i])) / (Math.sqrt(r.js.state[0][i]) + 1e-7);
      expectClose('p', r.wasm.p, r.js.p, (i) => 9 * U * (Math.abs(f32(p[i])) + stepOf(i)) + TINY);
    }, RUNS);

  property('f32_adam_step agrees', sized((n) => fc.record({
    p: vec(n), g: vec(n), m: vec(n), v: nonNeg(n), lrT: rate, beta1: unit(0.5, 0.99), beta2: unit(0.5, 0.9999), mis: misalign,
  })), ({ p, g, m, v, lrT, beta1, beta2, mis }) => {
    const r = step('adam', p, g, [m, v], mis, (k, pr, gr, [mr, vr], n) => k.f32_adam_step(pr, pr, gr, mr, vr, n, lrT, beta1, beta2));
    // m' = m + (1 − β1)·(g − m): g − m, 1 − β1, the product and the sum: 4U·(|m| + |(1 − β1)(g − m)|)
    const mTol = (i: number) => 4 * U * (Math.abs(f32(m[i])) + Math.abs((1 - beta1) * (f32(g[i]) - f32(m[i])))) + TINY;
    // v' = v + (1 − β2)·(g² − v): one more rounding (g²): 5U·(|v| + (1 − β2)·(g² + v))
    const vTol = (i: number) => 5 * U * (f32(v[i]) + (1 - beta2) * (f32(g[i]) ** 2 + f32(v[i]))) + TINY;
    expectClose('m', r.wasm.state[0], r.js.state[0], mTol);
    expectClose('v', r.wasm.state[1], r.js.state[1], vTol);
    // p' = p − lrT·m' / (√v' + 1e-7) (js reads back its stored m', v'): the m' difference passes
    // through as lrT·δm / (√v' + 1e-7); v' (relative ≤ δv/v', halved by the root), the root,
    // + 1e-7, the product and the quotient scale the step; then 2U·|p'|.
    const mNew = r.js.state[0], vNew = r.js.state[1];
    expectClose('p', r.wasm.p, r.js.p, (i) => {
      const denom = Math.sqrt(vNew[i]) + 1e-7;
      const stepSize = Math.abs(lrT * mNew[i]) / denom;
      const vRel = vNew[i] > 0 ? vTol(i) / vNew[i] : 0;
      return 2 * U * (Math.abs(f32(p[i])) + stepSize) + Math.abs(lrT) * mTol(i) / denom + stepSize * (vRel + 5 * U) + TINY;
    });
  }, RUNS);
});

// ---- dropout, gather, from_u8, transpose, sum of squares -------------------------------------------------

describe('data movement and reductions', () => {
  const dropout = int(0, 200).chain((n) => fc.record({
    n: fc.constant(n), x: floats(n, realOrSpecial(2)),
    ratio: fc.oneof(fc.constantFrom(0, 0.5, 1), fc.float({ min: 0, max: 1, noNaN: true })),
    key: fc.integer(), inPlace: fc.boolean(), m1: misalign, m2: misalign,
  }));

  property('f32_dropout_fwd draws bit-identical masks', dropout, ({ n, x, ratio, key, inPlace, m1, m2 }) => {
    const r = onBoth('dropout', (k, m) => {
      const xr = m.in(x, m1), mask = m.out(n, m2), y = inPlace ? xr : m.out(n, m2);
      k.f32_dropout_fwd(xr, mask, y, n, ratio, key);
      return { mask: m.read(mask, n), y: m.read(y, n) };
    });
    expectSame(`dropout mask (key ${key})`, r.wasm.mask, r.js.mask);
    expectSame('dropout y = x·mask', r.wasm.y, r.js.y);
    for (const v of r.wasm.mask) if (v !== 0 && v !== 1) throw new Error(`dropout mask holds ${v}`);
  }, RUNS);

  const gather = fc.record({ rows: int(1, 10), cols: int(1, 40), n: int(0, 20) }).chain(({ rows, cols, n }) => fc.record({
    rows: fc.constant(rows), cols: fc.constant(cols),
    src: floats(rows * cols, realOrSpecial(2)),
    indices: fc.array(int(0, rows - 1), { minLength: n, maxLength: n }),
    m1: misalign, m2: misalign, m3: misalign,
  }));

  property('f32_gather_rows gives the same bits', gather, ({ rows, cols, src, indices, m1, m2, m3 }) => {
    const n = indices.length;
    const r = onBoth('gather', (k, m) => {
      const s = m.in(src, m1), idx = m.i32(indices, m2), d = m.out(n * cols, m3);
      k.f32_gather_rows(s, idx, d, n, cols);
      return m.read(d, n * cols);
    });
    expectSame(`gather_rows (${rows} rows)`, r.wasm, r.js);
  }, RUNS);

  const fromU8 = int(0, 100).chain((n) => fc.record({
    bytes: fc.array(int(0, 255), { minLength: n, maxLength: n }),
    divisor: fc.oneof(fc.constant(255), fc.float({ min: f32(0.5), max: 1000, noNaN: true })),
    shift: int(0, 3), m: misalign,
  }));

  // NOTE: a float32 quotient of two float32 values, computed in float64 and rounded, is the
  // correctly rounded float32 quotient (double rounding is innocuous for division), so: identical
  property('f32_from_u8 gives the same bits at any byte offset', fromU8, ({ bytes, divisor, shift, m: mis }) => {
    const n = bytes.length;
    const r = onBoth('from_u8', (k, m) => {
      const src = m.u8(bytes, shift), dst = m.out(n, mis);
      k.f32_from_u8(src, dst, n, divisor);
      return m.read(dst, n);
    });
    expectSame('from_u8', r.wasm, r.js);
  }, RUNS);

  const transpose = fc.record({ rows: int(1, 40), cols: int(1, 40), seed: fc.integer(), m1: misalign, m2: misalign });

  property('f32_transpose gives the same bits', transpose, ({ rows, cols, seed, m1, m2 }) => {
    const sv = seeded(seed, rows * cols);
    const r = onBoth('transpose', (k, m) => {
      const s = m.in(sv, m1), d = m.out(rows * cols, m2);
      k.f32_transpose(s, d, rows, cols);
      return m.read(d, rows * cols);
    });
    expectSame('transpose', r.wasm, r.js);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (r.js[j * rows + i] !== sv[i * cols + j]) throw new Error(`transpose: dst[${j}, ${i}] != src[${i}, ${j}]`);
      }
    }
  }, RUNS);

  const sumSquares = int(0, 300).chain((n) => fc.record({ x: floats(n, real(10)), m: misalign }));

  property('f32_sum_squares agrees', sumSquares, ({ x, m: mis }) => {
    const n = x.length;
    const r = onBoth('sum_squares', (k, m) => [k.f32_sum_squares(m.in(x, mis), n)]);
    // wasm: four float32 lanes of ⌈n/4⌉ rounded squares each, combined (and the tail) in float64;
    // js: float64 throughout: (n/4 + 2)·U·Σx², plus n·TINY: a square below the float32 range
    // (|x| < 1e-19) is 0 or subnormal in float32, where js keeps it (e.g. x = 1.4e-45)
    const sq = Float32Array.from(x).reduce((s, v) => s + v * v, 0);
    expectClose('sum_squares', r.wasm, r.js, () => (n / 4 + 2) * U * sq + n * TINY);
  }, RUNS);
});
