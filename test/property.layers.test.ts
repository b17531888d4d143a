// Property tests: each layer's backward pass against the numerical gradient (src/gradient.ts,
// central differences in float32) on random small shapes, strides and paddings drawn by
// fast-check, on both backends. The scalar function is f = Σ out ⊙ r for a random r of the
// output's shape (summed in float64), so the backward pass gets dout = r; for SoftmaxWithLoss,
// whose output is the loss, f = r·loss and dout = r.
//
// How far apart may the two be? For a perturbed element the central difference differs from the
// exact derivative by
//   - truncation: h²/6·|f'''| somewhere in [x − h, x + h] (zero where f is linear or piecewise
//     linear and x ± h stays on one piece);
//   - rounding: f is computed in float32, and the outputs the perturbed element feeds carry an
//     error of at most c·U·(Σ|terms| of each), U = 2^-24; the two evaluations' errors differ by at
//     most twice that, divided by the step 2h: E/h with E = Σ |r_j|·err_j over those outputs
//     (every other output is recomputed bit for bit and cancels);
// and the backward pass has its own float32 error A (c'·U of the magnitude of its sums). Each
// tolerance below is 2·(truncation + E/h + A) computed from the data of the case (the 2 covers
// second-order terms and the bounds taken at x rather than over [x − h, x + h]), so it is a bound,
// not a guess. It stays far below the size of a gradient: over these runs the largest tolerance
// was 1e-4 to 1e-2 of the case's largest gradient element (up to 7e-2 for a convolution's db,
// whose sums of r cancel, and more only where the exact gradient vanishes, e.g. batch norm with
// N = 2, where xn = ±1 whatever x is), and the observed differences used at most half of it; a
// wrong backward pass is off by about the gradient itself (a 0.1% error in one kernel fails these
// properties). h is chosen per layer:
//   - layers linear in the perturbed tensor (Affine, Convolution, AvgPooling, the batch-norm
//     parameters) have no truncation error at any h, so a large h = 0.25 divides the rounding
//     noise most;
//   - smooth nonlinear ones (Sigmoid, Tanh, Elu, BatchNormalization's input, SoftmaxWithLoss) take
//     h near the balance of h²·|f'''|/6 and E/h (about (3E/|f'''|)^(1/3) ≈ 1e-2 in float32);
//   - piecewise linear ones (Relu, LeakyRelu, Elu's kink, max pooling) use inputs at least
//     0.025–0.05 from every kink (0 for the activations, the other values of a window and the
//     padding's 0 for max pooling, whose values are therefore distinct), with h below that margin.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, test } from 'vitest';
import {
  Affine, AvgPooling, BatchNormalization, Convolution, Elu, init, LeakyRelu, numericalGradient, Pooling, Relu,
  setBackend, Sigmoid, SoftmaxWithLoss, Tanh, tensor, type Tensor,
} from '../src/index.js';
import { dims, fits } from './conv-geometry.js';

beforeAll(() => init());
afterAll(() => setBackend('wasm'));

const SEED = 20250611;
const RUNS = 200; // per property and backend (the convolution: half, it perturbs the most elements)
const U = 2 ** -24; // float32 unit roundoff
const TINY = 1e-30;

function property<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => void, numRuns: number): void {
  test(`${name} (${numRuns} runs)`, () => {
    fc.assert(fc.property(arb, (input) => { check(input); }), { seed: SEED, numRuns });
  });
}

// ---- arbitraries (plain numbers with three decimals, so counterexamples read well) ---------------

const int = (min: number, max: number) => fc.integer({ min, max });
/** Uniform in [−scale, scale], three decimals. */
const real = (scale = 1) => int(-1000, 1000).map((k) => (k / 1000) * scale);
/** At least `margin` away from 0, at most `scale`. */
const awayFromZero = (margin: number, scale: number) =>
  fc.tuple(fc.boolean(), int(0, 1000)).map(([neg, k]) => (neg ? -1 : 1) * (margin + (k / 1000) * (scale - margin)));
const floats = (n: number, arb: fc.Arbitrary<number>) => fc.array(arb, { minLength: n, maxLength: n });

// ---- helpers ------------------------------------------------------------------------------------------

/** Σ out ⊙ r in float64. */
function dot(out: Tensor, r: ArrayLike<number>): number {
  const d = out.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * r[i];
  return s;
}

