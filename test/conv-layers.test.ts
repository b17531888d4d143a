// Convolution and pooling layers against direct loops written here (float64), for random
// shapes, filter sizes 1–5, strides 1–3 and padding 0–2; SimpleConvNet's gradient check; the
// backends agree; bad input is a clear error.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AvgPooling, col2im, Convolution, createRng, empty, gradientCheck, im2col, init, Pooling, setBackend, SimpleConvNet, DeepConvNet, tensor, type Tensor,
} from '../src/index.js';
import { backendKernels, workspace } from '../src/backend/runtime.js';
import { expectClose, randomValues } from './helpers.js';

await init();
afterAll(() => setBackend('wasm'));

interface Case { N: number; C: number; H: number; W: number; FN: number; F: number; stride: number; pad: number }

// Random shapes whose stride fits, from a seeded generator so failures reproduce.
function cases(count: number, seed: number): Case[] {
  const rng = createRng(seed);
  const out: Case[] = [];
  while (out.length < count) {
    const c = { N: 1 + rng.int(3), C: 1 + rng.int(3), H: 1 + rng.int(9), W: 1 + rng.int(9), FN: 1 + rng.int(4), F: 1 + rng.int(5), stride: 1 + rng.int(3), pad: rng.int(3) };
    const rh = c.H + 2 * c.pad - c.F, rw = c.W + 2 * c.pad - c.F;
    if (rh >= 0 && rw >= 0 && rh % c.stride === 0 && rw % c.stride === 0) out.push(c);
  }
  return out;
}

const at = (a: ArrayLike<number>, shape: number[], ...i: number[]) => a[i.reduce((s, v, k) => s * shape[k] + v, 0)];

function convReference({ N, C, H, W, FN, F, stride, pad }: Case, x: Float32Array, w: Float32Array, b: Float32Array, dout: Float32Array) {
  const OH = 1 + (H + 2 * pad - F) / stride, OW = 1 + (W + 2 * pad - F) / stride;
  const out = new Float64Array(N * FN * OH * OW), dx = new Float64Array(N * C * H * W), dW = new Float64Array(FN * C * F * F), db = new Float64Array(FN);
  for (let n = 0; n < N; n++) for (let f = 0; f < FN; f++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    const o = ((n * FN + f) * OH + oy) * OW + ox;
    let s = b[f];
    db[f] += dout[o];
    for (let c = 0; c < C; c++) for (let ky = 0; ky < F; ky++) for (let kx = 0; kx < F; kx++) {
      const iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      const xi = ((n * C + c) * H + iy) * W + ix, wi = ((f * C + c) * F + ky) * F + kx;
      s += w[wi] * x[xi];
      dW[wi] += dout[o] * x[xi];
      dx[xi] += dout[o] * w[wi];
    }
    out[o] = s;
  }
  return { out, dx, dW, db, OH, OW };
}

