// GEMM, wasm SIMD against the pure-JS twin, on the shapes of TwoLayerNet's Affine layers and
// square sizes, one thread. Prints median ms, GFLOP/s and the speed ratio; writes
// bench/results/gemm.{json,md}.
import { gemm, init, randn, setBackend, zeros, type Tensor } from 'scratchnet';
import { fmtMs, gflops, medians, publish, speedup, type Cell } from './report.js';

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

await init({ threads: 1 }); // one thread: the wasm kernels against the single-threaded JS twin
const rows: Cell[][] = [];
const results = [];
for (const [M, K, N, transA, transB] of SHAPES) {
  const a: Tensor = randn(transA ? [K, M] : [M, K]);
  const b: Tensor = randn(transB ? [N, K] : [K, N]);
  const c = zeros([M, N]);
  const run = (backend: 'wasm' | 'js') => () => {
    setBackend(backend);
    gemm(a, b, c, { transA, transB });
  };
  const ms = await medians({ wasm: run('wasm'), js: run('js') }, 400);
  const flops = 2 * M * N * K;
  const label = `${M}×${K}·${K}×${N}${transA ? ' (Aᵀ)' : ''}${transB ? ' (Bᵀ)' : ''}`;
  rows.push([label, fmtMs(ms.wasm), gflops(flops, ms.wasm), fmtMs(ms.js), (flops / ms.js! / 1e6).toFixed(2), speedup(ms.js, ms.wasm)]);
  results.push({ M, K, N, transA, transB, wasmMs: ms.wasm, jsMs: ms.js, wasmGflops: flops / ms.wasm! / 1e6, jsGflops: flops / ms.js! / 1e6 });
  for (const t of [a, b, c]) t.dispose();
}
setBackend('wasm');
publish('gemm', {
  title: 'GEMM, one thread',
  header: ['M×K·K×N', 'wasm ms', 'wasm GFLOP/s', 'JS ms', 'JS GFLOP/s', 'wasm/JS'],
  rows,
  notes: ['wasm/JS: how many times faster the wasm SIMD kernel is than its pure-JS twin.'],
  data: { results },
});
