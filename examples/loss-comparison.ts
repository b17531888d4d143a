// The book's way of comparing training set-ups on MNIST (optimizer_compare_mnist,
// weight_init_compare): several networks trained side by side, every one on the same mini-batch
// at every iteration, so their loss curves differ by the set-up alone and not by the batches'
// luck. Trains them and prints the loss table, then draws the smoothed curves.
import type { MiniBatches, Network, Optimizer } from 'scratchnet';
import { lineChart } from 'scratchnet/plot';

export interface Contender {
  /** The column heading in the printed table. */
  name: string;
  network: Network;
  optimizer: Optimizer;
}

/** Trains every contender for `iterations` iterations, each on the same mini-batch, and prints
 *  the loss after each update every `printEvery` iterations (and at the last), then the mean of
 *  the last 100. Returns each contender's loss at every iteration, and the seconds it took. */
export function trainSideBySide(contenders: Contender[], batches: MiniBatches, iterations: number, printEvery: number): { losses: number[][]; seconds: number } {
  const losses = contenders.map(() => [] as number[]);
  console.log('loss on the iteration\'s mini-batch after its update (as the book):');
  console.log(`iteration  ${contenders.map((c) => c.name.padStart(9)).join('')}`);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const [x, t] = batches.sample();
    contenders.forEach((c, k) => {
      c.optimizer.update(c.network.params, c.network.gradient(x, t));
      losses[k].push(c.network.loss(x, t));
    });
    if (i % printEvery === 0 || i === iterations - 1) {
      console.log(`${String(i).padStart(9)}  ${losses.map((l) => l[i].toFixed(4).padStart(9)).join('')}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const lastN = Math.min(100, iterations);
  const meanLast = (l: number[]) => l.slice(-lastN).reduce((a, b) => a + b, 0) / lastN;
  console.log(`mean of last ${lastN}  ${losses.map((l) => meanLast(l).toFixed(4).padStart(9)).join('')}`);
  return { losses, seconds };
}

export interface LossCurvesChart {
  title: string;
  width: number;
  height: number;
  /** One curve per contender: its legend label and its raw losses. */
  curves: { label: string; losses: number[] }[];
  /** The top of the loss axis; the curves are clipped there. */
  yMax: number;
  /** A marker every this many iterations, as the book's markevery. */
  markEvery: number;
}

/** The book's figure: each loss curve smoothed (smoothCurve), with markers on it. */
export function lossCurvesChart(chart: LossCurvesChart): string {
  return lineChart(chart.curves.map((c) => ({ name: c.label, y: c.losses })), {
    title: chart.title, width: chart.width, height: chart.height, xLabel: 'iterations', yLabel: 'loss',
    smooth: true, markers: chart.markEvery, yDomain: [0, chart.yMax],
  });
}
