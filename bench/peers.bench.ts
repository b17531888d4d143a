// scratchnet (wasm SIMD, one thread) against TensorFlow.js 4 with its wasm backend (XNNPACK, SIMD
// binary, one thread) and its pure-JS cpu backend, in one process, on the same shapes: the three
// GEMMs of a 784-50-10 Affine layer with batch 100 and a 512³ GEMM; ReLU, softmax cross-entropy,
// max pooling and the three convolution passes at SimpleConvNet's shapes; and TwoLayerNet and
// SimpleConvNet training steps. A kernel TensorFlow.js lacks on a backend shows as "no kernel".
// Writes bench/results/peers.{json,md}.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Convolution, createRng, gemm, init, Pooling, Relu, setBackend, SoftmaxWithLoss, tensor, zeros, type Tensor } from 'scratchnet';
import {
  AFFINE_GEMMS, CONV_IN, CONV_OUT, CONV_W, geometryWriter, mnistLike, randomArray, rawKernels, scratch, simpleConvNetStep, size, twoLayerNetStep,
} from './fixtures.js';
import { fmtMs, median, publish, speedup, type Cell } from './report.js';

type Side = 'scratchnet' | 'tfjs-wasm' | 'tfjs-cpu';
/** Median ms, or the name of the kernel the backend lacks. */
type Result = number | { noKernel: string };

/** A work item: how to set it up on scratchnet, and on TensorFlow.js's active backend. */
interface Item {
  name: string;
  scratchnet: () => () => unknown;
  tfjs: () => { run: () => unknown; dispose: () => void };
}

// ---- shared data: each item's inputs are the same numbers on every side
const gemms = [
  ...AFFINE_GEMMS.map(([label, a, b, transA, transB]) => ({ name: `GEMM ${label}`, a, b, transA, transB })),
  { name: 'GEMM 512×512 · 512×512', a: [512, 512] as [number, number], b: [512, 512] as [number, number], transA: false, transB: false },
];
const gemmData = gemms.map((g) => ({ a: randomArray(g.a[0] * g.a[1]), b: randomArray(g.b[0] * g.b[1]) }));
const mnist = mnistLike(1000);
const act = randomArray(size(CONV_OUT)); // convolution output: ReLU and pooling input
const pooledDy = randomArray(size(CONV_OUT) / 4);
const scores = randomArray(100 * 10);
const labels = Int32Array.from({ length: 100 }, (_, i) => i % 10);
const onehot = Float32Array.from({ length: 1000 }, (_, i) => (labels[Math.floor(i / 10)] === i % 10 ? 1 : 0));
const convX = randomArray(size(CONV_IN));
const convW = randomArray(size(CONV_W), 0.1);
const convB = randomArray(30, 0.1);
const convDy = randomArray(size(CONV_OUT));

// TensorFlow.js works in NHWC with (FH, FW, C, FN) filters; scratchnet in NCHW with (FN, C, FH, FW).
// The costs are the same; the values are the same numbers (not transposed: no result is compared).
const NHWC_IN: [number, number, number, number] = [100, 28, 28, 1];
const NHWC_OUT: [number, number, number, number] = [100, 24, 24, 30];
const HWIO: [number, number, number, number] = [5, 5, 1, 30];
/** A variable holding `init`'s values; init itself is freed (the variable keeps the data). */
const variable = <R extends tf.Rank>(init: tf.Tensor<R>): tf.Variable<R> => {
  const v = tf.variable(init);
  init.dispose();
  return v;
};
const runKernel = (name: string, inputs: tf.NamedTensorMap, attrs: object) =>
  (tf.engine().runKernel(name, inputs, attrs as never) as tf.Tensor).dispose();

