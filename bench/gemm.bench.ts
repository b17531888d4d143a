// GEMM, wasm SIMD against the pure-JS twin, on the shapes of TwoLayerNet's Affine layers,
// SimpleConvNet's 4320-100 Affine and convolution, and square sizes, one thread; the wasm kernels
// both as init() loads them (FMA, where the engine has relaxed SIMD) and in the unfused build.
// Prints median ms, GFLOP/s and the speed ratios; writes bench/results/gemm.{json,md}.
import { gemm, init, kernelInfo, randn, setBackend, usesFma, zeros, type Tensor } from 'scratchnet';
import { fmtMs, gflops, medians, publish, speedup, type Cell } from './report.js';
import { unfusedProduct } from './unfused-gemm.js';

// (M, K, N) and transposes: X·W, dY·Wᵀ, Xᵀ·dY of a 784-50-10 net with batch 100, and squares
const SHAPES: [number, number, number, boolean, boolean][] = [
  [100, 784, 50, false, false],
  [100, 50, 784, false, true],
  [784, 100, 50, true, false],
  [100, 50, 10, false, false],
  [784, 100, 50, false, false],
  [100, 4320, 100, false, false],
  [100, 100, 4320, false, true],
  [4320, 100, 100, true, false],
  [30, 25, 576, false, false],
  [25, 576, 30, false, true],
  [256, 256, 256, false, false],
  [512, 512, 512, false, false],
];

await init({ threads: 1 }); // one thread: the wasm kernels against the single-threaded JS twin
if (!usesFma()) console.warn('gemm bench: this engine has no relaxed SIMD; both wasm columns are unfused');
const { gemmKernels, gemmKernelTimed } = kernelInfo();
const chosen = `GEMM micro-kernels ${gemmKernelTimed ? 'init() chose by timing' : 'as named'}: ${gemmKernels.fewRows.name} for products ` +
  `of at most 64 rows (B not transposed), ${gemmKernels.manyRows.name} for the others`;
console.log(chosen);
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
  const unfused = await unfusedProduct(a, b, M, N, K, transA, transB);
  const ms = await medians({ wasm: run('wasm'), unfused, js: run('js') }, 400);
  const flops = 2 * M * N * K;
  const label = `${M}×${K}·${K}×${N}${transA ? ' (Aᵀ)' : ''}${transB ? ' (Bᵀ)' : ''}`;
  rows.push([label, fmtMs(ms.wasm), gflops(flops, ms.wasm), gflops(flops, ms.unfused), speedup(ms.unfused, ms.wasm),
    fmtMs(ms.js), (flops / ms.js! / 1e6).toFixed(2), speedup(ms.js, ms.wasm)]);
  results.push({ M, K, N, transA, transB, wasmMs: ms.wasm, unfusedMs: ms.unfused, jsMs: ms.js, fma: usesFma(),
    wasmGflops: flops / ms.wasm! / 1e6, unfusedGflops: flops / ms.unfused! / 1e6, jsGflops: flops / ms.js! / 1e6 });
  for (const t of [a, b, c]) t.dispose();
}
setBackend('wasm');
publish('gemm', {
  title: 'GEMM, one thread',
  header: ['M×K·K×N', 'wasm ms', 'wasm GFLOP/s', 'unfused GFLOP/s', 'FMA gain', 'JS ms', 'JS GFLOP/s', 'wasm/JS'],
  rows,
  notes: [`wasm: the kernels init() loads (${usesFma() ? 'FMA, relaxed SIMD' : 'unfused: no relaxed SIMD here'}); unfused: build/scratchnet.wasm (f32x4 mul then add) ` +
    'in a memory of its own, timed alongside. wasm/JS: how many times faster the wasm kernel is than its pure-JS twin.', `${chosen}.`],
  data: { results },
});
