// scratchnet (wasm SIMD) against TensorFlow.js 4 with its wasm backend (XNNPACK, SIMD binary, one
// thread) and its pure-JS cpu backend, in one process: the three GEMMs of a 784-50-10 Affine layer
// with batch 100, a 512³ GEMM, and one TwoLayerNet training step. Writes bench/results/peers.json.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Bench } from 'tinybench';
import { createRng, gemm, init, MiniBatches, SGD, setBackend, tensor, TwoLayerNet, zeros, type Tensor } from 'scratchnet';
import { machine, markdownTable, save } from './report.js';

const quick = process.argv.includes('--quick');

/** Median ms of fn after a tinybench warmup; big items get fewer minimum iterations. */
async function median(fn: () => void, big = false): Promise<number> {
  const bench = new Bench({
    time: quick ? 100 : big ? 1000 : 400,
    warmupTime: 100,
    iterations: big ? 8 : 64,
    warmupIterations: big ? 3 : 16,
  });
  bench.add('task', fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed') throw new Error(`bench: task did not complete (${r.state})`);
  return r.latency.p50;
}

const rng = createRng(0);
const randomArray = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

interface Gemm { name: string; a: [number, number]; b: [number, number]; transA: boolean; transB: boolean; big: boolean }
const GEMMS: Gemm[] = [
  { name: 'GEMM X·W (100×784 · 784×50)', a: [100, 784], b: [784, 50], transA: false, transB: false, big: false },
  { name: 'GEMM dY·Wᵀ (100×50 · (784×50)ᵀ)', a: [100, 50], b: [784, 50], transA: false, transB: true, big: false },
  { name: 'GEMM Xᵀ·dY ((100×784)ᵀ · 100×50)', a: [100, 784], b: [100, 50], transA: true, transB: false, big: false },
  { name: 'GEMM 512×512 · 512×512', a: [512, 512], b: [512, 512], transA: false, transB: false, big: true },
];
const gemmData = GEMMS.map((g) => ({ a: randomArray(g.a[0] * g.a[1]), b: randomArray(g.b[0] * g.b[1]) }));

// training data: random MNIST-like pixels and one-hot labels, as in train-step.bench.ts
const n = 1000;
const xData = Float32Array.from({ length: n * 784 }, () => (rng.uniform() < 0.8 ? 0 : rng.uniform()));
const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
const tData = Float32Array.from({ length: n * 10 }, (_, i) => (labels[Math.floor(i / 10)] === i % 10 ? 1 : 0));

const STEP = 'TwoLayerNet training step (784-50-10, batch 100, SGD)';
type Side = 'scratchnet' | 'tfjs-wasm' | 'tfjs-cpu';
const ms: Record<string, Partial<Record<Side, number>>> = {};
const put = (item: string, side: Side, value: number) => ((ms[item] ??= {})[side] = value);

// ---- scratchnet, wasm backend
await init();
setBackend('wasm');
for (const [i, g] of GEMMS.entries()) {
  const a: Tensor = tensor(gemmData[i]!.a, g.a);
  const b: Tensor = tensor(gemmData[i]!.b, g.b);
  const M = g.transA ? g.a[1] : g.a[0];
  const N = g.transB ? g.b[0] : g.b[1];
  const c = zeros([M, N]);
  put(g.name, 'scratchnet', await median(() => gemm(a, b, c, { transA: g.transA, transB: g.transB }), g.big));
  for (const t of [a, b, c]) t.dispose();
}
{
  const network = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1 });
  const optimizer = new SGD({ lr: 0.1 });
  const batches = new MiniBatches(tensor(xData, [n, 784]), tensor(tData, [n, 10]), 100, createRng(2));
  put(STEP, 'scratchnet', await median(() => {
    const [xb, tb] = batches.sample();
    optimizer.update(network.params, network.gradient(xb, tb));
  }));
}

// ---- TensorFlow.js: wasm backend forced to the non-threaded SIMD binary and one thread, then cpu
const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
const simdWasm = join(wasmDir, 'tfjs-backend-wasm-simd.wasm');
// every entry points at the non-threaded SIMD binary, so whichever variant tfjs picks loads it
setWasmPaths({
  'tfjs-backend-wasm.wasm': simdWasm,
  'tfjs-backend-wasm-simd.wasm': simdWasm,
  'tfjs-backend-wasm-threaded-simd.wasm': simdWasm,
});
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setThreadsCount(1);