function maxPoolReference({ N, C, H, W, F, stride, pad }: Case, x: Float32Array, dout: Float32Array) {
  const OH = 1 + (H + 2 * pad - F) / stride, OW = 1 + (W + 2 * pad - F) / stride;
  const out = new Float64Array(N * C * OH * OW), dx = new Float64Array(N * C * H * W);
  for (let p = 0; p < N * C; p++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    let best = -Infinity, where = -1;
    for (let ky = 0; ky < F; ky++) for (let kx = 0; kx < F; kx++) {
      const iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
      const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
      const v = inside ? x[(p * H + iy) * W + ix] : 0; // the book pads with zeros
      if (v > best) { best = v; where = inside ? (p * H + iy) * W + ix : -1; }
    }
    const o = (p * OH + oy) * OW + ox;
    out[o] = best;
    if (where >= 0) dx[where] += dout[o];
  }
  return { out, dx, OH, OW };
}

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  test('Convolution forward and backward match direct loops on 40 random shapes', () => {
    for (const c of cases(40, 1)) {
      const xv = randomValues(c.N * c.C * c.H * c.W), wv = randomValues(c.FN * c.C * c.F * c.F), bv = randomValues(c.FN);
      const layer = new Convolution(tensor(wv, [c.FN, c.C, c.F, c.F]), tensor(bv, [c.FN]), c.stride, c.pad);
      const ref0 = convReference(c, xv, wv, bv, new Float32Array(0));
      const dv = randomValues(c.N * c.FN * ref0.OH * ref0.OW);
      const ref = convReference(c, xv, wv, bv, dv);
      const label = JSON.stringify(c);
      const out = layer.forward(tensor(xv, [c.N, c.C, c.H, c.W]));
      expect(out.shape, label).toEqual([c.N, c.FN, ref.OH, ref.OW]);
      expectClose(out.data, ref.out, 1e-5, 1e-5, `forward ${label}`);
      const dx = layer.backward(tensor(dv, out.shape));
      expectClose(dx.data, ref.dx, 1e-5, 1e-5, `dx ${label}`);
      expectClose(layer.dW.data, ref.dW, 1e-5, 1e-5, `dW ${label}`);
      expectClose(layer.db.data, ref.db, 1e-5, 1e-5, `db ${label}`);
      layer.dispose();
    }
  });

  test('max Pooling forward and backward match direct loops (first maximum, zero padding, overlapping windows add)', () => {
    for (const c of cases(40, 2)) {
      const xv = randomValues(c.N * c.C * c.H * c.W, -1, 1);
      const layer = new Pooling(c.F, c.F, c.stride, c.pad);
      const ref0 = maxPoolReference(c, xv, new Float32Array(c.N * c.C * 1000));
      const dv = randomValues(c.N * c.C * ref0.OH * ref0.OW);
      const ref = maxPoolReference(c, xv, dv);
      const out = layer.forward(tensor(xv, [c.N, c.C, c.H, c.W]));
      expectClose(out.data, ref.out, 0, 0, `pool forward ${JSON.stringify(c)}`);
      expectClose(layer.backward(tensor(dv, out.shape)).data, ref.dx, 1e-5, 1e-6, `pool backward ${JSON.stringify(c)}`);
    }
  });

  test('AvgPooling backward is the adjoint of its forward', () => {
    for (const c of cases(20, 3)) {
      const xv = randomValues(c.N * c.C * c.H * c.W);
      const layer = new AvgPooling(c.F, c.F, c.stride, c.pad);
      const y = layer.forward(tensor(xv, [c.N, c.C, c.H, c.W]));
      const gv = randomValues(y.size);
      const yv = y.toArray();
      const dx = layer.backward(tensor(gv, y.shape)).toArray();
      const lhs = yv.reduce((s, v, i) => s + v * gv[i], 0), rhs = dx.reduce((s, v, i) => s + v * xv[i], 0);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
    }
  });

  test('col2im is the adjoint of im2col: <im2col(x), y> = <x, col2im(y)>', () => {
    for (const c of cases(20, 4)) {
      const xv = randomValues(c.N * c.C * c.H * c.W);
      const col = im2col(tensor(xv, [c.N, c.C, c.H, c.W]), c.F, c.F, c.stride, c.pad);
      const yv = randomValues(col.size);
      const back = col2im(tensor(yv, col.shape), [c.N, c.C, c.H, c.W], c.F, c.F, c.stride, c.pad).toArray();
      const lhs = col.toArray().reduce((s, v, i) => s + v * yv[i], 0), rhs = back.reduce((s, v, i) => s + v * xv[i], 0);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
    }
  });

  test('SimpleConvNet passes the gradient check on a small input', () => {
    const net = new SimpleConvNet({ inputDim: [1, 8, 8], convParam: { filterNum: 3, filterSize: 3, pad: 1, stride: 1 }, hiddenSize: 6, outputSize: 4, weightInitStd: 0.3, seed: 1 });
    const x = tensor(randomValues(2 * 64, 0, 1), [2, 1, 8, 8]);
    for (const [name, r] of Object.entries(gradientCheck(net, x, tensor([1, 3])))) expect(r.relError, name).toBeLessThan(1e-2);
  });
});

test('the wasm and JS backends give the same SimpleConvNet loss and gradients', () => {
  const x = tensor(randomValues(4 * 784, 0, 1), [4, 1, 28, 28]), t = tensor([1, 2, 3, 4]);
  const run = (backend: 'wasm' | 'js') => {
    setBackend(backend);
    const net = new SimpleConvNet({ seed: 3, weightInitStd: 0.1 });
    const grads = net.gradient(x, t);
    return { loss: net.lastLoss, W1: grads.W1.toArray(), W2: grads.W2.toArray() };
  };
  const w = run('wasm'), j = run('js');
  expect(w.loss).toBeCloseTo(j.loss, 5);
  expectClose(w.W1, j.W1, 1e-3, 1e-6, 'dW1');
  expectClose(w.W2, j.W2, 1e-3, 1e-6, 'dW2');
});

