// GEMM, wasm SIMD against the pure-JS twin, on the shapes of TwoLayerNet's Affine layers and
// square sizes. Prints median ms, GFLOP/s and the speed ratio; writes bench/results/gemm.json.
import { gemm, init, randn, setBackend, zeros, type Tensor } from 'scratchnet';
import { machine, markdownTable, medians, save } from './report.js';

// (M, K, N) and transposes: X·W, dY·Wᵀ, Xᵀ·dY of a 784-50-10 net with batch 100, and squares
const SHAPES: [number, number, number, boolean, boolean][] = [
  [100, 784, 50, false, false],
  [100, 50, 784, false, true],
  [784, 100, 50, true, false],
  [100, 50, 10, false, false],
  [784, 100, 50, false, false],
  [256, 256, 256, false, false],
  [512, 512, 512, false, false],
];

await init();
const quick = process.argv.includes('--quick');
const rows: (string | number)[][] = [];
const results = [];
for (const [M, K, N, transA, transB] of SHAPES) {
  const a: Tensor = randn(transA ? [K, M] : [M, K]);
  const b: Tensor = randn(transB ? [N, K] : [K, N]);
  const c = zeros([M, N]);
  const run = (backend: 'wasm' | 'js') => () => {
    setBackend(backend);
    gemm(a, b, c, { transA, transB });
  };
  const ms = await medians({ wasm: run('wasm'), js: run('js') }, quick ? 100 : 400);
  const gflops = (t: number) => (2 * M * N * K) / t / 1e6;
  const label = `${M}×${K}·${K}×${N}${transA ? ' (Aᵀ)' : ''}${transB ? ' (Bᵀ)' : ''}`;
  rows.push([label, ms.wasm.toFixed(3), gflops(ms.wasm).toFixed(1), ms.js.toFixed(3), gflops(ms.js).toFixed(2), (ms.js / ms.wasm).toFixed(1) + '×']);
  results.push({ M, K, N, transA, transB, wasmMs: ms.wasm, jsMs: ms.js, wasmGflops: gflops(ms.wasm), jsGflops: gflops(ms.js) });
  for (const t of [a, b, c]) t.dispose();
}
setBackend('wasm');
const m = machine();
console.log(`GEMM, one thread — ${m.cpu}, Node ${m.node}\n`);
console.log(markdownTable(['M×K·K×N', 'wasm ms', 'wasm GFLOP/s', 'JS ms', 'JS GFLOP/s', 'wasm/JS'], rows));
console.log(`\nwrote ${save('gemm', { results })}`);
