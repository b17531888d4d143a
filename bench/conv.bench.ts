// Convolution and pooling at SimpleConvNet's shapes (batch 100, 1×28×28, 30 filters of 5×5, 2×2
// max pooling) and one whole SimpleConvNet training iteration, wasm SIMD against pure JS in one
// process. Writes bench/results/conv.json.
import { Adam, Convolution, createRng, init, Pooling, setBackend, SimpleConvNet, tensor, type Tensor } from 'scratchnet';
import { machine, markdownTable, medians, save } from './report.js';

await init();
const quick = process.argv.includes('--quick');
const rng = createRng(0);
const random = (shape: number[], scale = 1) => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()), shape);

const x = random([100, 1, 28, 28]);
const t = tensor(Array.from({ length: 100 }, (_, i) => i % 10));
const conv = new Convolution(random([30, 1, 5, 5], 0.1), random([30], 0.1));
const convOut = conv.forward(x);
const dConv = random(convOut.shape as number[]);
const pool = new Pooling(2, 2, 2);
const poolIn = random([100, 30, 24, 24]);
const poolOut = pool.forward(poolIn);
const dPool = random(poolOut.shape as number[]);
const net = new SimpleConvNet({ seed: 1 });
const adam = new Adam({ lr: 0.001 });

const cases: [string, number, () => unknown][] = [
  // [name, FLOPs or 0, work]
  ['conv forward (100×1×28×28, 30×5×5)', 2 * 100 * 576 * 30 * 25, () => conv.forward(x)],
  ['conv backward, dx too', 4 * 100 * 576 * 30 * 25, () => conv.backward(dConv)],
  ['conv backward, dW and db only', 2 * 100 * 576 * 30 * 25, () => conv.backwardParams(dConv)],
  ['max pool forward (100×30×24×24, 2×2/2)', 0, () => pool.forward(poolIn)],
  ['max pool backward', 0, () => pool.backward(dPool)],
  ['SimpleConvNet training iteration (batch 100, Adam)', 0, () => adam.update(net.params, net.gradient(x, t))],
];

const rows: (string | number)[][] = [];
const results = [];
for (const [name, flops, work] of cases) {
  const run = (backend: 'wasm' | 'js') => () => {
    setBackend(backend);
    work();
  };
  const ms = await medians({ wasm: run('wasm'), js: run('js') }, quick ? 100 : 1000);
  const gflops = (m: number) => (flops ? (flops / m / 1e6).toFixed(1) : '–');
  rows.push([name, ms.wasm.toFixed(3), gflops(ms.wasm), ms.js.toFixed(2), gflops(ms.js), (ms.js / ms.wasm).toFixed(1) + '×']);
  results.push({ name, wasmMs: ms.wasm, jsMs: ms.js, flops });
}
setBackend('wasm');
const m = machine();
console.log(`Convolution, pooling and SimpleConvNet, one thread — ${m.cpu}, Node ${m.node}\n`);
console.log(markdownTable(['operation', 'wasm ms', 'wasm GFLOP/s', 'JS ms', 'JS GFLOP/s', 'wasm/JS'], rows));
console.log(`\nwrote ${save('conv', { results })}`);
export type { Tensor };
