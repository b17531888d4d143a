// Curves over iterations or epochs: loss and accuracy histories, several runs on one chart.
import { options } from '../options.js';
import { smoothCurve } from './smooth.js';
import { axes, el, extent, fmt, frame, legend, numbers, PALETTE, scale, svgDocument, type ChartOptions, type ScaleKind } from './svg.js';
import { ShapeError, ValueError } from '../errors.js';

/** One line of a lineChart: its values, their x positions, a name for the legend. */
export interface Series {
  /** The legend's name of the run. */
  name?: string;
  /** The values; NaN or infinite ones leave a gap. */
  y: ArrayLike<number>;
  /** Their positions (default 0, 1, 2, …); in any order (a path in the plane, a contour). */
  x?: ArrayLike<number>;
  /** A CSS colour (default: the next of the palette). */
  color?: string;
  /** Dots on this series' points, whatever the chart's `markers`. */
  markers?: boolean;
}

/** Options of lineChart. */
export interface LineChartOptions extends ChartOptions {
  /** Smooth every curve as the book's smooth_curve does (an 11-point Kaiser window). */
  smooth?: boolean;
  /** Draw a dot at every point (true: for short curves such as per-epoch accuracies), or at every
   *  k-th (a number, as matplotlib's markevery). */
  markers?: boolean | number;
  yScale?: ScaleKind;
  /** Fix the y range instead of fitting the data, e.g. [0, 1] for accuracies. */
  yDomain?: [number, number];
  /** Fix the x range likewise. */
  xDomain?: [number, number];
}

const KNOWN: (keyof LineChartOptions)[] = ['title', 'xLabel', 'yLabel', 'width', 'height', 'smooth', 'markers', 'yScale', 'yDomain', 'xDomain'];

/** An SVG chart of one or more curves. `data` is a series, a list of them, or plain values. */
export function lineChart(data: Series | Series[] | ArrayLike<number>, opts?: LineChartOptions): string {
  const o = options('lineChart', opts, KNOWN);
  if (o.markers !== undefined && typeof o.markers !== 'boolean' && !(Number.isInteger(o.markers) && o.markers >= 1)) {
    throw new ValueError(`lineChart: markers must be a boolean or a positive integer (every k-th point), got ${String(o.markers)}`);
  }
  const series = toSeries(data).map((s, i) => {
    const y = numbers(`lineChart: series ${i} y`, s.y);
    if (y.length === 0) throw new ValueError(`lineChart: series ${i}${s.name ? ` ("${s.name}")` : ''} has no points`);
    const x = s.x === undefined ? y.map((_, j) => j) : numbers(`lineChart: series ${i} x`, s.x);
    if (x.length !== y.length) throw new ShapeError(`lineChart: series ${i} has ${x.length} x values but ${y.length} y values`);
    return { name: s.name ?? `series ${i + 1}`, x, y: o.smooth ? smoothCurve(y) : y, color: s.color, markers: s.markers };
  });
  const named = toSeries(data).some((s) => s.name !== undefined);
  const f = frame(o, named ? series.map((s) => s.name) : undefined);
  const [x0, x1] = o.xDomain ?? extent('lineChart', series.flatMap((s) => s.x));
  const [y0, y1] = o.yDomain ?? extent('lineChart', series.flatMap((s) => s.y));
  const sx = scale('linear', x0, x1, f.left, f.right, false, series.every((s) => s.x.every(Number.isInteger)));
  const sy = scale(o.yScale ?? 'linear', y0, y1, f.bottom, f.top);
  const colors = series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  const lines = series.map((s, i) => {
    const path = pathOf(s.x, s.y, sx, sy);
    const every = s.markers !== undefined ? Number(s.markers) : o.markers === true ? 1 : o.markers || 0;
    const dots = every ? s.x.map((x, j) => (j % every === 0 && Number.isFinite(s.y[j]) ? el('circle', { cx: sx(x), cy: sy(s.y[j]), r: 2.5, fill: colors[i] }) : '')).join('') : '';
    return el('g', { class: 'series', 'data-name': s.name }, el('path', { d: path, fill: 'none', stroke: colors[i], 'stroke-width': 1.5 }) + dots);
  });
  // a little wider than the plot area, so markers at its edges are drawn whole
  const clip = el('clipPath', { id: 'plot-area' }, el('rect', { x: f.left - 4, y: f.top - 4, width: f.right - f.left + 8, height: f.bottom - f.top + 8 }));
  return svgDocument(f.width, f.height, el('defs', {}, clip) + axes(f, sx, sy, o) +
    el('g', { 'clip-path': 'url(#plot-area)' }, lines.join('')) +
    (named ? legend(f, series.map((s) => s.name), colors) : ''));
}

function toSeries(data: Series | Series[] | ArrayLike<number>): Series[] {
  if (Array.isArray(data) && data.length > 0 && typeof data[0] === 'object' && data[0] !== null) return data as Series[];
  if (Array.isArray(data) || ArrayBuffer.isView(data)) {
    if ((data as ArrayLike<number>).length === 0) throw new ValueError('lineChart: no data: expected values, a series { y } or a list of series');
    return [{ y: data as ArrayLike<number> }];
  }
  if (data !== null && typeof data === 'object' && 'y' in data) return [data as Series];
  throw new ValueError(`lineChart: expected values, a series { y } or a list of series, got ${data === null ? 'null' : typeof data}`);
}

// "M x y L x y …", starting a new piece after every non-finite value
function pathOf(xs: number[], ys: number[], sx: (v: number) => number, sy: (v: number) => number): string {
  let d = '', pen = 'M';
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(ys[i]) || !Number.isFinite(xs[i])) {
      pen = 'M';
      continue;
    }
    d += `${pen}${fmt(sx(xs[i]))} ${fmt(sy(ys[i]))}`;
    pen = 'L';
  }
  return d;
}
