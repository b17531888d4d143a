// Per-channel batch normalization and global average pooling: the wasm kernels against their JS
// twin (sizes that do not fill a vector, misaligned offsets), the statistics against a float64
// reference written here (PyTorch's BatchNorm2d rules), gradients against numerical ones, the
// layers in a Sequential, and their ONNX export run in onnxruntime.
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  BatchNorm2d, createRng, deserializeModel, GlobalAvgPool, gradientCheck, init, layers as L, ones, randn, Sequential, serializeModel,
  setBackend, tensor, toOnnx, zeros,
} from '../src/index.js';
import { backendKernels } from '../src/backend/runtime.js';
import { expectClose, randomValues, read, region, write } from './helpers.js';

beforeAll(() => init());

const SIZES = [1, 3, 5, 17, 63];

// Per channel of x (N, C, HW) in float64: mean, biased variance (what normalizes) and unbiased
// variance (what the running estimate takes), as torch.nn.BatchNorm2d defines them.
function channelStats64(x: ArrayLike<number>, N: number, C: number, HW: number) {
  const mean: number[] = [], biased: number[] = [], unbiased: number[] = [];
  for (let c = 0; c < C; c++) {
    const v: number[] = [];
    for (let n = 0; n < N; n++) for (let i = 0; i < HW; i++) v.push(x[(n * C + c) * HW + i]);
    const mu = v.reduce((a, b) => a + b, 0) / v.length;
    const ss = v.reduce((a, b) => a + (b - mu) ** 2, 0);
    mean.push(mu);
    biased.push(ss / v.length);
    unbiased.push(ss / (v.length - 1));
  }
  return { mean, biased, unbiased };
}

describe('kernels: wasm against the JS twin', () => {
  test.each(SIZES)('f32_bn2d_stats, _fwd and _bwd at H·W = %i, N = 3, C = 2, misaligned', (HW) => {
    const N = 3, C = 2, size = N * C * HW;
    const xv = randomValues(size, -2, 3), dyv = randomValues(size), gv = randomValues(C, 0.5, 1.5), bv = randomValues(C);
    const out: Record<string, Float32Array[]> = {};
    for (const backend of ['wasm', 'js'] as const) {
      const k = backendKernels(backend);
      const [x, dy, gamma, beta, mean, variance, xn, y, dx, dg, db] = [size, size, C, C, C, C, size, size, size, C, C].map((n, i) => region(n, (i * 4) % 16));
      write(x, xv); write(dy, dyv); write(gamma, gv); write(beta, bv);
      k.f32_bn2d_stats(x, mean, variance, N, C, HW);
      k.f32_bn2d_fwd(x, mean, variance, gamma, beta, xn, y, N, C, HW, 1e-5);
      k.f32_bn2d_bwd(dy, xn, variance, gamma, dx, dg, db, N, C, HW, 1e-5);
      out[backend] = [read(mean, C), read(variance, C), read(xn, size), read(y, size), read(dx, size), read(dg, C), read(db, C)];
    }
    const names = ['mean', 'variance', 'xn', 'y', 'dx', 'dgamma', 'dbeta'];
    out.wasm.forEach((a, i) => expectClose(a, out.js[i], 1e-4, 1e-5, names[i]));
    const ref = channelStats64(xv, N, C, HW);
    expectClose(out.js[0], ref.mean, 1e-6, 1e-7, 'mean vs float64');
    expectClose(out.js[1], ref.biased, 1e-5, 1e-7, 'variance vs float64');
  });

  test.each(SIZES)('f32_gap_fwd and _bwd at H·W = %i over 7 planes, misaligned', (HW) => {
    const rows = 7;
    const xv = randomValues(rows * HW), dyv = randomValues(rows);
    const out: Record<string, Float32Array[]> = {};
    for (const backend of ['wasm', 'js'] as const) {
      const k = backendKernels(backend);
      const x = region(rows * HW, 4), y = region(rows, 8), dy = region(rows, 12), dx = region(rows * HW, 0);
      write(x, xv); write(dy, dyv);
      k.f32_gap_fwd(x, y, rows, HW);
      k.f32_gap_bwd(dy, dx, rows, HW);
      out[backend] = [read(y, rows), read(dx, rows * HW)];
    }
    expectClose(out.wasm[0], out.js[0], 1e-5, 1e-6, 'y');
    expectClose(out.wasm[1], out.js[1], 1e-6, 0, 'dx');
    const means = Array.from({ length: rows }, (_, r) => xv.slice(r * HW, (r + 1) * HW).reduce((a, b) => a + b, 0) / HW);
    expectClose(out.js[0], means, 1e-6, 1e-7, 'means vs float64');
  });
});