/** |Σ out ⊙ r| summed term by term: float64 summation of f changes by ~1e-16 of it per term. */
function dotMag(out: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += Math.abs(out[i] * r[i]);
  return s;
}

/** The numerical gradient of f with respect to t as a plain array. */
function numeric(f: () => number, t: Tensor, h: number): Float32Array {
  const g = numericalGradient(f, t, h);
  const v = g.data.slice();
  g.dispose();
  return v;
}

function expectGrad(label: string, analytic: ArrayLike<number>, numerical: ArrayLike<number>, tol: (i: number) => number): void {
  if (analytic.length !== numerical.length) throw new Error(`${label}: ${analytic.length} analytic vs ${numerical.length} numerical`);
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i], n = numerical[i], t = tol(i);
    if (!(Math.abs(a - n) <= t)) {
      throw new Error(`${label}: element ${i}: backward ${a}, numerical ${n}, |diff| ${Math.abs(a - n)} > tolerance ${t}`);
    }
  }
}

const abs = (v: ArrayLike<number>, plus = 0) => Array.from(v, (x) => Math.abs(x) + plus);

/** Σ over the group of |r_j|·err_j. */
function groupNoise(err: ArrayLike<number>, r: ArrayLike<number>, group: Iterable<number>): number {
  let s = 0;
  for (const j of group) s += Math.abs(r[j]) * err[j];
  return s;
}
const range = (start: number, count: number, step = 1) => Array.from({ length: count }, (_, i) => start + i * step);

function disposeAll(...items: { dispose(): void }[]): void {
  for (const t of items) t.dispose();
}

/** A layer with weights W and bias b (Affine, Convolution). */
interface WeightedLayer { forward(x: Tensor): Tensor; backward(dout: Tensor): Tensor; dW: Tensor; db: Tensor }

/**
 * Checks dx, dW and db of a layer linear in x, W and b against the numerical gradient of
 * f = Σ out ⊙ r at step h. `twin` is the same layer on magnitudes (|W| + h, |b| + h), run on mx =
 * |x| + h and mr = |r|: its outputs and gradients are the Σ|terms| of each sum. The forward pass
 * rounds within fwdTerms·U·|terms| per output, the backward pass within cb·|terms|; feeds.x(i),
 * feeds.W(i) and feeds.b(i) list the outputs that element i of each tensor feeds.
 */
function expectWeightedGrads(
  label: string, layer: WeightedLayer, twin: WeightedLayer,
  t: { x: Tensor; W: Tensor; b: Tensor; r: Tensor; mx: Tensor; mr: Tensor }, r: number[], h: number,
  fwdTerms: number, cb: number, feeds: { x: (i: number) => number[]; W: (i: number) => number[]; b: (i: number) => number[] },
): void {
  const outMag = twin.forward(t.mx).data.slice();
  const dxMag = twin.backward(t.mr).data.slice(), dWMag = twin.dW.data.slice(), dbMag = twin.db.data.slice();
  const f = () => dot(layer.forward(t.x), r);
  layer.forward(t.x);
  const dx = layer.backward(t.r).data.slice(), dW = layer.dW.data.slice(), db = layer.db.data.slice();
  const f64 = 1e-13 * dotMag(outMag, r) / h;
  const err = outMag.map((m) => fwdTerms * U * m);
  expectGrad(`${label}dx`, dx, numeric(f, t.x, h), (i) => 2 * (groupNoise(err, r, feeds.x(i)) / h + cb * dxMag[i]) + f64 + TINY);
  expectGrad(`${label}dW`, dW, numeric(f, t.W, h), (i) => 2 * (groupNoise(err, r, feeds.W(i)) / h + cb * dWMag[i]) + f64 + TINY);
  expectGrad(`${label}db`, db, numeric(f, t.b, h), (j) => 2 * (groupNoise(err, r, feeds.b(j)) / h + cb * dbMag[j]) + f64 + TINY);
}

