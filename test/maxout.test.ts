// Maxout: the f32_maxout kernels on both backends bit for bit (sizes that do not fill a vector,
// groups of a dense input four at a time and their tails,
// ties, NaN, misaligned offsets, guard floats), the layer against a float64 reference written
// here, its backward against numerical gradients, and bad input.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { init, Maxout, numericalGradient, setBackend, tensor } from '../src/index.js';
import { backendKernels, heapF32 } from '../src/backend/runtime.js';
import { guardedMemory } from './guarded-memory.js';
import { MISALIGNMENTS, randomValues, rng } from './helpers.js';

beforeAll(() => init());
afterAll(() => setBackend('wasm'));

const { input, inputI32, output, readOutput, release } = guardedMemory();
afterEach(release);

const bits = (a: Float32Array | Int32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const readI32 = (offset: number, n: number) => new Int32Array(heapF32().buffer, offset, n).slice();

/** Values in {−1, −0.5, 0, 0.5, 1} (many exact ties), some NaN when asked. */
function tied(n: number, nan: boolean): Float32Array {
  const v = randomValues(n).map((x) => Math.round(x * 2) / 2);
  if (nan) for (let i = 0; i < n; i += 7) v[i] = NaN;
  return v;
}

/** The reference: for each (group, s), the first p with the largest value, NaN the largest. */
function maxoutRef(x: ArrayLike<number>, outer: number, k: number, S: number) {
  const y = new Float64Array(outer * S), arg = new Int32Array(outer * S);
  for (let o = 0; o < outer; o++) for (let s = 0; s < S; s++) {
    const vals = Array.from({ length: k }, (_, p) => x[(o * k + p) * S + s]);
    const firstNaN = vals.findIndex(Number.isNaN);
    const at = firstNaN >= 0 ? firstNaN : vals.indexOf(Math.max(...vals));
    y[o * S + s] = vals[at];
    arg[o * S + s] = at;
  }
  return { y, arg };
}

const SHAPES = [1, 3, 5, 17].flatMap((outer) => [1, 2, 3, 5].flatMap((k) => [1, 3, 4, 5, 17, 63].map((S) => ({ outer, k, S }))));

test.each(SHAPES.map((g, i) => ({ ...g, i })))('f32_maxout_fwd and _bwd: wasm = js = reference, bit for bit (outer $outer, k $k, S $S)', ({ outer, k, S, i }) => {
  const m = MISALIGNMENTS[i % 4], m2 = MISALIGNMENTS[(i + 1) % 4];
  const xv = tied(outer * k * S, i % 3 === 0);
  const ref = maxoutRef(xv, outer, k, S);
  const dyv = randomValues(outer * S);
  const results = (['wasm', 'js'] as const).map((name) => {
    const kern = backendKernels(name);
    const x = input(xv, m), y = output(outer * S, m2), arg = output(outer * S, m);
    kern.f32_maxout_fwd(x, y, arg, outer, k, S);
    const yv = readOutput(y, outer * S, `${name} y`);
    readOutput(arg, outer * S, `${name} argmax`);
    const argv = readI32(arg, outer * S);
    const dy = input(dyv, m2), argIn = inputI32(ref.arg, m), dx = output(outer * k * S, m2);
    kern.f32_maxout_bwd(dy, argIn, dx, outer, k, S);
    return { yv, argv, dxv: readOutput(dx, outer * k * S, `${name} dx`) };
  });
  expect(bits(results[0].yv)).toEqual(bits(Float32Array.from(ref.y)));
  expect(Array.from(results[0].argv)).toEqual(Array.from(ref.arg));
  for (const r of results) expect(Array.from(r.argv)).toEqual(Array.from(ref.arg));
  expect(bits(results[1].yv)).toEqual(bits(results[0].yv));
  // dx: dy at each group's argmax, 0 elsewhere
  const dxRef = new Float32Array(outer * k * S);
  for (let o = 0; o < outer; o++) for (let s = 0; s < S; s++) dxRef[(o * k + ref.arg[o * S + s]) * S + s] = dyv[o * S + s];
  for (const r of results) expect(bits(r.dxv)).toEqual(bits(dxRef));
});

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  test.each([
    { shape: [4, 6], k: 2 },
    { shape: [3, 6], k: 3 },
    { shape: [2, 4, 3, 5], k: 4 },
    { shape: [3, 6, 17], k: 2 },
    { shape: [1, 5, 2, 2], k: 5 },
    { shape: [2, 3, 7], k: 1 },
  ])('Maxout($k) on $shape: groups of k consecutive channels, output (N, C/k, ...rest)', ({ shape, k }) => {
    const [N, C, ...rest] = shape;
    const S = rest.reduce((a, b) => a * b, 1);
    const xv = tied(shape.reduce((a, b) => a * b, 1), false);
    const layer = new Maxout(k);
    const y = layer.forward(tensor(xv, shape));
    expect(y.shape).toEqual([N, C / k, ...rest]);
    expect(Array.from(y.data)).toEqual(Array.from(maxoutRef(xv, N * C / k, k, S).y));
    layer.dispose();
  });

  test('backward matches numerical gradients of Σ w·Maxout(x)', () => {
    // distinct values at least 0.01 apart, so a step of 1e-3 never changes a group's maximum
    const n = 2 * 6 * 5;
    const order = Array.from({ length: n }, (_, i) => i).sort(() => rng.uniform() - 0.5);
    const x = tensor(order.map((i) => (i - n / 2) * 0.01), [2, 6, 5]);
    const w = randomValues(2 * 2 * 5);
    const layer = new Maxout(3);
    const f = () => layer.forward(x).data.reduce((s, v, i) => s + v * w[i], 0);
    f();
    const dx = layer.backward(tensor(w, [2, 2, 5])).toArray();
    const numeric = numericalGradient(f, x).toArray();
    for (let i = 0; i < n; i++) expect(dx[i]).toBeCloseTo(numeric[i], 2);
    // one nonzero per group and position: 20 outputs reach 20 inputs
    expect(dx.filter((v) => v !== 0).length).toBe(20);
  });

  test('ties go to the first maximum; the backward leaves dout unchanged', () => {
    const layer = new Maxout(2);
    const y = layer.forward(tensor([1, 1, -2, 3, 0, 0], [1, 6]));
    expect(y.toArray()).toEqual([1, 3, 0]);
    const dout = tensor([10, 20, 30], [1, 3]);
    expect(layer.backward(dout).toArray()).toEqual([10, 0, 0, 20, 30, 0]);
    expect(dout.toArray()).toEqual([10, 20, 30]);
  });
});

