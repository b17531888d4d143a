// Points in two dimensions, several groups in colour: the hyper-parameter search (lr against
// weight decay, log scales), or 2-D data.
import { options } from '../options.js';
import { axes, el, extent, frame, legend, numbers, PALETTE, scale, svgDocument, type ChartOptions, type ScaleKind } from './svg.js';
import { ShapeError, ValueError } from '../errors.js';

/** One set of points of a scatter plot, with a name for the legend. */
export interface PointSet {
  name?: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Options of scatter. */
export interface ScatterOptions extends ChartOptions {
  xScale?: ScaleKind;
  yScale?: ScaleKind;
  /** Dot radius in pixels (default 3.5). */
  radius?: number;
}

const KNOWN: (keyof ScatterOptions)[] = ['title', 'xLabel', 'yLabel', 'width', 'height', 'xScale', 'yScale', 'radius'];

/** A scatter plot of one or more point sets, as an SVG string. */
export function scatter(data: PointSet | PointSet[], opts?: ScatterOptions): string {
  const o = options('scatter', opts, KNOWN);
  const sets = (Array.isArray(data) ? data : [data]).map((s, i) => {
    if (s === null || typeof s !== 'object') throw new ValueError(`scatter: point set ${i} must be { x, y, name? }, got ${String(s)}`);
    const [x, y] = [numbers(`scatter: set ${i} x`, s.x), numbers(`scatter: set ${i} y`, s.y)];
    if (x.length !== y.length) throw new ShapeError(`scatter: set ${i} has ${x.length} x values but ${y.length} y values`);
    return { name: s.name, x, y };
  });
  if (sets.every((s) => s.x.length === 0)) throw new ValueError('scatter: no points to plot');
  const named = sets.some((s) => s.name !== undefined);
  const names = sets.map((s, i) => s.name ?? `set ${i + 1}`);
  const f = frame(o, named ? names : undefined);
  const [x0, x1] = extent('scatter', sets.flatMap((s) => s.x));
  const [y0, y1] = extent('scatter', sets.flatMap((s) => s.y));
  const sx = scale(o.xScale ?? 'linear', x0, x1, f.left, f.right);
  const sy = scale(o.yScale ?? 'linear', y0, y1, f.bottom, f.top);
  const colors = sets.map((_, i) => PALETTE[i % PALETTE.length]);
  const dots = sets.map((s, i) => el('g', { class: 'points', fill: colors[i] }, s.x.map((x, j) =>
    Number.isFinite(x) && Number.isFinite(s.y[j]) ? el('circle', { cx: sx(x), cy: sy(s.y[j]), r: o.radius ?? 3.5 }) : '').join('')));
  return svgDocument(f.width, f.height, axes(f, sx, sy, o) + dots.join('') +
    (named ? legend(f, names, colors) : ''));
}
