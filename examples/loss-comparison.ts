// The book's way of comparing training set-ups on MNIST (optimizer_compare_mnist,
// weight_init_compare): several networks trained side by side, every one on the same mini-batch
// at every iteration, so their loss curves differ by the set-up alone and not by the batches'
// luck. Trains them and prints the loss table, then draws the smoothed curves.
import type { TopLevelSpec } from 'vega-lite';
import { functions, type MiniBatches, type Network, type Optimizer } from 'scratchnet';

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
  title: { text: string; subtitle: string[] };
  width: number;
  height: number;
  /** The data field that tells the curves apart ('optimizer', 'init'), and its legend title. */
  field: string;
  legendTitle: string;
  /** One curve per contender: its legend label, its marker shape and its raw losses. */
  curves: { label: string; shape: string; losses: number[] }[];
  iterations: number;
  /** The top of the loss axis; the curves are clipped there. */
  yMax: number;
  /** A marker every this many iterations, as the book's markevery. */
  markEvery: number;
}

/** The book's figure: each loss curve smoothed (smoothCurve), with markers on it. */
export function lossCurvesSpec(chart: LossCurvesChart): TopLevelSpec {
  const { field, legendTitle, curves, yMax } = chart;
  const labels = curves.map((c) => c.label);
  const points = curves.flatMap((c) => functions.smoothCurve(c.losses).map((loss, iteration) => ({ [field]: c.label, iteration, loss })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width: chart.width,
    height: chart.height,
    data: { values: points },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'iterations', scale: { domain: [0, chart.iterations], nice: false } },
      y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { domain: [0, yMax] } },
      color: { field, type: 'nominal', title: legendTitle, scale: { domain: labels, scheme: 'category10' } },
    },
    layer: [
      { mark: { type: 'line', clip: true, strokeWidth: 1.5 } },
      {
        // NOTE: only the markers inside the y domain: resvg (2.6.2) aborts the process on a
        // clipped point mark with a point outside the plot
        transform: [{ filter: `datum.iteration % ${chart.markEvery} === 0 && datum.loss <= ${yMax}` }],
        mark: { type: 'point', clip: true, filled: false, size: 50, strokeWidth: 1.5 },
        encoding: { shape: { field, type: 'nominal', title: legendTitle, scale: { domain: labels, range: curves.map((c) => c.shape) } } },
      },
    ],
  };
}
