// Winograd F(2×2, 3×3) and F(4×4, 3×3) against im2col + GEMM for 3×3 convolutions, on DeepConvNet's
// layer shapes (batch 100) and its whole training step, one and two threads. The algorithms take
// turns call by call (the machine's speed drifts on shared hosts), and each row gives the medians
// and the median of the per-round ratios to im2col. Writes bench/results/winograd.{json,md}.
import { Convolution, init, randn, setThreads, threadCount, type Tensor } from 'scratchnet';
import { deepConvNetStep, threadsReady } from './fixtures.js';
import { fmtMs, publish, quick, type Cell } from './report.js';

await init({ threads: 2 });
await threadsReady();
const threadCounts = threadCount() === 2 ? [1, 2] : [1];
const PAIRS = quick ? 3 : 15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Times `fns` in turns after a warm-up: their medians (ms), and the medians of the first one's
 *  time over each other's per round (ratios[0] = 1). */
async function turns(...fns: (() => unknown)[]): Promise<{ ms: number[]; ratios: number[] }> {
  const times = fns.map(() => [] as number[]), ratios = fns.map(() => [] as number[]);
  for (let i = 0; i < 3; i++) for (const f of fns) await f();
  for (let i = 0; i < PAIRS; i++) {
    const round: number[] = [];
    for (const f of fns) {
      const t0 = performance.now();
      await f();
      round.push(performance.now() - t0);
    }
    round.forEach((t, j) => { times[j]!.push(t); ratios[j]!.push(round[0]! / t); });
  }
  return { ms: times.map(median), ratios: ratios.map(median) };
}
const gain = (r: number) => r.toFixed(2) + '×';

// [C, FN, H, W, pad]: DeepConvNet's convolutions 2–6 (the first has one input channel: im2col)
const LAYERS: [number, number, number, number, number][] = [[16, 16, 28, 28, 1], [16, 32, 14, 14, 1], [32, 32, 14, 14, 2], [32, 64, 8, 8, 1], [64, 64, 8, 8, 1]];

const rows: Cell[][] = [];
const results = [];
for (const [C, FN, H, W, pad] of LAYERS) {
  const x = randn([100, C, H, W]), w = randn([FN, C, 3, 3]), b = randn([FN]);
  const convs = [
    new Convolution(w, b, 1, pad, { winograd: false }),
    new Convolution(w, b, 1, pad, { winograd: true, winogradTile: 2 }),
    new Convolution(w, b, 1, pad, { winograd: true, winogradTile: 4 }),
  ];
  const dout: Tensor = randn(convs[0]!.forward(x).shape);
  for (const threads of threadCounts) {
    setThreads(threads);
    const fwd = await turns(...convs.map((c) => () => c.forward(x)));
    const step = await turns(...convs.map((c) => () => { c.forward(x); c.backward(dout); }));
    const label = `conv ${C}→${FN}, ${H}×${W}, pad ${pad}`;
    rows.push([label, threads, ...fwd.ms.map(fmtMs), gain(fwd.ratios[1]!), gain(fwd.ratios[2]!), ...step.ms.map(fmtMs), gain(step.ratios[1]!), gain(step.ratios[2]!)]);
    results.push({ item: label, C, FN, H, W, pad, threads, forward: fwd, forwardBackward: step });
  }
}
const step = deepConvNetStep(100);
for (const threads of threadCounts) {
  setThreads(threads);
  const r = await turns(async () => { await init({ winograd: false }); step(); }, async () => { await init({ winograd: true }); step(); });
  rows.push(['DeepConvNet training step (Adam)', threads, '', '', '', '', '', fmtMs(r.ms[0]!), '', fmtMs(r.ms[1]!), '', gain(r.ratios[1]!)]);
  results.push({ item: 'DeepConvNet step', threads, step: r });
}
setThreads(threadCounts.at(-1)!);
await init({ winograd: true });

publish('winograd', {
  title: 'Winograd F(2×2, 3×3) and F(4×4, 3×3) against im2col + GEMM, batch 100',
  header: ['work item', 'threads', 'forward im2col ms', 'F(2×2) ms', 'F(4×4) ms', 'gain F(2×2)', 'gain F(4×4)',
    'forward + backward im2col ms', 'F(2×2) ms', 'F(4×4) ms', 'gain F(2×2)', 'gain F(4×4)'],
  rows,
  notes: [`Medians of ${PAIRS} calls each, the algorithms in turns; gain: the median of the per-round ratios to im2col. ` +
    'Backward: dx, dW and db, by the column\'s tile. The step rows switch init({ winograd }) before each ' +
    'step: Winograd there picks the tile per layer (F(4×4) on all five).'],
  data: { pairs: PAIRS, results },
});