describe.each(['wasm', 'js'] as const)('layers (%s backend)', (backend) => {
  beforeAll(() => setBackend(backend));

  test("batchNorm2d normalizes per channel with the batch's biased variance and updates the running statistics like PyTorch", () => {
    const N = 4, C = 3, H = 5, W = 2, HW = H * W;
    const x = randn([N, C, H, W], createRng(1));
    const xv = Float64Array.from(x.data);
    const gamma = tensor([1, 2, 0.5]), beta = tensor([0, -1, 3]);
    const layer = new BatchNorm2d(gamma, beta, { momentum: 0.75 });
    expect(layer.runningMean.toArray()).toEqual([0, 0, 0]);
    expect(layer.runningVar.toArray()).toEqual([1, 1, 1]);
    const y = layer.forward(x, true).data;
    const ref = channelStats64(xv, N, C, HW);
    const expected = Array.from(xv, (v, i) => {
      const c = Math.floor(i / HW) % C;
      return gamma.data[c] * (v - ref.mean[c]) / Math.sqrt(ref.biased[c] + 1e-5) + beta.data[c];
    });
    expectClose(y, expected, 1e-4, 1e-5, 'y');
    // running = 0.75·running + 0.25·batch, with the unbiased variance (PyTorch's momentum 0.25)
    expectClose(layer.runningMean.data, ref.mean.map((m) => 0.25 * m), 1e-5, 1e-7, 'runningMean');
    expectClose(layer.runningVar.data, ref.unbiased.map((v) => 0.75 + 0.25 * v), 1e-5, 1e-7, 'runningVar');
    // eval mode normalizes with the running statistics
    const ye = layer.forward(x, false).data;
    const rm = layer.runningMean.data, rv = layer.runningVar.data;
    expectClose(ye, Array.from(xv, (v, i) => {
      const c = Math.floor(i / HW) % C;
      return gamma.data[c] * (v - rm[c]) / Math.sqrt(rv[c] + 1e-5) + beta.data[c];
    }), 1e-4, 1e-5, 'eval');
    layer.dispose();
  });

  test('batchNorm2d refuses one value per channel in training, and wrong shapes, naming itself', () => {
    const layer = new BatchNorm2d(ones([2]), zeros([2]));
    expect(() => layer.forward(zeros([1, 2, 1, 1]), true)).toThrow('BatchNorm2d.forward: training needs more than one value per channel, got x (1, 2, 1, 1)');
    expect(() => layer.forward(zeros([2, 3, 2, 2]), true)).toThrow('BatchNorm2d.forward: expected x of shape (N, 2, H, W) with N, H, W >= 1, got (2, 3, 2, 2)');
    expect(() => new BatchNorm2d(ones([2]), zeros([3]))).toThrow(/^BatchNorm2d: gamma and beta must be 1-D of the same length/);
    expect(() => new Sequential({ inputShape: [8], layers: [L.batchNorm2d(), L.dense({ units: 2 })] }))
      .toThrow('Sequential: layer 1 (batchNorm2d), input (8,): expects images (C, H, W) per sample, got (8) from the layer before');
    layer.dispose();
  });

  test('globalAvgPool2d gives the mean of each plane, and spreads the gradient evenly', () => {
    const x = tensor([1, 2, 3, 4, 10, 20, 30, 40, -1, -1, -1, 5], [1, 3, 2, 2]);
    const layer = new GlobalAvgPool();
    expect(layer.forward(x).toArray()).toEqual([2.5, 25, 0.5]);
    expect(layer.backward(tensor([4, 8, -2], [1, 3])).toArray()).toEqual([1, 1, 1, 1, 2, 2, 2, 2, -0.5, -0.5, -0.5, -0.5]);
    layer.dispose();
  });

  test('a network with batchNorm2d and globalAvgPool2d passes the gradient check; numbering like batch norm', () => {
    const net = new Sequential({
      inputShape: [2, 5, 5],
      layers: [L.conv2d({ filters: 3, kernelSize: 3, pad: 1, init: 'xavier' }), L.batchNorm2d(), L.tanh(),
        L.conv2d({ filters: 4, kernelSize: 3, init: 'xavier' }), L.batchNorm2d({ momentum: 0.5, eps: 1e-3 }), L.elu(),
        L.globalAvgPool2d(), L.dense({ units: 3, init: 'xavier' })],
      seed: 3,
    });
    expect(Object.keys(net.params)).toEqual(['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'gamma2', 'beta2', 'W3', 'b3']);
    expect(Object.keys(net.buffers)).toEqual(['runningMean1', 'runningVar1', 'runningMean2', 'runningVar2']);
    expect(net.params.gamma2.shape).toEqual([4]);
    const x = randn([4, 2, 5, 5], createRng(4));
    // random gammas and betas, so that their gradients are not special
    net.params.gamma1.data.set([0.7, 1.3, 1.1]);
    net.params.beta2.data.set([0.1, -0.2, 0.3, 0]);
    for (const [name, r] of Object.entries(gradientCheck(net, x, tensor([0, 1, 2, 1])))) {
      // b1 and b2 feed a batch norm, which subtracts them again: their gradients are zero up to rounding
      if (name === 'b1' || name === 'b2') continue;
      expect(r.relError, name).toBeLessThan(5e-3);
    }
    const copy = deserializeModel(serializeModel(net));
    const a = net.predict(x), b = copy.predict(x);
    expect(b.toArray()).toEqual(a.toArray());
    for (const t of [a, b, x]) t.dispose();
    copy.dispose();
    net.dispose();
  });
});

test('ONNX: BatchNormalization and GlobalAveragePool give the scores predict() gives in onnxruntime', async () => {
  setBackend('wasm');
  const net = new Sequential({
    inputShape: [1, 8, 8],
    layers: [L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.batchNorm2d({ eps: 1e-3 }), L.relu(), L.globalAvgPool2d(), L.dense({ units: 3 })],
    seed: 2,
  });
  const x = randn([5, 1, 8, 8], createRng(7));
  // move the running statistics away from (0, 1)
  for (let i = 0; i < 3; i++) net.predict(x, true).dispose();
  const session = await ort.InferenceSession.create(toOnnx(net));
  const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]) });
  await session.release();
  const scores = net.predict(x);
  expectClose(result.logits.data as Float32Array, scores.data, 1e-4, 1e-5, 'logits');
  for (const t of [scores, x]) t.dispose();
  net.dispose();
});