const items: Item[] = [
  ...gemms.map((g, i): Item => ({
    name: g.name,
    scratchnet: () => {
      const a: Tensor = tensor(gemmData[i]!.a, g.a);
      const b: Tensor = tensor(gemmData[i]!.b, g.b);
      const c = zeros([g.transA ? g.a[1] : g.a[0], g.transB ? g.b[0] : g.b[1]]);
      return () => gemm(a, b, c, { transA: g.transA, transB: g.transB });
    },
    tfjs: () => {
      const a = tf.tensor2d(gemmData[i]!.a, g.a);
      const b = tf.tensor2d(gemmData[i]!.b, g.b);
      // tf.matMul allocates its output each call; dispose it so the pool does not grow
      return { run: () => tf.matMul(a, b, g.transA, g.transB).dispose(), dispose: () => tf.dispose([a, b]) };
    },
  })),
  {
    name: 'TwoLayerNet training step (784-50-10, batch 100, SGD)',
    scratchnet: () => twoLayerNetStep(mnist),
    // as in the book: Affine - ReLU - Affine - softmax cross-entropy (mean over the batch), weights
    // N(0, 0.01²), biases 0; gradients by tf.variableGrads, plain SGD lr 0.1; the same batches
    tfjs: () => {
      const n = mnist.labels.length;
      const x = tf.tensor2d(mnist.x, [n, 784]);
      const t = tf.tensor2d(mnist.onehot, [n, 10]);
      const W1 = variable(tf.randomNormal([784, 50], 0, 0.01, 'float32', 1));
      const b1 = variable(tf.zeros([50]));
      const W2 = variable(tf.randomNormal([50, 10], 0, 0.01, 'float32', 2));
      const b2 = variable(tf.zeros([10]));
      const optimizer = tf.train.sgd(0.1);
      const batchRng = createRng(2);
      const idx = new Int32Array(100);
      const run = () => {
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
      };
      return { run, dispose: () => { optimizer.dispose(); tf.dispose([x, t, W1, b1, W2, b2]); } };
    },
  },
  {
    name: 'ReLU forward (100×30×24×24)',
    scratchnet: () => {
      const x = tensor(act, CONV_OUT);
      const relu = new Relu();
      return () => relu.forward(x);
    },
    tfjs: () => {
      const x = tf.tensor4d(act, NHWC_OUT);
      return { run: () => tf.relu(x).dispose(), dispose: () => x.dispose() };
    },
  },
  {
    name: 'softmax cross-entropy, forward and backward (100×10)',
    scratchnet: () => {
      const x = tensor(scores, [100, 10]);
      const t = tensor(labels);
      const layer = new SoftmaxWithLoss();
      return () => {
        layer.forward(x, t);
        layer.backward();
      };
    },
    tfjs: () => {
      const x = tf.tensor2d(scores, [100, 10]);
      const t = tf.tensor2d(onehot, [100, 10]);
      const grad = tf.grad((z: tf.Tensor) => tf.losses.softmaxCrossEntropy(t, z));
      return { run: () => tf.tidy(() => { grad(x); }), dispose: () => tf.dispose([x, t]) };
    },
  },
  {
    name: 'max pool forward (100×30×24×24, 2×2/2)',
    scratchnet: () => {
      const x = tensor(act, CONV_OUT);
      const pool = new Pooling(2, 2, 2);
      return () => pool.forward(x);
    },
    tfjs: () => {
      const x = tf.tensor4d(act, NHWC_OUT);
      return { run: () => tf.maxPool(x, 2, 2, 'valid').dispose(), dispose: () => x.dispose() };
    },
  },
  {
    name: 'max pool backward',
    scratchnet: () => {
      const x = tensor(act, CONV_OUT);
      const dy = tensor(pooledDy, [100, 30, 12, 12]);
      const pool = new Pooling(2, 2, 2);
      pool.forward(x);
      return () => pool.backward(dy);
    },
    // the MaxPoolGrad kernel alone, as tf.grad of maxPool calls it
    tfjs: () => {
      const input = tf.tensor4d(act, NHWC_OUT);
      const output = tf.maxPool(input, 2, 2, 'valid');
      const dy = tf.tensor4d(pooledDy, [100, 12, 12, 30]);
      return {
        run: () => runKernel('MaxPoolGrad', { dy, input, output }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid' }),
        dispose: () => tf.dispose([input, output, dy]),
      };
    },
  },
  {
    name: 'conv2d forward with bias (100×1×28×28, 30×5×5)',
    scratchnet: () => {
      const x = tensor(convX, CONV_IN);
      const conv = new Convolution(tensor(convW, CONV_W), tensor(convB));
      return () => conv.forward(x);
    },
    tfjs: () => {
      const x = tf.tensor4d(convX, NHWC_IN);
      const filter = tf.tensor4d(convW, HWIO);
      const bias = tf.tensor1d(convB);
      return {
        run: () => tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'valid' }).dispose(),
        dispose: () => tf.dispose([x, filter, bias]),
      };
    },
  },
  {
    name: 'conv2d backprop input (dx)',
    // the wasm kernel that Convolution.backward runs for dx (the public layer computes dW with it)
    scratchnet: () => {
      const k = kernelsWasm;
      const w = tensor(convW, CONV_W);
      const dy = tensor(convDy, CONV_OUT);
      const dx = zeros(CONV_IN);
      const work = scratch(k.f32_conv_scratch_bytes(1, 28, 28, 30, 5, 5, 1, 0));
      return () => k.f32_conv_bwd_data(w.offset, dy.offset, dx.offset, work.offset, 100, writeGeometry(1, 28, 28, 30, 5, 5, 1, 0, 0));
    },
    tfjs: () => {
      const dy = tf.tensor4d(convDy, NHWC_OUT);
      const filter = tf.tensor4d(convW, HWIO);
      return {
        run: () => runKernel('Conv2DBackpropInput', { dy, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', inputShape: NHWC_IN }),
        dispose: () => tf.dispose([dy, filter]),
      };
    },
  },
  {
    name: 'conv2d backprop filter (dW; scratchnet: dW and db)',
    scratchnet: () => {
      const x = tensor(convX, CONV_IN);
      const conv = new Convolution(tensor(convW, CONV_W), tensor(convB));
      conv.forward(x);
      const dy = tensor(convDy, CONV_OUT);
      return () => conv.backwardParams(dy);
    },
    tfjs: () => {
      const x = tf.tensor4d(convX, NHWC_IN);
      const dy = tf.tensor4d(convDy, NHWC_OUT);
      return {
        run: () => runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: HWIO }),
        dispose: () => tf.dispose([x, dy]),
      };
    },
  },
  {
    name: 'SimpleConvNet training step (batch 100, Adam)',
    scratchnet: () => simpleConvNetStep(convX),
    // conv 30×5×5 - ReLU - max pool 2×2/2 - Affine 4320×100 - ReLU - Affine 100×10 - softmax
    // cross-entropy, weights N(0, 0.01²), biases 0, Adam lr 0.001, as SimpleConvNet
    tfjs: () => {
      const x = tf.tensor4d(convX, NHWC_IN);
      const t = tf.tensor2d(onehot, [100, 10]);
      const W1 = variable(tf.randomNormal<tf.Rank.R4>(HWIO, 0, 0.01, 'float32', 1));
      const b1 = variable(tf.zeros([30]));
      const W2 = variable(tf.randomNormal([4320, 100], 0, 0.01, 'float32', 2));
      const b2 = variable(tf.zeros([100]));
      const W3 = variable(tf.randomNormal([100, 10], 0, 0.01, 'float32', 3));
      const b3 = variable(tf.zeros([10]));
      const optimizer = tf.train.adam(0.001);
      const run = () => tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const c = tf.relu(tf.add(tf.conv2d(x, W1, 1, 'valid'), b1)) as tf.Tensor4D;
          const p = tf.reshape(tf.maxPool(c, 2, 2, 'valid'), [100, 4320]);
          const h = tf.relu(tf.add(tf.matMul(p, W2), b2));
          return tf.losses.softmaxCrossEntropy(t, tf.add(tf.matMul(h, W3), b3));
        });
        // Adam's declared parameter type is narrower than what variableGrads returns (and accepts)
        optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      });
      return { run, dispose: () => { optimizer.dispose(); tf.dispose([x, t, W1, b1, W2, b2, W3, b3]); } };
    },
  },
];