// =====================================================================================================

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  // ---- Affine: linear in x, W and b -----------------------------------------------------------------

  const affine = fc.record({ N: int(1, 6), I: int(1, 10), O: int(1, 10), fold: fc.boolean() }).chain(({ N, I, O, fold }) => fc.record({
    N: fc.constant(N), I: fc.constant(I), O: fc.constant(O),
    fold: fc.constant(fold && I % 2 === 0), // x as (N, 2, I/2): the layer reads it as (N, I)
    x: floats(N * I, real()), W: floats(I * O, real()), b: floats(O, real()), r: floats(N * O, real()),
  }));

  property('Affine: dx, dW and db match the numerical gradient', affine, ({ N, I, O, fold, x, W, b, r }) => {
    const h = 0.25;
    const xT = tensor(x, fold ? [N, 2, I / 2] : [N, I]), WT = tensor(W, [I, O]), bT = tensor(b, [O]), rT = tensor(r, [N, O]);
    const layer = new Affine(WT, bT);
    // magnitudes: the same layer on |values| (+ h: any perturbed value stays below)
    const mW = tensor(abs(W, h), [I, O]), mb = tensor(abs(b, h), [O]), mx = tensor(abs(x, h), [N, I]), mr = tensor(abs(r), [N, O]);
    const twin = new Affine(mW, mb);
    try {
      // forward: I products, I − 1 additions, the bias, js's rounding: (I + 2)·U·|terms|
      // backward sums: O terms (dx), N terms (dW, db): (max(N, O) + 2)·U·|terms|
      const cb = (Math.max(N, O) + 2) * U;
      const row = (n: number) => range(n * O, O), column = (j: number) => range(j, N, O);
      expectWeightedGrads('', layer, twin, { x: xT, W: WT, b: bT, r: rT, mx, mr }, r, h, I + 2, cb,
        { x: (i) => row(Math.floor(i / I)), W: (i) => column(i % O), b: column });
    } finally {
      disposeAll(layer, twin, xT, WT, bT, rT, mW, mb, mx, mr);
    }
  }, RUNS);

  // ---- activations -------------------------------------------------------------------------------------

  // Each takes inputs where its derivative is smooth over [x − h, x + h]; per element, err(y) is
  // the forward kernel's error (see test/property.kernels.test.ts: 3e-7 relative for the wasm
  // exp/tanh polynomials), M3 bounds |y'''| near x, and A the backward kernel's error including
  // the error of the y it reads.
  interface ActCase {
    name: string;
    make: (alpha: number) => Relu | Sigmoid | Tanh | LeakyRelu | Elu;
    x: fc.Arbitrary<number>;
    alpha: fc.Arbitrary<number>;
    h: number;
    err: (x: number, y: number, alpha: number) => number;
    M3: (x: number, h: number, alpha: number) => number;
    A: (y: number, alpha: number) => number;
  }
  const ACTIVATIONS: ActCase[] = [
    {
      // smooth everywhere; |σ'''| <= 1/8; h = 1e-2 ≈ (3·3e-7·0.5 / (1/8))^(1/3)
      name: 'Sigmoid', make: () => new Sigmoid(), x: real(6), alpha: fc.constant(0), h: 1e-2,
      err: (_x, y) => 3e-7 * Math.abs(y), M3: () => 1 / 8,
      A: (y) => 3e-7 * Math.abs(y) + 4 * U * Math.abs(y * (1 - y)),
    },
    {
      // smooth everywhere; |tanh'''| <= 2; h = 1e-2 ≈ (3·3e-7 / 2)^(1/3)
      name: 'Tanh', make: () => new Tanh(), x: real(3), alpha: fc.constant(0), h: 1e-2,
      err: (_x, y) => 3e-7 * Math.abs(y), M3: () => 2,
      A: (y) => 6e-7 * y * y + 3 * U * (y * y + Math.abs(1 - y * y)),
    },
    {
      // elu has a kink at 0 (slopes alpha and 1): inputs at least 0.05 from it, h = 1e-2;
      // for x < 0, |y'''| = alpha·e^x
      name: 'Elu', make: (alpha) => new Elu(alpha), x: awayFromZero(0.05, 3), alpha: real(2).map((a) => 0.1 + Math.abs(a)), h: 1e-2,
      err: (_x, y, alpha) => 3e-7 * Math.abs(y) + 2 * U * alpha, M3: (x, h, alpha) => (x < 0 ? alpha * Math.exp(x + h) : 0),
      A: (y, alpha) => (y > 0 ? 0 : 3e-7 * Math.abs(y) + 2 * U * alpha + 3 * U * Math.abs(y + alpha)),
    },
    {
      // piecewise linear: inputs at least 0.05 from the kink, h = 1e-2: no truncation; y = alpha·x
      // is rounded once
      name: 'LeakyRelu', make: (alpha) => new LeakyRelu(alpha), x: awayFromZero(0.05, 2), alpha: real(1).map(Math.abs), h: 1e-2,
      err: (x, _y, alpha) => (x < 0 ? U * alpha * (Math.abs(x) + 1e-2) : 0), M3: () => 0,
      A: (_y, alpha) => U * alpha,
    },
    {
      // piecewise linear and exact: y = x or 0, dx = dout or 0
      name: 'Relu', make: () => new Relu(), x: awayFromZero(0.05, 2), alpha: fc.constant(0), h: 1e-2,
      err: () => 0, M3: () => 0, A: () => 0,
    },
  ];

  for (const act of ACTIVATIONS) {
    const input = fc.record({ N: int(1, 4), D: int(1, 12) }).chain(({ N, D }) => fc.record({
      N: fc.constant(N), D: fc.constant(D), x: floats(N * D, act.x), r: floats(N * D, real()), alpha: act.alpha,
    }));

    property(`${act.name}: dx matches the numerical gradient`, input, ({ N, D, x, r, alpha }) => {
      const { h } = act;
      const xT = tensor(x, [N, D]), rT = tensor(r, [N, D]);
      const layer = act.make(alpha);
      try {
        const y = layer.forward(xT).data.slice();
        const dx = layer.backward(rT).data.slice();
        const xs = Float32Array.from(x);
        const f64 = 1e-13 * dotMag(y, r) / h;
        // only y_i depends on x_i: E_i = |r_i|·err(y_i)
        expectGrad(`${act.name} dx`, dx, numeric(() => dot(layer.forward(xT), r), xT, h), (i) => {
          const ri = Math.abs(r[i]);
          return 2 * (ri * act.err(xs[i], y[i], alpha) / h + (h * h / 6) * act.M3(xs[i], h, alpha) * ri + ri * act.A(y[i], alpha)) + f64 + TINY;
        });
      } finally {
        disposeAll(layer, xT, rT);
      }
    }, RUNS);
  }

  // ---- SoftmaxWithLoss --------------------------------------------------------------------------------

  const softmax = fc.record({ N: int(1, 5), C: int(1, 8) }).chain(({ N, C }) => fc.record({
    N: fc.constant(N), C: fc.constant(C),
    x: floats(N * C, real(3)), // logits in [−3, 3]: every probability is at least e^-6 / C
    labels: fc.array(int(0, C - 1), { minLength: N, maxLength: N }),
    onehot: fc.boolean(),
    r: real(2),
  }));

  property('SoftmaxWithLoss: dx matches the numerical gradient of r·loss (integer and one-hot labels)', softmax, ({ N, C, x, labels, onehot, r }) => {
    const h = 2e-2;
    const xT = tensor(x, [N, C]);
    const oneHot = new Float32Array(N * C);
    labels.forEach((l, n) => (oneHot[n * C + l] = 1));
    const tT = onehot ? tensor(oneHot, [N, C]) : tensor(labels, [N]);
    const layer = new SoftmaxWithLoss();
    try {
      const f = () => r * layer.forward(xT, tT);
      f();
      const y = layer.y!.data.slice();
      const dx = layer.backward(r).data.slice();
      const rn = Math.abs(r) / N;
      // y's relative error (softmax kernel bound, |x − max| <= 6): (C + 14)·U + 3e-7
      const epsY = (C + 16) * U + 3e-7;
      // truncation: ∂³loss/∂x_i³ = y_i(1 − y_i)(1 − 2y_i)/N, at most 0.0962/N
      const T = (h * h / 6) * 0.0962 * rn;
      // noise: only the perturbed row's term −log(y_t + 1e-7) changes, by its relative error
      const E = rn * epsY;
      expectGrad('SoftmaxWithLoss dx', dx, numeric(f, xT, h), (i) => {
        const n = Math.floor(i / C), yt = y[n * C + labels[n]];
        // the book's 1e-7 inside the log: f's true derivative is y_t / (y_t + 1e-7) of the
        // backward's (y − t)/N, which ignores it: off by (1e-7 / (y_t + 1e-7))·|y_i − t_i|/N
        const model = rn * (1e-7 / (yt + 1e-7)) * Math.abs(y[i] - oneHot[i]);
        const A = rn * (epsY * y[i] + 4 * U * Math.abs(y[i] - oneHot[i]));
        return 2 * (E / h + T + model + A) + TINY;
      });
    } finally {
      disposeAll(layer, xT, tT);
    }
  }, RUNS);

  // ---- BatchNormalization -------------------------------------------------------------------------------

  const batchnorm = fc.record({ N: int(2, 6), dims: fc.array(int(1, 3), { minLength: 1, maxLength: 3 }) }).chain(({ N, dims }) => {
    const D = dims.reduce((a, b) => a * b, 1);
    return fc.record({
      N: fc.constant(N), dims: fc.constant(dims),
      // column c is mean[c] + k with N distinct integers k in [−4, 4]: every column's standard
      // deviation is at least 0.5, 50 times h, so h²·|f'''| stays small
      mean: floats(D, real(2)),
      k: fc.array(fc.uniqueArray(int(-4, 4), { minLength: N, maxLength: N }), { minLength: D, maxLength: D }),
      gamma: floats(D, real(2)), beta: floats(D, real(2)), r: floats(N * D, real()),
    });
  });

  property('BatchNormalization (training mode): dx, dgamma and dbeta match the numerical gradient', batchnorm, ({ N, dims, mean, k, gamma, beta, r }) => {
    const D = gamma.length, eps = 1e-6;
    const xv = new Float32Array(N * D);
    for (let c = 0; c < D; c++) for (let n = 0; n < N; n++) xv[n * D + c] = mean[c] + k[c][n];
    const xT = tensor(xv, [N, ...dims]), gT = tensor(gamma, [D]), bT = tensor(beta, [D]), rT = tensor(r, [N, ...dims]);
    const layer = new BatchNormalization(gT, bT);
    try {
      const f = () => dot(layer.forward(xT, true), r);
      const y = layer.forward(xT, true).data.slice();
      const dx = layer.backward(rT).data.slice(), dgamma = layer.dgamma.data.slice(), dbeta = layer.dbeta.data.slice();
      const g = Float32Array.from(gamma), be = Float32Array.from(beta), rs = Float32Array.from(r);

      // float64 column statistics
      const mu = new Float64Array(D), s = new Float64Array(D), meanAbs = new Float64Array(D);
      for (let c = 0; c < D; c++) {
        for (let n = 0; n < N; n++) { mu[c] += xv[n * D + c] / N; meanAbs[c] += Math.abs(xv[n * D + c]) / N; }
        let v = 0;
        for (let n = 0; n < N; n++) v += (xv[n * D + c] - mu[c]) ** 2 / N;
        s[c] = Math.sqrt(v + eps);
      }
      const xn = (n: number, c: number) => (xv[n * D + c] - mu[c]) / s[c];
      // forward error of y = gamma·xn + beta (kernel bounds): the mean's error δμ ≈ (N + 3)·U·mean|x|
      // shifts xn by δμ/s; the variance, the root and the products add (N + 8)·U·|xn|; then
      // gamma·xn + beta rounds twice more. gammaPlus inflates gamma for its own perturbation.
      const errY = (gammaPlus: number, betaPlus: number) => Float64Array.from({ length: N * D }, (_, i) => {
        const n = Math.floor(i / D), c = i % D, gc = Math.abs(g[c]) + gammaPlus;
        return U * (gc * ((N + 3) * meanAbs[c] / s[c] + (N + 8) * Math.abs(xn(n, c))) + 3 * (gc * Math.abs(xn(n, c)) + Math.abs(be[c]) + betaPlus));
      });
      const column = (c: number) => range(c, N, D);
      const f64 = (hh: number) => 1e-13 * dotMag(y, r) / hh;

      // dx (nonlinear, h = 1e-2): along x_i, f restricted to column c is g(t) = (A + B·t)/√q(t)
      // with q(t) = var + eps + 2·t·(x_i − μ)/N + t²·(N − 1)/N², A = Σ a_r (x_r − μ),
      // B = a_i − mean(a), a_r = gamma·r_r: its third derivative in closed form, at t = −h, 0, h.
      const h = 1e-2;
      const third = (i: number) => {
        const n = Math.floor(i / D), c = i % D;
        const a = Array.from({ length: N }, (_, m) => g[c] * rs[m * D + c]);
        const aMean = a.reduce((p, q) => p + q, 0) / N;
        const A = a.reduce((p, am, m) => p + am * (xv[m * D + c] - mu[c]), 0), B = a[n] - aMean;
        const p = (2 * (xv[i] - mu[c])) / N, sq = (N - 1) / (N * N), q0 = s[c] * s[c];
        let max = 0;
        for (const t of [-h, 0, h]) {
          const q = q0 + p * t + sq * t * t, q1 = p + 2 * sq * t, q2 = 2 * sq;
          const w2 = 0.75 * q ** -2.5 * q1 * q1 - 0.5 * q ** -1.5 * q2;
          const w3 = -1.875 * q ** -3.5 * q1 ** 3 + 2.25 * q ** -2.5 * q1 * q2;
          max = Math.max(max, Math.abs((A + B * t) * w3 + 3 * B * w2));
        }
        return max;
      };
      const errX = errY(0, 0);
      // the backward kernel: (N + 8)·U of its terms, plus the stored xn's error (δμ/s relative to
      // its terms): |gamma|/s·(|dy| + Σ|dy|/N + |xn|·Σ|dy·xn|/N)
      const S1 = new Float64Array(D), S2 = new Float64Array(D);
      for (let i = 0; i < N * D; i++) { S1[i % D] += Math.abs(rs[i]); S2[i % D] += Math.abs(rs[i] * xn(Math.floor(i / D), i % D)); }
      expectGrad('BatchNormalization dx', dx, numeric(f, xT, h), (i) => {
        const n = Math.floor(i / D), c = i % D;
        const T = (h * h / 6) * third(i);
        const E = groupNoise(errX, r, column(c));
        const terms = (Math.abs(g[c]) / s[c]) * (Math.abs(rs[i]) + S1[c] / N + (Math.abs(xn(n, c)) + 1) * S2[c] / N);
        const A = ((N + 8) + (N + 3) * meanAbs[c] / s[c]) * U * terms;
        return 2 * (T + E / h + A) + f64(h) + TINY;
      });

      // dgamma, dbeta: f is linear in them: h = 0.25; sums of N terms in the backward pass
      const hp = 0.25;
      const errP = errY(hp, hp);
      expectGrad('BatchNormalization dgamma', dgamma, numeric(f, gT, hp), (c) =>
        2 * (groupNoise(errP, r, column(c)) / hp + (N + 2) * U * S2[c]) + f64(hp) + TINY);
      expectGrad('BatchNormalization dbeta', dbeta, numeric(f, bT, hp), (c) =>
        2 * (groupNoise(errP, r, column(c)) / hp + (N + 1) * U * S1[c]) + f64(hp) + TINY);
    } finally {
      disposeAll(layer, xT, gT, bT, rT);
    }
  }, RUNS);

  // ---- convolution and pooling ---------------------------------------------------------------------------

  const geom = (maxF: number) => fc.record({
    N: int(1, 2), C: int(1, 3), H: int(1, 7), W: int(1, 7), FH: int(1, maxF), FW: int(1, maxF), stride: int(1, 3), pad: int(0, 2),
  }).filter(fits);

  const conv = fc.record({ g: geom(4), FN: int(1, 3) }).chain(({ g, FN }) => {
    const { OH, OW } = dims(g);
    return fc.record({
      g: fc.constant(g), FN: fc.constant(FN),
      x: floats(g.N * g.C * g.H * g.W, real()), W: floats(FN * g.C * g.FH * g.FW, real()), b: floats(FN, real()),
      r: floats(g.N * FN * OH * OW, real()),
    });
  });

  property('Convolution (random filter, stride and pad): dx, dW and db match the numerical gradient', conv, ({ g, FN, x, W, b, r }) => {
    const h = 0.25;
    const { OH, OW } = dims(g);
    const P = OH * OW, K = g.C * g.FH * g.FW;
    const xT = tensor(x, [g.N, g.C, g.H, g.W]), WT = tensor(W, [FN, g.C, g.FH, g.FW]), bT = tensor(b, [FN]), rT = tensor(r, [g.N, FN, OH, OW]);
    const layer = new Convolution(WT, bT, g.stride, g.pad);
    const mW = tensor(abs(W, h), WT.shape), mb = tensor(abs(b, h), bT.shape), mx = tensor(abs(x, h), xT.shape), mr = tensor(abs(r), rT.shape);
    const twin = new Convolution(mW, mb, g.stride, g.pad);
    try {
      // forward: a GEMM over K = C·FH·FW products, then the bias: (K + 2)·U·|terms|
      // backward: dx sums FN products per column entry, then col2im adds at most FH·FW of those;
      // dW and db sum N·OH·OW terms (a GEMM per sample, accumulated over the samples)
      const cb = (Math.max(FN + g.FH * g.FW, g.N * P + g.N) + 2) * U;
      // x of sample n feeds the outputs of sample n; W and b of filter f the outputs of filter f
      const sample = (n: number) => range(n * FN * P, FN * P);
      const filter = (fi: number) => Array.from({ length: g.N }, (_, n) => range((n * FN + fi) * P, P)).flat();
      const imageSize = g.C * g.H * g.W;
      expectWeightedGrads('Convolution ', layer, twin, { x: xT, W: WT, b: bT, r: rT, mx, mr }, r, h, K + 2, cb,
        { x: (i) => sample(Math.floor(i / imageSize)), W: (i) => filter(Math.floor(i / K)), b: filter });
    } finally {
      disposeAll(layer, twin, xT, WT, bT, rT, mW, mb, mx, mr);
    }
  }, RUNS / 2);

  const maxpool = geom(3).chain((g) => {
    const { OH, OW } = dims(g);
    const n = g.N * g.C * g.H * g.W;
    return fc.record({
      g: fc.constant(g),
      // distinct values (k + 0.5)·0.05: any two at least 0.05 apart and every one at least 0.025
      // from the padding's 0, so with h = 5e-3 no window's maximum changes under ±h
      k: fc.uniqueArray(int(-300, 300), { minLength: n, maxLength: n }),
      r: floats(g.N * g.C * OH * OW, real()),
    });
  });

  property('Pooling (max; random window, stride and pad): dx matches the numerical gradient', maxpool, ({ g, k, r }) => {
    const h = 5e-3;
    const { OH, OW } = dims(g);
    const xT = tensor(k.map((v) => (v + 0.5) * 0.05), [g.N, g.C, g.H, g.W]), rT = tensor(r, [g.N, g.C, OH, OW]);
    const layer = new Pooling(g.FH, g.FW, g.stride, g.pad);
    try {
      const y = layer.forward(xT).data.slice();
      const dx = layer.backward(rT).data.slice();
      // piecewise linear, and y copies x exactly: the numerical gradient is the exact one up to
      // float64 rounding of f; the backward pass adds up to ⌈FH/stride⌉·⌈FW/stride⌉ float32 values of r
      const windows = Math.ceil(g.FH / g.stride) * Math.ceil(g.FW / g.stride);
      const rMax = r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const f64 = 1e-13 * dotMag(y, r) / h;
      expectGrad('Pooling dx', dx, numeric(() => dot(layer.forward(xT), r), xT, h), () => 2 * (windows + 1) * windows * U * rMax + f64 + TINY);
    } finally {
      disposeAll(layer, xT, rT);
    }
  }, RUNS);

  const avgpool = geom(3).chain((g) => {
    const { OH, OW } = dims(g);
    return fc.record({ g: fc.constant(g), x: floats(g.N * g.C * g.H * g.W, real()), r: floats(g.N * g.C * OH * OW, real()) });
  });

  property('AvgPooling (random window, stride and pad): dx matches the numerical gradient', avgpool, ({ g, x, r }) => {
    const h = 0.25;
    const { OH, OW } = dims(g);
    const area = g.FH * g.FW;
    const xT = tensor(x, [g.N, g.C, g.H, g.W]), rT = tensor(r, [g.N, g.C, OH, OW]);
    const mx = tensor(abs(x, h), xT.shape), mr = tensor(abs(r), rT.shape);
    const layer = new AvgPooling(g.FH, g.FW, g.stride, g.pad), twin = new AvgPooling(g.FH, g.FW, g.stride, g.pad);
    try {
      const outMag = twin.forward(mx).data.slice();
      const dxMag = twin.backward(mr).data.slice();
      layer.forward(xT);
      const dx = layer.backward(rT).data.slice();
      // linear: forward sums `area` terms and divides ((area + 1)·U); backward rounds dout/area
      // and adds at most `area` of them ((area + 2)·U); x of plane p feeds the outputs of plane p
      const err = outMag.map((m) => (area + 1) * U * m);
      const f64 = 1e-13 * dotMag(outMag, r) / h;
      const plane = (p: number) => range(p * OH * OW, OH * OW);
      expectGrad('AvgPooling dx', dx, numeric(() => dot(layer.forward(xT), r), xT, h), (i) =>
        2 * (groupNoise(err, r, plane(Math.floor(i / (g.H * g.W)))) / h + (area + 2) * U * dxMag[i]) + f64 + TINY);
    } finally {
      disposeAll(layer, twin, xT, rT, mx, mr);
    }
  }, RUNS);
});
