// Live charts of the loss and the accuracies, with uPlot: axis titles on both axes, legends that
// show each line's style, log axes gridded by decades, tick labels short enough to fit.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const LEGEND_PX = 36;
const MAX_POINTS = 4000;

const cssColor = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** A tick label short enough for the axis: plain from 0.01 to 9999, else in exponent form (2e-5, 1.3e14). */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
}

const isDecade = (v: number): boolean => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;

/** The axes' titles (with units) and the y scale. */
export interface ChartAxes { xTitle?: string; yTitle?: string; y?: uPlot.Scale }

// A uPlot chart that fills `target` and follows its size; a vertical marker at `marker.x` when set.
function plotIn(target: HTMLElement, series: uPlot.Series[], { xTitle = 'iteration', yTitle = '', y = {} }: ChartAxes, marker: { x?: number } = {}): uPlot {
  const size = () => ({ width: target.clientWidth, height: target.clientHeight - LEGEND_PX });
  const log = y.distr === 3;
  // NOTE: uPlot passes null for ticks it leaves unlabelled; a log axis keeps only its decades, as
  // the minor lines of 2…9 in every decade make dense bands
  const decades = (_u: uPlot, splits: number[]): (number | null)[] => splits.map((v) => (isDecade(v) ? v : null));
  const values = (_u: uPlot, ticks: (number | null)[]): string[] => ticks.map((v) => (v === null ? '' : tickLabel(v)));
  const grid = { stroke: '#eaeef2', ...(log ? { filter: decades } : {}) };
  const plot = new uPlot({
    ...size(),
    scales: { x: { time: false }, y },
    series: [{ label: xTitle }, ...series],
    axes: [
      { grid: { stroke: '#eaeef2' }, values, label: xTitle, labelSize: 18, labelFont: '12px system-ui', font: '11px system-ui' },
      { grid, ticks: log ? { filter: decades } : {}, ...(log ? { filter: decades } : {}), values, size: 46, label: yTitle, labelSize: 18, labelFont: '12px system-ui', font: '11px system-ui' },
    ],
    cursor: { drag: { x: false, y: false } },
    // names only (values under the cursor would jump while data streams in); each marker a short
    // line in its series' colour and dash (lab.css draws it)
    legend: { live: false, markers: { width: 3, fill: 'transparent', dash: (u, i) => (u.series[i].dash ? 'dashed' : 'solid') } },
    hooks: {
      draw: [(u) => {
        if (marker.x === undefined) return;
        const left = u.valToPos(marker.x, 'x', true);
        const { ctx, bbox } = u;
        ctx.save();
        ctx.strokeStyle = '#dc2626';
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(left, bbox.top);
        ctx.lineTo(left, bbox.top + bbox.height);
        ctx.stroke();
        ctx.restore();
      }],
    },
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
    this.#plot = plotIn(target, [{ label: 'loss', stroke: cssColor('--train'), width: 1.5 }],
      { yTitle: 'loss (cross-entropy)', y: { range: (_u, _min, max) => [0, Math.max(max, 0.5)] } });
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
    this.#plot = plotIn(target, [line('train', cssColor('--train')), line('test', cssColor('--test'))], { yTitle: 'accuracy (share right)', y: { range: [0, 1] } });
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
  readonly #marker: { x?: number } = {};

  /** Each line a label (coloured from PALETTE in order) or a label with its own colour and dash;
   *  `x` and `xTitle` alike name the x axis. */
  constructor(target: HTMLElement, lines: (string | { label: string; color: string; dash?: number[] })[],
              options: ChartAxes & { x?: string; points?: boolean } = {}) {
    const series = lines.map((line, i): uPlot.Series => {
      const { label, color, dash } = typeof line === 'string' ? { label: line, color: PALETTE[i % PALETTE.length], dash: undefined } : line;
      return { label, stroke: color, dash, width: 2, spanGaps: true, points: { show: options.points ?? false, size: 5, fill: color } };
    });
    this.#plot = plotIn(target, series, { ...options, xTitle: options.xTitle ?? options.x }, this.#marker);
  }

  set(x: number[], ys: (number | null)[][]): void {
    this.#plot.setData([x, ...ys] as uPlot.AlignedData);
  }

  /** Marks the value `x` the page is at (e.g. the h of a sweep over h) with a dashed red line. */
  mark(x: number | undefined): void {
    this.#marker.x = x;
    this.#plot.redraw(false);
  }
}
