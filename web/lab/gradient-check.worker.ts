// Page 2's worker: TwoLayerNet's backprop against numerical gradients on three MNIST images, at the
// page's h; the error of each parameter's numerical gradient over a sweep of h; and, for b1, each
// hidden unit's error beside its distance from the ReLU kink.
import { gradientCheck, matmul, numericalGradient, tensor, TwoLayerNet, type GradientCheckResult, type Tensor } from 'scratchnet';
import { fetchMnist } from './mnist.js';
import { serve } from './worker-base.js';

export type ToWorker = { type: 'check'; run: number; h: number; seed: number };
export type FromWorker = {
  type: 'checked'; run: number; h: number;
  results: Record<string, GradientCheckResult>;
  /** mean |backprop − numerical| of b1, W2 and b2 at each of SWEEP_H. */
  sweep: Record<string, number[]>;
  /** Per hidden unit j: |backprop − numerical| of b1[j] at h, and min over the batch of |a_j|,
   *  the pre-activation's distance from ReLU's kink at 0. */
  units: { diff: number[]; kink: number[] };
  seconds: number;
};

export const SWEEP_H = [1e-7, 3e-7, 1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1];
const SWEPT = ['b1', 'W2', 'b2']; // W1's 39 200 elements would take a minute per h
const BATCH = 3; // as gradient_check.py

let x: Tensor, t: Tensor;

const meanAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

const post = serve<ToWorker, FromWorker>(({ run, h, seed }) => {
  const start = performance.now();
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed });
  try {
    const results = gradientCheck(net, x, t, h);
    const analytic = Object.fromEntries(Object.entries(net.gradient(x, t)).map(([name, g]) => [name, g.data.slice()]));
    const numeric = (name: string, step: number): Float32Array => {
      const g = numericalGradient(() => net.loss(x, t, true), net.params[name], step);
      const data = g.data.slice();
      g.dispose();
      return data;
    };
    const sweep = Object.fromEntries(SWEPT.map((name) => [name, SWEEP_H.map((step) => meanAbsDiff(analytic[name], numeric(name, step)))]));
    // a = x·W1 + b1: b1[j] ± h moves every a_j by h, so it crosses the kink where some |a_ij| < h
    const xw = matmul(x, net.params.W1);
    const b1 = net.params.b1.data, hidden = b1.length;
    const kink = Array.from({ length: hidden }, (_, j) => Math.min(...Array.from({ length: BATCH }, (_, i) => Math.abs(xw.data[i * hidden + j] + b1[j]))));
    xw.dispose();
    const numB1 = numeric('b1', h);
    const diff = Array.from(numB1, (v, j) => Math.abs(v - analytic.b1[j]));
    post({ type: 'checked', run, h, results, sweep, units: { diff, kink }, seconds: (performance.now() - start) / 1000 });
  } finally {
    net.dispose();
  }
}, async () => {
  const mnist = await fetchMnist({ trainSize: BATCH, testSize: 1 });
  x = tensor(mnist.xTrain.data.slice(0, BATCH * 784), [BATCH, 784]);
  t = tensor(mnist.tTrain.data.slice(0, BATCH), [BATCH]);
  for (const d of Object.values(mnist)) d.dispose();
});
