// scratchnet against PyTorch on the CPU, side by side in one run: the TwoLayerNet (SGD), SimpleConvNet
// (Adam) and DeepConvNet (Adam) training steps at batch 100 and a 512³ GEMM, on one thread and on
// two. PyTorch runs in a Python process of its own (bench/torch_steps.py) that times an item when
// asked, so the two sides take turns: for each item, ROUNDS times, scratchnet then PyTorch on one thread,
// then on two; each side keeps the best of its medians (the machine's speed drifts). Prints
// the ratios against the targets of issue 19, each step's share of this machine's wasm SIMD
// ceiling (its direct FLOPs, bench/flops.ts, per ms, over bench/fma-peak.ts' one-thread peak
// measured in the same run) and both sides' two-thread speed-ups, and writes
// bench/results/<kind of CPU>/torch.{json,md}.
// Needs /usr/bin/python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread);
// without it, says so and exits 0. Not part of `npm test` or `npm run bench`.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DeepConvNet, gemm, init, randn, setThreads, SimpleConvNet, threadCount, TwoLayerNet, usesFma, zeros, type Network } from 'scratchnet';
import { stepFlops, type LayerSpec } from './flops.js';
import { fmaPeakGflops } from './fma-peak.js';
import { deepConvNetStep, simpleConvNetStep, threadsReady, twoLayerNetStep } from './fixtures.js';
import { fmtMs, medians, publish, quick, type Cell } from './report.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('../../bench/torch_steps.py', import.meta.url));

const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log(`torch bench: skipped: ${PYTHON} with torch is not available ` +
    `(${probe.error ? probe.error.message : probe.stderr.trim().split('\n').pop()}). ` +
    'On Debian: apt-get install python3-torch libopenblas0-pthread');
  process.exit(0);
}
const blas = blasAlternative();
if (blas && !blas.includes('openblas')) {
  console.warn(`torch bench: libblas.so.3 is ${blas}, not OpenBLAS: PyTorch's GEMM runs a slow reference BLAS`);
}

/** A work item: its name in torch_steps.py, scratchnet's setup, direct flops per call, the time
 *  budget per median (ms), and issue 19's targets: ratios on one and two threads, or GFLOP/s. */
interface Item {
  name: string; label: string; setup: () => () => unknown; flops?: number; budget: number; target: [number, number]; gflops?: number;
  /** init({ winograd }) for scratchnet's side (default true): false gives the im2col path, for comparison */
  winograd?: boolean;
}
await init({ threads: 2 });
await threadsReady();
const twoThreads = threadCount() === 2;
if (!twoThreads) console.warn('torch bench: scratchnet has one kernel thread here; the two-thread rows are skipped');
const threadCounts = twoThreads ? [1, 2] : [1];

const BATCH = 100; // the fixtures' steps
// a network's direct flops per step, from its layer shapes (the network is built for its architecture only)
function flopsOf(build: () => Network & { architecture: { inputShape: number[]; layers: object[] } }): number {
  const net = build();
  const { inputShape, layers } = net.architecture;
  net.dispose();
  return stepFlops({ inputShape, layers: layers as LayerSpec[] }, BATCH);
}

const ITEMS: Item[] = [
  { name: 'TwoLayerNet', label: 'TwoLayerNet step (784-50-10, SGD)', setup: () => twoLayerNetStep(), budget: 600, target: [0.8, 1.3],
    flops: flopsOf(() => new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 })) },
  { name: 'SimpleConvNet', label: 'SimpleConvNet step (Adam)', setup: () => simpleConvNetStep(), budget: 800, target: [1.6, 2.0], flops: flopsOf(() => new SimpleConvNet()) },
  { name: 'DeepConvNet', label: 'DeepConvNet step (Adam)', setup: () => deepConvNetStep(BATCH), budget: 1500, target: [1.8, 1.5], flops: flopsOf(() => new DeepConvNet()) },
  { name: 'DeepConvNet', label: 'DeepConvNet step (Adam), im2col convolutions', setup: () => deepConvNetStep(BATCH), budget: 1500, target: [0, 0], winograd: false,
    flops: flopsOf(() => new DeepConvNet()) },
  { name: 'GEMM512', label: 'GEMM 512×512·512×512', setup: gemm512, flops: 2 * 512 ** 3, budget: 500, target: [0, 0], gflops: 58 },
];
const ROUNDS = 3;

