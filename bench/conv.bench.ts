// Convolution and pooling at SimpleConvNet's shapes (batch 100, 1×28×28, 30 filters of 5×5, 2×2
// max pooling), and the two joined as a network runs them, wasm SIMD against pure JS in one
// process, one thread (the whole SimpleConvNet iteration: train-step.bench.ts). Writes
// bench/results/conv.{json,md}.
import { Convolution, ConvMaxPool, init, Pooling, setBackend } from 'scratchnet';
import { CONV_FLOPS, CONV_IN, CONV_OUT, CONV_W, randomTensor } from './fixtures.js';
import { fmtMs, gflops, medians, publish, speedup, type Cell } from './report.js';

await init({ threads: 1 }); // one thread: the wasm kernels against the single-threaded JS twin
const x = randomTensor(CONV_IN);
const conv = new Convolution(randomTensor(CONV_W, 0.1), randomTensor([30], 0.1));
conv.forward(x);
const dConv = randomTensor(CONV_OUT);
const pool = new Pooling(2, 2, 2);
const poolIn = randomTensor(CONV_OUT);
const poolOut = pool.forward(poolIn);
const dPool = randomTensor(poolOut.shape as number[]);
// the step a network runs for a convolution and the max pooling after it (execution-order.ts)
const joined = new ConvMaxPool(new Convolution(conv.W, conv.b), new Pooling(2, 2, 2));
joined.forward(x);

const cases: [string, number, () => unknown][] = [
  // [name, FLOPs or 0, work]
  ['conv forward (100×1×28×28, 30×5×5)', CONV_FLOPS, () => conv.forward(x)],
  ['conv backward, dx too', 2 * CONV_FLOPS, () => conv.backward(dConv)],
  ['conv backward, dW and db only', CONV_FLOPS, () => conv.backwardParams(dConv)],
  ['max pool forward (100×30×24×24, 2×2/2)', 0, () => pool.forward(poolIn)],
  ['max pool backward', 0, () => pool.backward(dPool)],
  ['conv forward + max pool, one pass per sample', CONV_FLOPS, () => joined.forward(x)],
  ['max pool backward + conv dW and db, one pass per sample', CONV_FLOPS, () => joined.backwardParams(dPool)],
];

const rows: Cell[][] = [];
const results = [];
for (const [name, flops, work] of cases) {
  const run = (backend: 'wasm' | 'js') => () => {
    setBackend(backend);
    work();
  };
  const ms = await medians({ wasm: run('wasm'), js: run('js') }, 1000);
  rows.push([name, fmtMs(ms.wasm), gflops(flops, ms.wasm), fmtMs(ms.js), gflops(flops, ms.js), speedup(ms.js, ms.wasm)]);
  results.push({ name, wasmMs: ms.wasm, jsMs: ms.js, flops });
}
setBackend('wasm');
publish('conv', {
  title: 'Convolution and pooling, one thread',
  header: ['operation', 'wasm ms', 'wasm GFLOP/s', 'JS ms', 'JS GFLOP/s', 'wasm/JS'],
  rows,
  notes: ['wasm/JS: how many times faster the wasm SIMD kernels are than their pure-JS twins.'],
  data: { results },
});
