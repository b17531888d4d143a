// Winograd F(2×2, 3×3) against im2col + GEMM for 3×3 convolutions, on DeepConvNet's layer shapes
// (batch 100) and its whole training step, one and two threads. The two algorithms take turns call
// by call (the machine's speed drifts on shared hosts), and each row gives the medians and the
// median of the per-pair ratios. Writes bench/results/winograd.{json,md}.
import { Convolution, init, randn, setThreads, threadCount, type Tensor } from 'scratchnet';
import { deepConvNetStep } from './fixtures.js';
import { fmtMs, publish, quick, type Cell } from './report.js';

await init({ threads: 2 });
const threadCounts = threadCount() === 2 ? [1, 2] : [1];
const PAIRS = quick ? 3 : 15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Times `a` and `b` in turns after a warm-up: their medians (ms) and the median of a/b per pair. */
async function pairs(a: () => unknown, b: () => unknown): Promise<{ a: number; b: number; ratio: number }> {
  const ta: number[] = [], tb: number[] = [], ratios: number[] = [];
  for (let i = 0; i < 3; i++) { await a(); await b(); }
  for (let i = 0; i < PAIRS; i++) {
    let t0 = performance.now();
    await a();
    const da = performance.now() - t0;
    t0 = performance.now();
    await b();
    const db = performance.now() - t0;
    ta.push(da); tb.push(db); ratios.push(da / db);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

// [C, FN, H, W, pad]: DeepConvNet's convolutions 2–6 (the first has one input channel: im2col)
const LAYERS: [number, number, number, number, number][] = [[16, 16, 28, 28, 1], [16, 32, 14, 14, 1], [32, 32, 14, 14, 2], [32, 64, 8, 8, 1], [64, 64, 8, 8, 1]];

const rows: Cell[][] = [];
const results = [];
for (const [C, FN, H, W, pad] of LAYERS) {
  const x = randn([100, C, H, W]), w = randn([FN, C, 3, 3]), b = randn([FN]);
  const direct = new Convolution(w, b, 1, pad, { winograd: false }), winograd = new Convolution(w, b, 1, pad, { winograd: true });
  const dout: Tensor = randn(direct.forward(x).shape);
  winograd.forward(x);
  for (const threads of threadCounts) {
    setThreads(threads);
    const fwd = await pairs(() => direct.forward(x), () => winograd.forward(x));
    const step = await pairs(() => { direct.forward(x); direct.backward(dout); }, () => { winograd.forward(x); winograd.backward(dout); });
    const label = `conv ${C}→${FN}, ${H}×${W}, pad ${pad}`;
    rows.push([label, threads, fmtMs(fwd.a), fmtMs(fwd.b), fwd.ratio.toFixed(2) + '×', fmtMs(step.a), fmtMs(step.b), step.ratio.toFixed(2) + '×']);
    results.push({ item: label, C, FN, H, W, pad, threads, forward: fwd, forwardBackward: step });
  }
}
const step = deepConvNetStep(100);
for (const threads of threadCounts) {
  setThreads(threads);
  const r = await pairs(async () => { await init({ winograd: false }); step(); }, async () => { await init({ winograd: true }); step(); });
  rows.push(['DeepConvNet training step (Adam)', threads, '', '', '', fmtMs(r.a), fmtMs(r.b), r.ratio.toFixed(2) + '×']);
  results.push({ item: 'DeepConvNet step', threads, step: r });
}
setThreads(threadCounts.at(-1)!);
await init({ winograd: true });

publish('winograd', {
  title: 'Winograd F(2×2, 3×3) against im2col + GEMM, batch 100',
  header: ['work item', 'threads', 'forward im2col ms', 'forward Winograd ms', 'gain', 'forward + backward im2col ms', 'Winograd ms', 'gain'],
  rows,
  notes: [`Medians of ${PAIRS} calls each, the two algorithms in turns; gain: the median of the per-pair ratios. ` +
    'Backward: dx, dW and db. The step rows switch init({ winograd }) before each step.'],
  data: { pairs: PAIRS, results },
});
