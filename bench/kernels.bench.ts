// Every kernel family but GEMM and convolution (gemm and conv suites) at the shapes training uses,
// wasm SIMD against the pure-JS twin in one process, one thread: through the public layers and
// optimizers where they are the natural entry (setBackend switches their kernels), else the raw
// kernels of both backends on tensors' byte offsets. Writes bench/results/kernels.{json,md}.
import {
  AdaGrad, Adam, AvgPooling, BatchNormalization, Dropout, empty, init, Momentum, Nesterov, ones, Pooling, Relu,
  RMSprop, setBackend, SGD, Sigmoid, SimpleConvNet, SoftmaxWithLoss, Tanh, tensor, zeros,
  type BackendName, type Layer, type Optimizer, type Tensor,
} from 'scratchnet';
import { CONV_IN, CONV_OUT, randomTensor, rawKernels, rng, scratch, size } from './fixtures.js';
import { fmtMs, gbps, medians, publish, speedup, type Cell } from './report.js';

await init({ threads: 1 }); // one thread: the wasm kernels against the single-threaded JS twin
const kernels = await rawKernels();

/** [row label, bytes moved (each input read once, each output written once; 0 = too small to
 *  say), the work on one backend]. */
type Case = [string, number, (backend: BackendName) => void];
const cases: Case[] = [];
// a layer or optimizer: the active backend's kernels
const viaBackend = (fn: () => unknown) => (backend: BackendName) => {
  setBackend(backend);
  fn();
};

// ---- activations at SimpleConvNet's convolution output (100×30×24×24 = 1.73 M floats)
const act = size(CONV_OUT);
const actX = randomTensor(CONV_OUT);
const actDy = randomTensor(CONV_OUT);
for (const [name, layer] of [['ReLU', new Relu()], ['Sigmoid', new Sigmoid()], ['Tanh', new Tanh()]] as [string, Layer][]) {
  layer.forward(actX);
  cases.push([`${name} forward (100×30×24×24)`, 8 * act, viaBackend(() => layer.forward(actX))]);
  cases.push([`${name} backward`, 12 * act, viaBackend(() => layer.backward(actDy))]);
}

// ---- softmax with cross-entropy loss over 100 × 10 scores, label indices
const scores = randomTensor([100, 10]);
const labels = tensor(Array.from({ length: 100 }, (_, i) => i % 10));
const softmax = new SoftmaxWithLoss();
softmax.forward(scores, labels);
cases.push(['softmax-with-loss forward (100×10)', 0, viaBackend(() => softmax.forward(scores, labels))]);
cases.push(['softmax-with-loss backward', 0, viaBackend(() => softmax.backward())]);

// ---- Affine's bias: add to each row (forward), sum the rows (db); SimpleConvNet's hidden layer
const affineOut = randomTensor([100, 100]);
const bias = randomTensor([100]);
const db = empty([100]);
cases.push(['Affine bias add, rows (100×100)', 4 * (2 * 100 * 100 + 100), (b) =>
  kernels[b].f32_bias_add_rows(affineOut.offset, bias.offset, affineOut.offset, 100, 100)]);
cases.push(['Affine db: sum of rows (100×100)', 4 * (100 * 100 + 100), (b) =>
  kernels[b].f32_sum_rows(affineOut.offset, db.offset, 100, 100)]);
const convDb = empty([30]);
cases.push(['Convolution db: sum per channel (100×30×24×24)', 4 * (act + 30), (b) =>
  kernels[b].f32_sum_channels(actDy.offset, convDb.offset, 100, 30, 576)]);

// ---- batch normalization and dropout over 100 × 100, training mode
const bnX = randomTensor([100, 100]);
const bnDy = randomTensor([100, 100]);
const bn = new BatchNormalization(ones([100]), zeros([100]));
bn.forward(bnX, true);
cases.push(['BatchNormalization forward, train (100×100)', 4 * 3 * 100 * 100, viaBackend(() => bn.forward(bnX, true))]);
cases.push(['BatchNormalization backward', 4 * 3 * 100 * 100, viaBackend(() => bn.backward(bnDy))]);
const dropout = new Dropout(0.5, { seed: 1 });
cases.push(['Dropout forward, train (100×100, ratio 0.5)', 4 * 3 * 100 * 100, viaBackend(() => dropout.forward(bnX, true))]);

// ---- the book's im2col and col2im at SimpleConvNet's convolution (100×1×28×28, 5×5, stride 1)
const convX = randomTensor(CONV_IN);
const col = empty([100 * 24 * 24, 25]);
const convDx = empty(CONV_IN);
const colBytes = 4 * (size(CONV_IN) + col.size);
cases.push(['im2col, book layout (100×1×28×28 → 57600×25)', colBytes, (b) =>
  kernels[b].f32_im2col(convX.offset, col.offset, 100, 1, 28, 28, 5, 5, 1, 0)]);
