// Live charts of the loss and the accuracies, with uPlot.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const LEGEND_PX = 36;
const MAX_POINTS = 4000;

const cssColor = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

// A uPlot chart over iterations (or `xLabel`) that fills `target` and follows its size.
function plotIn(target: HTMLElement, series: uPlot.Series[], y: uPlot.Scale = {}, xLabel = 'iteration'): uPlot {
  const size = () => ({ width: target.clientWidth, height: target.clientHeight - LEGEND_PX });
  const plot = new uPlot({
    ...size(),
    scales: { x: { time: false }, y },
    series: [{ label: xLabel }, ...series],
    axes: [{ grid: { stroke: '#eaeef2' } }, {
      grid: { stroke: '#eaeef2' }, size: 50,
      // a log scale's small values in powers of ten, which uPlot's default would print as 0
      // (uPlot passes null for ticks it leaves unlabelled)
      ...(y.distr === 3 ? { values: (_u: uPlot, ticks: (number | null)[]) => ticks.map((v) => (v === null ? '' : v >= 0.01 && v <= 1000 ? String(v) : v.toExponential(0))) } : {}),
    }],
    cursor: { drag: { x: false, y: false } },
    legend: { live: false }, // names only: values under the cursor would jump while data streams in
  }, [[], ...series.map(() => [])], target);
  new ResizeObserver(() => plot.setSize(size())).observe(target);
  return plot;
}

/**
 * The loss of every iteration. NOTE: points are means over buckets of iterations whose size
 * doubles each time there are more than MAX_POINTS, so an hour of training draws as fast as a
 * minute (TwoLayerNet runs thousands of iterations a second).
 */
export class LossChart {
  readonly #plot: uPlot;
  #x: number[] = [];
  #y: number[] = [];
  #bucket = 1;
  #sum = 0; // of the unfinished bucket
  #count = 0;

  constructor(target: HTMLElement) {
    this.#plot = plotIn(target, [{ label: 'loss', stroke: cssColor('--train'), width: 1.5 }], { range: (_u, _min, max) => [0, Math.max(max, 0.5)] });
  }

  add(iterations: number[], losses: number[]): void {
    for (let i = 0; i < losses.length; i++) {
      this.#sum += losses[i];
      if (++this.#count < this.#bucket) continue;
      this.#x.push(iterations[i]);
      this.#y.push(this.#sum / this.#count);
      this.#sum = this.#count = 0;
      if (this.#x.length > MAX_POINTS) this.#coarsen();
    }
    this.#plot.setData([this.#x, this.#y]);
  }

  // Merges neighbouring points; an odd last one goes back into the unfinished bucket.
  #coarsen(): void {
    const x: number[] = [], y: number[] = [];
    for (let i = 0; i + 1 < this.#x.length; i += 2) {
      x.push(this.#x[i + 1]);
      y.push((this.#y[i] + this.#y[i + 1]) / 2);
    }
    if (this.#x.length % 2) {
      this.#sum = this.#y[this.#y.length - 1] * this.#bucket;
      this.#count = this.#bucket;
    }
    this.#bucket *= 2;
    [this.#x, this.#y] = [x, y];
  }

  clear(): void {
    this.#x = [];
    this.#y = [];
    this.#bucket = 1;
    this.#sum = this.#count = 0;
    this.#plot.setData([[], []]);
  }
}

/** Train and test accuracy at each evaluation. */
export class AccuracyChart {
  readonly #plot: uPlot;
  readonly #data: [number[], number[], number[]] = [[], [], []];

  constructor(target: HTMLElement) {
    const line = (label: string, color: string): uPlot.Series => ({ label, stroke: color, width: 2, points: { show: true, size: 5, fill: color } });
    this.#plot = plotIn(target, [line('train', cssColor('--train')), line('test', cssColor('--test'))], { range: [0, 1] });
  }

  add(iteration: number, trainAcc: number, testAcc: number): void {
    this.#data[0].push(iteration);
    this.#data[1].push(trainAcc);
    this.#data[2].push(testAcc);
    this.#plot.setData(this.#data);
  }

  clear(): void {
    for (const column of this.#data) column.length = 0;
    this.#plot.setData(this.#data);
  }
}

/** Colours the lab's charts give their series, in order. */
export const PALETTE = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777'];

/** Several lines over one x axis, redrawn whole by set() (null where a series has no value). */
export class Lines {
  readonly #plot: uPlot;

  /** Each line a label (coloured from PALETTE in order) or a label with its own colour and dash. */
  constructor(target: HTMLElement, lines: (string | { label: string; color: string; dash?: number[] })[],
              options: { x?: string; y?: uPlot.Scale; points?: boolean } = {}) {
    const series = lines.map((line, i): uPlot.Series => {
      const { label, color, dash } = typeof line === 'string' ? { label: line, color: PALETTE[i % PALETTE.length], dash: undefined } : line;
      return { label, stroke: color, dash, width: 2, spanGaps: true, points: { show: options.points ?? false, size: 5, fill: color } };
    });
    this.#plot = plotIn(target, series, options.y, options.x);
  }

  set(x: number[], ys: (number | null)[][]): void {
    this.#plot.setData([x, ...ys] as uPlot.AlignedData);
  }
}