// The forward pass adds the bias as the product stores its tiles, and the filter-gradient pass sums
// db while dout_n is in cache: both must give exactly what the separate passes give. Shapes with
// K > 256 (several k-blocks: the bias comes with the last), P not a multiple of 4 (the sums' tail)
// and FN cut between two threads at 8.
test.each([
  { N: 3, C: 64, H: 7, W: 9, FN: 5, F: 3 },
  { N: 64, C: 4, H: 15, W: 15, FN: 13, F: 3 },
  { N: 2, C: 1, H: 28, W: 28, FN: 30, F: 5 },
])('wasm Convolution %j: the fused bias and db have the bits of f32_gemm + f32_bias_add_channels and f32_sum_channels', ({ N, C, H, W, FN, F }) => {
  setBackend('wasm');
  const rng = createRng(N + C + FN);
  const rand = (shape: number[]) => tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.uniform(-1, 1)), shape);
  const layer = new Convolution(rand([FN, C, F, F]), rand([FN]));
  const x = rand([N, C, H, W]);
  const out = layer.forward(x);
  const OH = H - F + 1, OW = W - F + 1, P = OH * OW, K = C * F * F;
  const k = backendKernels('wasm');
  const expected = empty(out.shape), col = empty([K, P]), sums = empty([FN]);
  const work = workspace(k.f32_gemm_workspace_bytes(FN, P, K));
  for (let n = 0; n < N; n++) {
    k.f32_im2col_t(x.offset + n * C * H * W * 4, col.offset, 1, C, H, W, F, F, 1, 0);
    k.f32_gemm(0, 0, FN, P, K, 1, layer.W.offset, K, col.offset, P, 0, expected.offset + n * FN * P * 4, P, work);
  }
  k.f32_bias_add_channels(expected.offset, layer.b.offset, expected.offset, N, FN, P);
  expectSameBits(out, expected);
  const dout = rand(out.shape);
  layer.backward(dout);
  k.f32_sum_channels(dout.offset, sums.offset, N, FN, P);
  expectSameBits(layer.db, sums);
});

function expectSameBits(actual: Tensor, expected: Tensor): void {
  const a = new Uint32Array(Float32Array.from(actual.data).buffer), e = new Uint32Array(Float32Array.from(expected.data).buffer);
  expect(a.length).toBe(e.length);
  const first = a.findIndex((v, i) => v !== e[i]);
  expect(first, first < 0 ? '' : `element ${first}: ${actual.data[first]} vs ${expected.data[first]}`).toBe(-1);
}

test('DeepConvNet has the book\'s shapes and a finite loss', () => {
  const net = new DeepConvNet({ seed: 1 });
  expect(Object.entries(net.params).filter(([k]) => k.startsWith('W')).map(([k, v]) => `${k}:${v.shape.join('x')}`)).toEqual([
    'W1:16x1x3x3', 'W2:16x16x3x3', 'W3:32x16x3x3', 'W4:32x32x3x3', 'W5:64x32x3x3', 'W6:64x64x3x3', 'W7:1024x50', 'W8:50x10',
  ]);
  const loss = net.loss(tensor(randomValues(2 * 784, 0, 1), [2, 1, 28, 28]), tensor([3, 7]));
  expect(loss).toBeGreaterThan(0);
  expect(Number.isFinite(loss)).toBe(true);
});

describe('bad input is a clear error', () => {
  const layer = new Convolution(tensor(randomValues(2 * 3 * 3 * 3), [2, 3, 3, 3]), tensor([0, 0]));
  test('channels of W not matching the input', () => {
    expect(() => layer.forward(tensor(randomValues(2 * 25), [1, 2, 5, 5]))).toThrow('Convolution.forward: x has 2 channels but W (2, 3, 3, 3) expects 3');
  });
  test('a filter larger than the padded input', () => {
    expect(() => layer.forward(tensor(randomValues(3 * 4), [1, 3, 2, 2]))).toThrow('Convolution.forward: the 3×3 window is larger than the padded 2×2 input');
  });
  test('a stride that does not fit', () => {
    const strided = new Convolution(tensor(randomValues(2 * 3 * 9), [2, 3, 3, 3]), tensor([0, 0]), 2);
    expect(() => strided.forward(tensor(randomValues(3 * 36), [1, 3, 6, 6]))).toThrow(/Convolution.forward: stride 2 does not fit: \(H \+ 2·pad − FH\) = 3/);
    expect(() => new Pooling(2, 2, 2).forward(tensor(randomValues(9), [1, 1, 3, 3]))).toThrow(/Pooling.forward: stride 2 does not fit/);
  });
  test('a non-image input and bad constructor arguments', () => {
    expect(() => layer.forward(tensor(randomValues(27), [1, 27]))).toThrow(/Convolution.forward: expected an \(N, C, H, W\) input/);
    expect(() => new Convolution(tensor([1, 2], [2]), tensor([0]))).toThrow('Convolution: W must be 4-D (FN, C, FH, FW), got (2,)');
    expect(() => new Pooling(0, 2)).toThrow('Pooling: poolH must be an integer >= 1, got 0');
    const net = new SimpleConvNet({ seed: 1 });
    expect(() => net.predict(tensor(randomValues(784), [1, 784]))).toThrow(/SimpleConvNet.predict: x must be \(N, 1, 28, 28\)/);
  });
});