cases.push(['col2im (57600×25 → 100×1×28×28)', colBytes, (b) =>
  kernels[b].f32_col2im(col.offset, convDx.offset, 100, 1, 28, 28, 5, 5, 1, 0)]);

// ---- pooling 2×2, stride 2, over the convolution output
const maxPool = new Pooling(2, 2, 2);
const avgPool = new AvgPooling(2, 2, 2);
const pooledDy = randomTensor([100, 30, 12, 12]);
maxPool.forward(actX);
avgPool.forward(actX);
// max: x in, y and the argmax out (a quarter each); backward the reverse
cases.push(['max pool forward (100×30×24×24, 2×2/2)', 6 * act, viaBackend(() => maxPool.forward(actX))]);
cases.push(['max pool backward', 6 * act, viaBackend(() => maxPool.backward(pooledDy))]);
cases.push(['avg pool forward', 5 * act, viaBackend(() => avgPool.forward(actX))]);
cases.push(['avg pool backward', 5 * act, viaBackend(() => avgPool.backward(pooledDy))]);

// ---- transpose of SimpleConvNet's largest weight (4320 × 100)
const tIn = randomTensor([4320, 100]);
const tOut = empty([100, 4320]);
cases.push(['transpose (4320×100)', 8 * tIn.size, (b) => kernels[b].f32_transpose(tIn.offset, tOut.offset, 4320, 100)]);

// ---- optimizer updates of SimpleConvNet's parameters, gradients of one batch
const net = new SimpleConvNet({ seed: 1 });
const grads = net.gradient(randomTensor(CONV_IN), labels);
const params: Record<string, Tensor> = net.params;
const paramFloats = Object.values(params).reduce((s, p) => s + p.size, 0);
const optimizers: [string, Optimizer, number][] = [ // [name, optimizer, floats read + written per parameter]
  ['SGD', new SGD({ lr: 1e-4 }), 3],
  ['Momentum', new Momentum({ lr: 1e-4 }), 5],
  ['Nesterov', new Nesterov({ lr: 1e-4 }), 5],
  ['AdaGrad', new AdaGrad({ lr: 1e-4 }), 5],
  ['RMSprop', new RMSprop({ lr: 1e-4 }), 5],
  ['Adam', new Adam({ lr: 1e-4 }), 7],
];
for (const [name, optimizer, floats] of optimizers) {
  cases.push([`${name} update (SimpleConvNet, ${(paramFloats / 1000).toFixed(0)} k parameters)`, 4 * floats * paramFloats,
    viaBackend(() => optimizer.update(params, grads))]);
}

// ---- data: MNIST's 60 000 training images from bytes to floats (÷ 255), and a mini-batch of 100
const pixels = 60000 * 784;
const bytes = scratch(pixels);
{
  const view = new Uint8Array(bytes.data.buffer, bytes.offset, pixels);
  for (let i = 0; i < pixels; i++) view[i] = rng.uniform() < 0.8 ? 0 : rng.int(256);
}
const images = empty([60000, 784]);
cases.push(['u8 → f32, MNIST training set (60000×784, ÷255)', 5 * pixels, (b) =>
  kernels[b].f32_from_u8(bytes.offset, images.offset, pixels, 255)]);
const indices = scratch(4 * 100);
{
  const view = new Int32Array(indices.data.buffer, indices.offset, 100);
  for (let i = 0; i < 100; i++) view[i] = rng.int(60000);
}
const batch = empty([100, 784]);
kernels.wasm.f32_from_u8(bytes.offset, images.offset, pixels, 255);
cases.push(['gather rows: a mini-batch (100 of 60000×784)', 4 * (2 * 100 * 784 + 100), (b) =>
  kernels[b].f32_gather_rows(images.offset, indices.offset, batch.offset, 100, 784)]);

// ---- run
const rows: Cell[][] = [];
const results = [];
for (const [name, moved, work] of cases) {
  const ms = await medians({ wasm: () => work('wasm'), js: () => work('js') });
  rows.push([name, fmtMs(ms.wasm), fmtMs(ms.js), speedup(ms.js, ms.wasm), gbps(moved, ms.wasm), gbps(moved, ms.js)]);
  results.push({ name, wasmMs: ms.wasm, jsMs: ms.js, bytes: moved });
}
setBackend('wasm');
publish('kernels', {
  title: 'Kernels at training shapes, wasm SIMD vs pure JS, one thread',
  header: ['kernel', 'wasm ms', 'JS ms', 'wasm/JS', 'wasm GB/s', 'JS GB/s'],
  rows,
  notes: [
    'wasm/JS: how many times faster the wasm SIMD kernel is than its pure-JS twin. GB/s counts each input read once and ' +
      'each output written once (the kernels may touch memory more); – where the data are too small to say.',
    'Layers and optimizers are timed through their public methods (argument checks included); bias, sums, im2col, ' +
      'col2im, transpose, u8 → f32 and gather through the raw kernels. GEMM and convolution: the gemm and conv tables.',
  ],
  data: { results },
});
