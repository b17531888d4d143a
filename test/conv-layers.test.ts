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

// Random shapes whose window fits (the stride need not divide: the output size floors), from a
// seeded generator so failures reproduce.
function cases(count: number, seed: number): Case[] {
  const rng = createRng(seed);
  const out: Case[] = [];
  while (out.length < count) {
    const c = { N: 1 + rng.int(3), C: 1 + rng.int(3), H: 1 + rng.int(9), W: 1 + rng.int(9), FN: 1 + rng.int(4), F: 1 + rng.int(5), stride: 1 + rng.int(3), pad: rng.int(3) };
    const rh = c.H + 2 * c.pad - c.F, rw = c.W + 2 * c.pad - c.F;
    if (rh >= 0 && rw >= 0) out.push(c);
  }
  return out;
}

const at = (a: ArrayLike<number>, shape: number[], ...i: number[]) => a[i.reduce((s, v, k) => s * shape[k] + v, 0)];

function convReference({ N, C, H, W, FN, F, stride, pad }: Case, x: Float32Array, w: Float32Array, b: Float32Array, dout: Float32Array) {
  const OH = 1 + Math.floor((H + 2 * pad - F) / stride), OW = 1 + Math.floor((W + 2 * pad - F) / stride);
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
  const OH = 1 + Math.floor((H + 2 * pad - F) / stride), OW = 1 + Math.floor((W + 2 * pad - F) / stride);
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

  // Output sizes floor (the book's `//`): the rows and columns past the last whole window are read
  // by no window, so their gradient is exactly 0. 2×2 at stride 2 on odd planes, 3×3 at 2 on 6×6,
  // strides dividing one side only, and a leftover row that lies in the padding.
  describe('strides that do not divide H + 2·pad − F', () => {
    const ODD: Case[] = [
      { N: 2, C: 3, H: 5, W: 7, FN: 2, F: 2, stride: 2, pad: 0 },
      { N: 1, C: 2, H: 6, W: 6, FN: 3, F: 3, stride: 2, pad: 0 },
      { N: 1, C: 1, H: 29, W: 31, FN: 2, F: 5, stride: 3, pad: 1 },
      { N: 2, C: 2, H: 9, W: 8, FN: 2, F: 3, stride: 2, pad: 0 },
      { N: 2, C: 2, H: 8, W: 9, FN: 2, F: 3, stride: 2, pad: 1 }, // the row left over is padding
      { N: 1, C: 2, H: 10, W: 11, FN: 3, F: 2, stride: 3, pad: 1 },
    ];
    // the flat indices of (n, c, iy, ix) that no window reaches
    const uncovered = ({ N, C, H, W, F, stride, pad }: Case): number[] => {
      const reach = (size: number) => Math.floor((size + 2 * pad - F) / stride) * stride + F - pad; // one past the last row read
      const out: number[] = [];
      for (let p = 0; p < N * C; p++) for (let iy = 0; iy < H; iy++) for (let ix = 0; ix < W; ix++) {
        if (iy >= reach(H) || ix >= reach(W)) out.push((p * H + iy) * W + ix);
      }
      return out;
    };

    test.each(ODD)('Convolution, max and average pooling match direct loops; uncovered pixels get no gradient: %j', (c) => {
      const { OH, OW } = convReference(c, new Float32Array(0), new Float32Array(0), new Float32Array(c.FN), new Float32Array(0));
      expect([OH, OW]).toEqual([Math.floor((c.H + 2 * c.pad - c.F) / c.stride) + 1, Math.floor((c.W + 2 * c.pad - c.F) / c.stride) + 1]);
      const rest = uncovered(c);
      expect(rest.length > 0).toBe(c.pad === 0 || c.H === 29 || c.H === 10);
      const xv = randomValues(c.N * c.C * c.H * c.W), wv = randomValues(c.FN * c.C * c.F * c.F), bv = randomValues(c.FN);
      const x = tensor(xv, [c.N, c.C, c.H, c.W]);
      const conv = new Convolution(tensor(wv, [c.FN, c.C, c.F, c.F]), tensor(bv, [c.FN]), c.stride, c.pad);
      const dconv = randomValues(c.N * c.FN * OH * OW);
      const ref = convReference(c, xv, wv, bv, dconv);
      const out = conv.forward(x);
      expect(out.shape).toEqual([c.N, c.FN, OH, OW]);
      expectClose(out.data, ref.out, 1e-5, 1e-5, 'conv forward');
      const dx = conv.backward(tensor(dconv, out.shape)).toArray();
      expectClose(dx, ref.dx, 1e-5, 1e-5, 'conv dx');
      expectClose(conv.dW.data, ref.dW, 1e-5, 1e-5, 'conv dW');
      expect(rest.map((i) => dx[i])).toEqual(rest.map(() => 0));

      const pool = new Pooling(c.F, c.F, c.stride, c.pad);
      const dpool = randomValues(c.N * c.C * OH * OW);
      const mref = maxPoolReference(c, xv, dpool);
      const y = pool.forward(x);
      expect(y.shape).toEqual([c.N, c.C, OH, OW]);
      expectClose(y.data, mref.out, 0, 0, 'max pool forward');
      // NaN first: the backward must write every pixel, the uncovered ones too
      pool.backward(tensor(dpool, y.shape)).data.fill(NaN);
      const dxPool = pool.backward(tensor(dpool, y.shape)).toArray();
      expectClose(dxPool, mref.dx, 1e-6, 1e-7, 'max pool backward');
      expect(rest.map((i) => dxPool[i])).toEqual(rest.map(() => 0));

      const avg = new AvgPooling(c.F, c.F, c.stride, c.pad);
      const area = c.F * c.F;
      const aref = new Float64Array(c.N * c.C * OH * OW), daref = new Float64Array(xv.length);
      for (let p = 0; p < c.N * c.C; p++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
        for (let ky = 0; ky < c.F; ky++) for (let kx = 0; kx < c.F; kx++) {
          const iy = oy * c.stride + ky - c.pad, ix = ox * c.stride + kx - c.pad;
          if (iy < 0 || iy >= c.H || ix < 0 || ix >= c.W) continue;
          aref[(p * OH + oy) * OW + ox] += xv[(p * c.H + iy) * c.W + ix] / area;
          daref[(p * c.H + iy) * c.W + ix] += dpool[(p * OH + oy) * OW + ox] / area;
        }
      }
      const ya = avg.forward(x);
      expectClose(ya.data, aref, 1e-5, 1e-6, 'avg pool forward');
      const dxAvg = avg.backward(tensor(dpool, ya.shape)).toArray();
      expectClose(dxAvg, daref, 1e-5, 1e-6, 'avg pool backward');
      expect(rest.map((i) => dxAvg[i])).toEqual(rest.map(() => 0));
      for (const l of [conv, pool, avg]) l.dispose();
    });

    test.each(ODD)('im2col reads only whole windows and col2im adds them back: %j', (c) => {
      const { OH, OW } = convReference(c, new Float32Array(0), new Float32Array(0), new Float32Array(c.FN), new Float32Array(0));
      const xv = randomValues(c.N * c.C * c.H * c.W);
      const col = im2col(tensor(xv, [c.N, c.C, c.H, c.W]), c.F, c.F, c.stride, c.pad);
      const K = c.C * c.F * c.F;
      expect(col.shape).toEqual([c.N * OH * OW, K]);
      const colRef = new Float64Array(col.size), back = new Float64Array(xv.length);
      const yv = randomValues(col.size);
      for (let n = 0; n < c.N; n++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
        for (let ch = 0; ch < c.C; ch++) for (let ky = 0; ky < c.F; ky++) for (let kx = 0; kx < c.F; kx++) {
          const iy = oy * c.stride + ky - c.pad, ix = ox * c.stride + kx - c.pad;
          if (iy < 0 || iy >= c.H || ix < 0 || ix >= c.W) continue;
          const o = ((n * OH + oy) * OW + ox) * K + (ch * c.F + ky) * c.F + kx, i = ((n * c.C + ch) * c.H + iy) * c.W + ix;
          colRef[o] = xv[i];
          back[i] += yv[o];
        }
      }
      expectClose(col.data, colRef, 0, 0, 'im2col');
      const dx = col2im(tensor(yv, col.shape), [c.N, c.C, c.H, c.W], c.F, c.F, c.stride, c.pad).toArray();
      expectClose(dx, back, 1e-6, 1e-7, 'col2im');
      const rest = uncovered(c);
      expect(rest.map((i) => dx[i])).toEqual(rest.map(() => 0));
    });
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
  test('a non-image input and bad constructor arguments', () => {
    expect(() => layer.forward(tensor(randomValues(27), [1, 27]))).toThrow(/Convolution.forward: expected an \(N, C, H, W\) input/);
    expect(() => new Convolution(tensor([1, 2], [2]), tensor([0]))).toThrow('Convolution: W must be 4-D (FN, C, FH, FW), got (2,)');
    expect(() => new Pooling(0, 2)).toThrow('Pooling: poolH must be an integer >= 1, got 0');
    const net = new SimpleConvNet({ seed: 1 });
    expect(() => net.predict(tensor(randomValues(784), [1, 784]))).toThrow(/SimpleConvNet.predict: x must be \(N, 1, 28, 28\)/);
  });
});