function gemm512(): () => unknown {
  const a = randn([512, 512]), b = randn([512, 512]), c = zeros([512, 512]);
  return () => gemm(a, b, c);
}

// PyTorch's process: one JSON request per line in, one answer per line out, the setup first.
const env = { ...process.env };
delete env.OPENBLAS_CORETYPE; // NOTE: unset, OpenBLAS picks its kernel for this CPU (AVX-512 on Zen 4/5)
delete env.OPENBLAS_L2_SIZE;
const py = spawn(PYTHON, [script], { env, stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
async function answer(): Promise<Record<string, unknown>> {
  const next = await lines.next();
  if (next.done) throw new Error('torch bench: the PyTorch process ended early (see its error above)');
  return JSON.parse(next.value) as Record<string, unknown>;
}
const torchSetup = await answer();
async function torchMedian(item: string, threads: number, ms: number): Promise<number> {
  py.stdin.write(JSON.stringify({ item, threads, ms: quick ? Math.min(ms, 100) : ms }) + '\n');
  return (await answer()).ms as number;
}

// The ceiling: the one-thread wasm SIMD peak, before the items and after them (the better of the
// two: a ceiling is the most this machine did), with PyTorch's process idle.
const peakBefore = fmaPeakGflops(usesFma());

const rows: Cell[][] = [];
const results: object[] = [];
const missed: string[] = [];
const bests: Record<string, number>[] = [];
for (const item of ITEMS) {
  await init({ winograd: item.winograd ?? true });
  const step = item.setup();
  const best: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const threads of threadCounts) {
      await settle();
      const ours = (await medians({ step: () => { setThreads(threads); step(); } }, item.budget)).step!;
      const theirs = await torchMedian(item.name, threads, item.budget);
      best[`scratchnet${threads}`] = Math.min(best[`scratchnet${threads}`] ?? Infinity, ours);
      best[`torch${threads}`] = Math.min(best[`torch${threads}`] ?? Infinity, theirs);
    }
  }
  bests.push(best);
}
py.stdin.end();
setThreads(1);
const peakAfter = fmaPeakGflops(usesFma());
const peak = Math.max(peakBefore, peakAfter);
setThreads(threadCounts.at(-1)!);
// The GEMM target is only meaningful below the 128-bit SIMD ceiling of this machine.
const gemmTarget = ITEMS.find((item) => item.gflops)!.gflops!;
await init({ winograd: true });

ITEMS.forEach((item, i) => {
  const best = bests[i]!;
  for (const threads of threadCounts) {
    const ours = best[`scratchnet${threads}`]!, theirs = best[`torch${threads}`]!;
    const ratio = theirs / ours;
    const target = item.target[threads - 1]!;
    const gf = (ms: number) => (item.flops ? ` (${(item.flops / ms / 1e6).toFixed(1)} GFLOP/s)` : '');
    const where = `${item.name}, ${threads} thread${threads > 1 ? 's' : ''}`;
    if (target && ratio < target) missed.push(`${where}: ${ratio.toFixed(2)}× < ${target}×`);
    const gflopsTarget = threads === 1 ? item.gflops : undefined;
    if (gflopsTarget && item.flops! / ours / 1e6 < gflopsTarget) missed.push(`${where}: ${(item.flops! / ours / 1e6).toFixed(1)} < ${gflopsTarget} GFLOP/s`);
    const targetCell = target ? `≥ ${target}×` : gflopsTarget ? `scratchnet ≥ ${gflopsTarget} GFLOP/s` : '';
    // one thread: the share of the ceiling; two: each side's speed-up over its own one thread
    const share = item.flops ? item.flops / ours / 1e6 / peak : undefined;
    const ourSpeedup = threads > 1 ? best.scratchnet1! / ours : undefined;
    const theirSpeedup = threads > 1 ? best.torch1! / theirs : undefined;
    rows.push([item.label, threads, fmtMs(ours) + gf(ours), fmtMs(theirs) + gf(theirs), ratio.toFixed(2) + '×',
      threads === 1 && share !== undefined ? share.toFixed(2) : '',
      ourSpeedup ? `${ourSpeedup.toFixed(2)}×` : '', theirSpeedup ? `${theirSpeedup.toFixed(2)}×` : '', targetCell]);
    results.push({ item: item.name, label: item.label, winograd: item.winograd ?? true, threads, scratchnetMs: ours, torchMs: theirs, ratio,
      target: target || undefined, flops: item.flops, shareOfCeiling: threads === 1 ? share : undefined, scratchnetSpeedup: ourSpeedup, torchSpeedup: theirSpeedup });
  }
});

