// The regions a classifier gives the points of a plane (XOR, spirals, any 2-D data), shaded by
// class, with the data drawn over them.
import { options } from '../options.js';
import { axes, el, frame, legend, numbers, PALETTE, scale, svgDocument, type ChartOptions } from './svg.js';
import { ShapeError, ValueError } from '../errors.js';

/** Options of decisionBoundary. */
export interface DecisionBoundaryOptions extends ChartOptions {
  /** The plane shown: [min, max] on each axis. */
  xRange: [number, number];
  yRange: [number, number];
  /** Cells per axis (default 100). */
  resolution?: number;
  /** Data drawn over the regions, coloured by class. */
  points?: { x: ArrayLike<number>; y: ArrayLike<number>; label: ArrayLike<number> };
  /** Names of the classes, for the legend. */
  classNames?: string[];
}

const KNOWN: (keyof DecisionBoundaryOptions)[] = ['title', 'xLabel', 'yLabel', 'width', 'height', 'xRange', 'yRange', 'resolution', 'points', 'classNames'];

/**
 * `classify` receives the cell centres as one Float32Array (M, 2) of (x, y) rows (ready for
 * `tensor(points, [M, 2])` and a network's predict) and returns a class index per row.
 */
export function decisionBoundary(classify: (points: Float32Array) => ArrayLike<number>, opts: DecisionBoundaryOptions): string {
  if (typeof classify !== 'function') throw new ValueError('decisionBoundary: expected a function (points: Float32Array (M, 2)) => class per point');
  const o = options('decisionBoundary', opts, KNOWN);
  for (const name of ['xRange', 'yRange'] as const) {
    const r = o[name];
    if (!Array.isArray(r) || r.length !== 2 || !(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1])) {
      throw new ValueError(`decisionBoundary: ${name} must be [min, max] with min < max, got ${JSON.stringify(r)}`);
    }
  }
  const res = o.resolution ?? 100;
  if (!Number.isInteger(res) || res < 2 || res > 1000) throw new ValueError(`decisionBoundary: resolution must be an integer in [2, 1000], got ${String(res)}`);
  const [[x0, x1], [y0, y1]] = [o.xRange, o.yRange];
  const grid = new Float32Array(res * res * 2);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      grid[2 * (r * res + c)] = x0 + ((c + 0.5) / res) * (x1 - x0);
      grid[2 * (r * res + c) + 1] = y0 + ((r + 0.5) / res) * (y1 - y0);
    }
  }
  const classes = numbers('decisionBoundary: classify() result', classify(grid));
  if (classes.length !== res * res) throw new ShapeError(`decisionBoundary: classify() returned ${classes.length} classes for ${res * res} points`);
  const f = frame(o, o.classNames);
  const sx = scale('linear', x0, x1, f.left, f.right, false), sy = scale('linear', y0, y1, f.bottom, f.top, false);
  const color = (k: number) => PALETTE[((Math.round(k) % PALETTE.length) + PALETTE.length) % PALETTE.length];
  const cw = (f.right - f.left) / res, ch = (f.bottom - f.top) / res;
  const cells: string[] = [];
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res;) {
      let end = c + 1;
      while (end < res && classes[r * res + end] === classes[r * res + c]) end++;
      cells.push(el('rect', { x: f.left + c * cw, y: f.bottom - (r + 1) * ch, width: (end - c) * cw, height: ch, fill: color(classes[r * res + c]) }));
      c = end;
    }
  }
  let dots = '';
  if (o.points) {
    const [px, py, label] = [numbers('decisionBoundary: points.x', o.points.x), numbers('decisionBoundary: points.y', o.points.y),
      numbers('decisionBoundary: points.label', o.points.label)];
    if (px.length !== py.length || px.length !== label.length) {
      throw new ShapeError(`decisionBoundary: points need as many x, y and label values, got ${px.length}, ${py.length} and ${label.length}`);
    }
    dots = el('g', { class: 'points', stroke: 'black', 'stroke-width': 0.8 },
      px.map((x, i) => el('circle', { cx: sx(x), cy: sy(py[i]), r: 3.5, fill: color(label[i]) })).join(''));
  }
  const names = o.classNames ?? [];
  return svgDocument(f.width, f.height, el('g', { class: 'regions', 'fill-opacity': 0.35, 'shape-rendering': 'crispEdges' }, cells.join('')) +
    axes(f, sx, sy, o) + dots + (names.length ? legend(f, names, names.map((_, k) => color(k))) : ''));
}