const results: Record<string, Partial<Record<Side, Result>>> = {};
const put = (item: string, side: Side, value: Result) => ((results[item] ??= {})[side] = value);

// ---- scratchnet, wasm backend, one thread
await init({ threads: 1 }); // one thread each, as the peers run
setBackend('wasm');
const kernelsWasm = (await rawKernels()).wasm;
const writeGeometry = await geometryWriter();
for (const item of items) put(item.name, 'scratchnet', await median(item.scratchnet()));

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

// "Kernel 'X' not registered for backend 'Y'": the backend has no such kernel
const missingKernel = (e: unknown) => /Kernel '(\w+)' not registered for backend/.exec(e instanceof Error ? e.message : '')?.[1];

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
  const leaks: Record<string, number> = {};
  for (const item of items) {
    const before = tf.memory().numTensors;
    const { run, dispose } = item.tfjs();
    try {
      run(); // a missing kernel fails here
      put(item.name, side, await median(run));
    } catch (e) {
      const kernel = missingKernel(e);
      if (!kernel) throw e;
      put(item.name, side, { noKernel: kernel });
    }
    dispose();
    const leaked = tf.memory().numTensors - before;
    if (leaked) leaks[item.name] = leaked;
  }
  tfConfig[`${side}LeakedTensors`] = leaks;
}

