// Several charts side by side in one picture (one histogram per layer, a curve per experiment).
import { options } from '../options.js';
import { el, escapeXml, FONT, svgDocument } from './svg.js';
import { ValueError } from '../errors.js';

/** Options of panels. */
export interface PanelsOptions {
  /** Charts per row (default: all in one row). */
  columns?: number;
  title?: string;
}

/** Lays out SVG charts (as returned by this module) in a grid, each at its own size. */
export function panels(charts: string[], opts?: PanelsOptions): string {
  const o = options('panels', opts, ['columns', 'title']);
  if (!Array.isArray(charts) || charts.length === 0) throw new ValueError('panels: expected a non-empty list of SVG charts');
  const sizes = charts.map((svg, i) => {
    const m = typeof svg === 'string' ? /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg) : null;
    if (!m) throw new ValueError(`panels: chart ${i} is not an SVG chart with a width and a height`);
    return [Number(m[1]), Number(m[2])];
  });
  const columns = o.columns ?? charts.length;
  if (!Number.isInteger(columns) || columns < 1) throw new ValueError(`panels: columns must be a positive integer, got ${String(columns)}`);
  const top = o.title ? 30 : 0;
  const colWidth = (c: number) => Math.max(...sizes.filter((_, i) => i % columns === c).map((s) => s[0]));
  const rowHeight = (r: number) => Math.max(...sizes.filter((_, i) => Math.floor(i / columns) === r).map((s) => s[1]));
  const rows = Math.ceil(charts.length / columns);
  const xs = [0], ys = [top];
  for (let c = 0; c < columns; c++) xs.push(xs[c] + (c < Math.min(columns, charts.length) ? colWidth(c) : 0));
  for (let r = 0; r < rows; r++) ys.push(ys[r] + rowHeight(r));
  const body = charts.map((svg, i) => svg.replace(/^<svg/, `<svg x="${xs[i % columns]}" y="${ys[Math.floor(i / columns)]}"`)
    // ids (the line chart's clip path) must stay unique in one document
    .replace(/id="plot-area"/g, `id="plot-area-${i}"`).replace(/url\(#plot-area\)/g, `url(#plot-area-${i})`));
  const title = o.title ? el('text', { x: xs.at(-1)! / 2, y: 21, 'font-family': FONT, 'font-size': 15, 'font-weight': 'bold', 'text-anchor': 'middle' }, escapeXml(o.title)) : '';
  return svgDocument(xs.at(-1)!, ys.at(-1)!, title + body.join(''));
}