const tfConfig: Record<string, unknown> = { version: tf.version.tfjs };
for (const side of ['tfjs-wasm', 'tfjs-cpu'] as const) {
  const backend = side === 'tfjs-wasm' ? 'wasm' : 'cpu';
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to initialize`);
  if (side === 'tfjs-wasm') {
    tfConfig.wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    tfConfig.wasmMultithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    tfConfig.wasmThreads = getThreadsCount();
    tfConfig.wasmBinary = simdWasm.slice(simdWasm.indexOf('node_modules'));
  }
  for (const [i, g] of GEMMS.entries()) {
    const a = tf.tensor2d(gemmData[i]!.a, g.a);
    const b = tf.tensor2d(gemmData[i]!.b, g.b);
    // tf.matMul allocates its output each call; dispose it so the pool does not grow
    put(g.name, side, await median(() => tf.matMul(a, b, g.transA, g.transB).dispose(), g.big));
    tf.dispose([a, b]);
  }

  // TwoLayerNet as in the book: Affine - ReLU - Affine - softmax cross-entropy (mean over the
  // batch), weights N(0, 0.01²), biases 0; gradients by tf.variableGrads, plain SGD lr 0.1.
  const x = tf.tensor2d(xData, [n, 784]);
  const t = tf.tensor2d(tData, [n, 10]);
  const W1 = tf.variable(tf.randomNormal([784, 50], 0, 0.01, 'float32', 1));
  const b1 = tf.variable(tf.zeros([50]));
  const W2 = tf.variable(tf.randomNormal([50, 10], 0, 0.01, 'float32', 2));
  const b2 = tf.variable(tf.zeros([10]));
  const optimizer = tf.train.sgd(0.1);
  const batchRng = createRng(2);
  const idx = new Int32Array(100);
  put(STEP, side, await median(() => {
    for (let i = 0; i < idx.length; i++) idx[i] = batchRng.int(n);
    tf.tidy(() => {
      const indices = tf.tensor1d(idx, 'int32');
      const xb = tf.gather(x, indices);
      const tb = tf.gather(t, indices);
      const { grads } = tf.variableGrads(() => {
        const h = tf.relu(tf.add(tf.matMul(xb, W1), b1));
        return tf.losses.softmaxCrossEntropy(tb, tf.add(tf.matMul(h, W2), b2));
      });
      optimizer.applyGradients(grads);
    });
  }));
  optimizer.dispose();
  tf.dispose([x, t, W1, b1, W2, b2]);
  tfConfig[`${side}NumTensorsAfter`] = tf.memory().numTensors;
}

// ---- report
const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(3));
const ratio = (num: number | undefined, den: number | undefined) =>
  num === undefined || den === undefined ? 'n/a' : (num / den).toFixed(1) + '×';
const rows = Object.entries(ms).map(([item, r]) => [
  item, fmt(r.scratchnet), fmt(r['tfjs-wasm']), fmt(r['tfjs-cpu']),
  ratio(r['tfjs-wasm'], r.scratchnet), ratio(r['tfjs-cpu'], r.scratchnet),
]);
const m = machine();
console.log(`scratchnet vs TensorFlow.js ${tf.version.tfjs}, one thread each, median ms — ${m.cpu}, ${m.cores} cores, Node ${m.node}`);
console.log(`tfjs-wasm: SIMD ${String(tfConfig.wasmSimd)}, multithread ${String(tfConfig.wasmMultithread)}, ` +
  `XNNPACK threads ${String(tfConfig.wasmThreads)}, binary ${String(tfConfig.wasmBinary)}\n`);
console.log(markdownTable(
  ['work item', 'scratchnet ms', 'tfjs-wasm ms', 'tfjs-cpu ms', 'tfjs-wasm / scratchnet', 'tfjs-cpu / scratchnet'], rows));
console.log(`\nwrote ${save('peers', { tfjs: tfConfig, results: ms })}`);
