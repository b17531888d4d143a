// The distribution of values in equal bins: activations and weights (the weight-init experiment).
import { options } from '../options.js';
import { axes, el, extent, frame, legend, numbers, PALETTE, scale, svgDocument, type ChartOptions } from './svg.js';
import { ShapeError, ValueError } from '../errors.js';

/** Options of histogram. */
export interface HistogramOptions extends ChartOptions {
  /** Number of equal bins (default 30). */
  bins?: number;
  /** The binned range (default the data's); values outside it are left out, as numpy does. */
  range?: [number, number];
  /** Names of the data sets when several are drawn over each other (then half transparent). */
  names?: string[];
  /** Heights as the fraction of each set's values in the bin, not counts. */
  fraction?: boolean;
  /** The top of the y axis; taller bars are cut there (the book's plt.ylim). */
  yMax?: number;
}

const KNOWN: (keyof HistogramOptions)[] = ['title', 'xLabel', 'yLabel', 'width', 'height', 'bins', 'range', 'names', 'fraction', 'yMax'];

/** Counts of `data` (one list of values, or several drawn over each other) in equal bins. */
export function histogram(data: ArrayLike<number> | ArrayLike<number>[], opts?: HistogramOptions): string {
  const o = options('histogram', opts, KNOWN);
  const sets = (Array.isArray(data) && data.length > 0 && typeof data[0] !== 'number' ? data as ArrayLike<number>[] : [data as ArrayLike<number>])
    .map((d, i) => numbers(`histogram: data ${i}`, d).filter(Number.isFinite));
  sets.forEach((s, i) => {
    if (s.length === 0) throw new ValueError(`histogram: data ${i} has no finite values`);
  });
  const bins = o.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1 || bins > 10000) throw new ValueError(`histogram: bins must be an integer in [1, 10000], got ${String(bins)}`);
  let [lo, hi] = o.range ?? extent('histogram', sets.flat());
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new ValueError(`histogram: range must be [lo, hi] with lo <= hi, got [${lo}, ${hi}]`);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const counts = sets.map((s) => countBins(s, bins, lo, hi).map((c) => (o.fraction ? c / s.length : c)));
  const top = o.yMax ?? Math.max(...counts.flat());
  if (!(top > 0)) throw new ValueError(`histogram: yMax must be a positive number, got ${String(o.yMax)}`);
  const names = o.names ?? [];
  if (names.length && names.length !== sets.length) throw new ShapeError(`histogram: ${names.length} names for ${sets.length} data sets`);
  const f = frame(o, names);
  const sx = scale('linear', lo, hi, f.left, f.right, false);
  const sy = scale('linear', 0, top, f.bottom, f.top, o.yMax === undefined);
  const width = (hi - lo) / bins;
  const colors = counts.map((_, i) => PALETTE[i % PALETTE.length]);
  const bars = counts.map((c, i) => el('g', { class: 'bins', fill: colors[i], 'fill-opacity': sets.length > 1 ? 0.55 : 1 },
    c.map((n) => Math.min(n, top)).map((n, b) => el('rect', { x: sx(lo + b * width), y: sy(n), width: sx(lo + (b + 1) * width) - sx(lo + b * width), height: sy(0) - sy(n) })).join('')));
  return svgDocument(f.width, f.height, axes(f, sx, sy, o) + bars.join('') + (names.length ? legend(f, names, colors) : ''));
}

/** numpy.histogram's counts: bins of equal width over [lo, hi], the last one closed. */
export function countBins(values: number[], bins: number, lo: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (v < lo || v > hi) continue;
    counts[Math.min(Math.floor(((v - lo) / (hi - lo)) * bins), bins - 1)]++;
  }
  return counts;
}