describe('bad input is a clear error', () => {
  test('pieces that are not a positive integer', () => {
    expect(() => new Maxout(0)).toThrow('Maxout: pieces must be an integer >= 1, got 0');
    expect(() => new Maxout(1.5)).toThrow('Maxout: pieces must be an integer >= 1, got 1.5');
  });
  test('channels not divisible by the pieces, and a 1-D input', () => {
    expect(() => new Maxout(4).forward(tensor(randomValues(12), [2, 6]))).toThrow('Maxout.forward: x must be (N, C, ...) with C a positive multiple of the 4 pieces, got (2, 6)');
    expect(() => new Maxout(2).forward(tensor(randomValues(4), [4]))).toThrow(/^Maxout\.forward: x must be \(N, C, \.\.\.\) with C a positive multiple of the 2 pieces, got \(4,?\)$/);
  });
  test('a backward before forward, or with dout of the wrong shape', () => {
    const layer = new Maxout(2);
    expect(() => layer.backward(tensor([1], [1, 1]))).toThrow('Maxout.backward: call forward first');
    layer.forward(tensor(randomValues(8), [2, 4]));
    expect(() => layer.backward(tensor(randomValues(8), [2, 4]))).toThrow("Maxout.backward: dout must have the forward output's shape (2, 2), got (2, 4)");
  });
});