publish('torch', {
  title: 'scratchnet against PyTorch (CPU), batch 100, in one run',
  header: ['work item', 'threads', 'scratchnet ms', 'PyTorch ms', 'PyTorch ms / scratchnet ms', 'share of ceiling (1 thread)',
    'scratchnet 2T / 1T', 'PyTorch 2T / 1T', 'target (issue 19)'],
  rows,
  notes: [
    `PyTorch ${String(torchSetup.torch)} (Python ${String(torchSetup.python)}), BLAS ${String(torchSetup.blas)}, oneDNN ${torchSetup.mkldnn ? 'on' : 'off'}, ` +
      'denormals flushed, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; torch.set_num_threads and openblas_set_num_threads per row. ' +
      `scratchnet: wasm SIMD${usesFma() ? ' with FMA' : ''}, 3×3 convolutions by Winograd (unless the row says im2col), ` +
      'init({ threads: 2 }) then setThreads(1 | 2).',
    `Each side: the better of ${ROUNDS} medians, taken in turns with the other side. A ratio above 1 means scratchnet is faster.`,
    `This machine's 128-bit wasm SIMD peak, one thread (bench/fma-peak.ts: 12 independent ${usesFma() ? 'fused multiply-add' : 'multiply then add'} ` +
      `chains, no loads): ${peak.toFixed(1)} GFLOP/s (before the items ${peakBefore.toFixed(1)}, after ${peakAfter.toFixed(1)})` +
      `${peak < gemmTarget ? `, below the ${gemmTarget} GFLOP/s GEMM target: no kernel can meet it here` : ''}.`,
    'Share of ceiling: the step\'s direct FLOPs (bench/flops.ts: 2·M·N·K for each convolution and dense product, forward, weight ' +
      'gradient and input gradient but the first layer\'s; ' + ITEMS.filter((item) => !item.gflops && item.winograd !== false)
      .map((item) => `${item.name} ${item.flops! >= 1e9 ? `${(item.flops! / 1e9).toFixed(2)} G` : `${(item.flops! / 1e6).toFixed(1)} M`}`).join(', ') + ') per second over that peak, one thread. ' +
      'Winograd convolutions do fewer multiplications than the direct count, so the share can exceed 1.',
    ...(missed.length ? [`Below target in this run: ${missed.join('; ')}.`] : ['Every target met in this run.']),
  ],
  data: { torch: torchSetup, libblas: blas, rounds: ROUNDS, simdPeakGflops: peak, simdPeakGflopsBefore: peakBefore, simdPeakGflopsAfter: peakAfter, results },
});

// NOTE: OpenBLAS's and OpenMP's threads spin for a while after PyTorch's turn, on the core our second
// thread needs: without a pause, scratchnet's two-thread rows ran 1.1× one thread instead of 1.6×.
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}

// Where Debian's libblas.so.3 alternative points, or undefined where there is no such thing.
function blasAlternative(): string | undefined {
  const r = spawnSync('update-alternatives', ['--query', 'libblas.so.3-x86_64-linux-gnu'], { encoding: 'utf8' });
  return r.status === 0 ? /^Value: (.*)$/m.exec(r.stdout)?.[1] : undefined;
}
