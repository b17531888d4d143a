// One kernel thread against two (init({ threads: 2 }), then setThreads(1) or setThreads(2) before
// each call), side by side in one process on the wasm backend: big GEMMs, TwoLayerNet's Affine
// products, SimpleConvNet's convolution, ReLU and pooling, and three whole training steps.
// Writes bench/results/threads.{json,md}.
import { Convolution, gemm, init, Pooling, randn, Relu, setThreads, threadCount, zeros } from 'scratchnet';
import {
  AFFINE_GEMMS, CONV_FLOPS, CONV_IN, CONV_OUT, CONV_W, deepConvNetStep, randomTensor, simpleConvNetStep, twoLayerNetStep, threadsReady } from './fixtures.js';
import { fmtMs, gflops, machine, medians, publish, speedup, type Cell } from './report.js';

await init({ threads: 2 });
await threadsReady();
setThreads(2);
if (threadCount() !== 2) throw new Error(`threads bench: expected 2 kernel threads, got ${threadCount()}`);

/** [row label, FLOPs or 0, work, target speed-up from issue 6 or undefined] */
const cases: [string, number, () => unknown, number?][] = [];

for (const n of [512, 1024]) {
  const a = randn([n, n]), b = randn([n, n]), c = zeros([n, n]);
  cases.push([`GEMM ${n}×${n}·${n}×${n}`, 2 * n ** 3, () => gemm(a, b, c), n === 512 ? 1.7 : undefined]);
}
for (const [label, aShape, bShape, transA, transB] of AFFINE_GEMMS) {
  const a = randn(aShape), b = randn(bShape);
  const M = transA ? aShape[1] : aShape[0], K = transA ? aShape[0] : aShape[1], N = transB ? bShape[0] : bShape[1];
  const c = zeros([M, N]);
  cases.push([`TwoLayerNet GEMM ${label}`, 2 * M * N * K, () => gemm(a, b, c, { transA, transB })]);
}

const x = randomTensor(CONV_IN);
const conv = new Convolution(randomTensor(CONV_W, 0.1), randomTensor([30], 0.1));
conv.forward(x);
const dConv = randomTensor(CONV_OUT);
cases.push(['conv forward (100×1×28×28, 30×5×5)', CONV_FLOPS, () => conv.forward(x)]);
cases.push(['conv backward, dx too', 2 * CONV_FLOPS, () => conv.backward(dConv)]);
cases.push(['conv backward, dW and db only', CONV_FLOPS, () => conv.backwardParams(dConv)]);

const act = randomTensor(CONV_OUT);
const relu = new Relu();
const pool = new Pooling(2, 2, 2);
cases.push(['ReLU forward (100×30×24×24)', 0, () => relu.forward(act)]);
cases.push(['max pool forward (100×30×24×24, 2×2/2)', 0, () => pool.forward(act)]);

cases.push(['TwoLayerNet training step (784-50-10, batch 100, SGD)', 0, twoLayerNetStep()]);
cases.push(['SimpleConvNet training step (batch 100, Adam)', 0, simpleConvNetStep(), 1.5]);
cases.push(['DeepConvNet training step (batch 100, Adam)', 0, deepConvNetStep(100)]);

const rows: Cell[][] = [];
const results = [];
const missed: string[] = [];
for (const [name, flops, work, target] of cases) {
  const ms = await medians({
    one: () => {
      setThreads(1);
      work();
    },
    two: () => {
      setThreads(2);
      work();
    },
  }, 1000);
  const ratio = ms.one! / ms.two!;
  if (target && ratio < target) missed.push(`${name}: ${ratio.toFixed(2)}× < ${target}×`);
  rows.push([name, fmtMs(ms.one), fmtMs(ms.two), speedup(ms.one, ms.two), gflops(flops, ms.one), gflops(flops, ms.two), target ? `≥ ${target}×` : '']);
  results.push({ name, oneThreadMs: ms.one, twoThreadsMs: ms.two, speedup: ratio, flops, target });
}
setThreads(2);
const m = machine();
publish('threads', {
  title: 'One kernel thread against two, wasm SIMD',
  header: ['work item', '1 thread ms', '2 threads ms', 'speed-up', '1 thread GFLOP/s', '2 threads GFLOP/s', 'target'],
  rows,
  notes: [
    `init({ threads: 2 }) on ${m.cores} cores; setThreads(1 | 2) before each call. Kernels below about 2 MFLOP per thread ` +
      'stay on the calling thread. Targets from issue 6.',
    ...(missed.length ? [`Below target in this run: ${missed.join('; ')}.`] : []),
  ],
  data: { results },
});