// ---- report
const missing = new Map<string, Set<string>>(); // kernel name → backends
const cell = (r: Result | undefined) => {
  if (r === undefined) return 'n/a';
  if (typeof r === 'number') return fmtMs(r);
  return `no kernel${'*'.repeat([...missing.keys()].indexOf(r.noKernel) + 1)}`;
};
for (const r of Object.values(results)) {
  for (const side of ['tfjs-wasm', 'tfjs-cpu'] as const) {
    const v = r[side];
    if (v !== undefined && typeof v !== 'number') {
      if (!missing.has(v.noKernel)) missing.set(v.noKernel, new Set());
      missing.get(v.noKernel)!.add(side);
    }
  }
}
const num = (r: Result | undefined) => (typeof r === 'number' ? r : undefined);
const rows: Cell[][] = Object.entries(results).map(([item, r]) => [
  item, cell(r.scratchnet), cell(r['tfjs-wasm']), cell(r['tfjs-cpu']),
  typeof r['tfjs-wasm'] === 'object' ? '–' : speedup(num(r['tfjs-wasm']), num(r.scratchnet)),
  typeof r['tfjs-cpu'] === 'object' ? '–' : speedup(num(r['tfjs-cpu']), num(r.scratchnet)),
]);
const notes = [
  `tfjs-wasm: SIMD ${String(tfConfig.wasmSimd)}, multithread ${String(tfConfig.wasmMultithread)}, ` +
    `XNNPACK threads ${String(tfConfig.wasmThreads)}, binary ${String(tfConfig.wasmBinary)}. TensorFlow.js runs NHWC with ` +
    '(FH, FW, C, FN) filters, scratchnet NCHW with (FN, C, FH, FW): same sizes, same work. Backward passes on TensorFlow.js ' +
    'are its kernels alone (MaxPoolGrad, Conv2DBackpropInput, Conv2DBackpropFilter); softmax cross-entropy is tf.grad of ' +
    'tf.losses.softmaxCrossEntropy.',
  ...[...missing].map(([kernel, sides], i) => `${'*'.repeat(i + 1)} no kernel: TensorFlow.js ${tf.version.tfjs} registers no ` +
    `${kernel} kernel for ${[...sides].join(' and ')} ("Kernel '${kernel}' not registered"), so that pass and any training ` +
    'step that needs it cannot run there.'),
];
publish('peers', {
  title: `scratchnet vs TensorFlow.js ${tf.version.tfjs}, one thread each, median ms`,
  header: ['work item', 'scratchnet ms', 'tfjs-wasm ms', 'tfjs-cpu ms', 'tfjs-wasm / scratchnet', 'tfjs-cpu / scratchnet'],
  rows,
  notes,
  data: { tfjs: tfConfig, results },
});
