// What every chart shares: SVG text built by hand (no DOM), linear and log scales with readable
// ticks, a frame with axes, a title and a legend, and the colours of the runs.
import { ValueError } from '../errors.js';

/** Options every chart takes: its title, axis labels and size in pixels. */
export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels (default 640 × 400). */
  width?: number;
  height?: number;
}

// NOTE: one font that is sure to exist on Debian (fonts-dejavu) for the PNG renderer; browsers
// fall back to their sans-serif.
export const FONT = "'DejaVu Sans', Arial, sans-serif";
/** Tableau 10, the palette Vega and matplotlib use: distinct in colour and in grey. */
export const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number as SVG coordinates want it: short, no exponent. */
export function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** An element with attributes (undefined ones left out) and optional children. */
export function el(name: string, attrs: Record<string, string | number | undefined>, children = ''): string {
  const a = Object.entries(attrs).filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? fmt(v) : escapeXml(v!)}"`).join('');
  return children ? `<${name}${a}>${children}</${name}>` : `<${name}${a}/>`;
}

export function text(x: number, y: number, content: string, attrs: Record<string, string | number | undefined> = {}): string {
  return el('text', { x, y, 'font-family': FONT, 'font-size': 12, ...attrs }, escapeXml(content));
}

export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="white"/>${body}</svg>`;
}

export type ScaleKind = 'linear' | 'log';

export interface Scale {
  (v: number): number;
  ticks: number[];
  format: (v: number) => string;
}

/** Maps [lo, hi] (widened to readable ticks when `nice`) onto pixels [from, to]; `integer` keeps
 *  ticks on whole numbers (epochs). */
export function scale(kind: ScaleKind, lo: number, hi: number, from: number, to: number, nice = true, integer = false): Scale {
  if (kind === 'log') {
    if (!(lo > 0)) throw new ValueError(`plot: a log scale needs positive values, got ${lo}`);
    let [a, b] = [Math.log10(lo), Math.log10(hi)];
    if (nice) [a, b] = [Math.floor(a), Math.ceil(b)];
    if (a === b) [a, b] = [a - 0.5, b + 0.5];
    const f = ((v: number) => from + ((Math.log10(v) - a) / (b - a)) * (to - from)) as Scale;
    f.ticks = [];
    for (let e = Math.ceil(a); e <= Math.floor(b); e++) f.ticks.push(10 ** e);
    f.format = (v) => `1e${Math.round(Math.log10(v))}`;
    return f;
  }
  if (lo === hi) [lo, hi] = lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  const step = integer ? Math.max(tickStep(lo, hi), 1) : tickStep(lo, hi);
  if (nice) [lo, hi] = [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
  const f = ((v: number) => from + ((v - lo) / (hi - lo)) * (to - from)) as Scale;
  f.ticks = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) f.ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  f.format = (v) => v.toFixed(Math.min(digits, 10));
  return f;
}

// About six ticks, each step 1, 2 or 5 times a power of ten.
function tickStep(lo: number, hi: number): number {
  const raw = (hi - lo) / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m >= 5 ? 10 : m >= 2 ? 5 : m >= 1 ? 2 : 1) * power;
}

/** The smallest and largest finite values; `owner` names the chart in the error for none. */
export function extent(owner: string, values: Iterable<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) throw new ValueError(`${owner}: no finite values to plot`);
  return [lo, hi];
}

export interface Frame {
  width: number;
  height: number;
  /** The plot area in pixels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plot area of a chart of the given options, leaving room for a legend of these names. */
export function frame(o: ChartOptions, legendNames?: string[]): Frame {
  const width = checkSize(o.width ?? 640, 'width'), height = checkSize(o.height ?? 400, 'height');
  // NOTE: about 7 px per character of 12 px DejaVu Sans; the plot area keeps at least half the width
  const longest = Math.max(0, ...(legendNames ?? []).map((n) => Math.min(n.length, LEGEND_CHARS)));
  const legendWidth = legendNames?.length ? Math.min(40 + 7 * longest, width / 2) : 20;
  return { width, height, left: 64, right: width - legendWidth, top: o.title ? 36 : 16, bottom: height - 46 };
}

const LEGEND_CHARS = 60;

function checkSize(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 100 || v > 10000) {
    throw new ValueError(`plot: ${name} must be a number of pixels in [100, 10000], got ${String(v)}`);
  }
  return v;
}

/** Grid lines, tick labels, axis titles and the title. */
export function axes(f: Frame, x: Scale, y: Scale, o: ChartOptions): string {
  const parts: string[] = [];
  for (const v of x.ticks) {
    const px = x(v);
    parts.push(el('line', { x1: px, x2: px, y1: f.top, y2: f.bottom, stroke: '#e0e0e0' }));
    parts.push(text(px, f.bottom + 16, x.format(v), { 'text-anchor': 'middle', fill: '#444' }));
  }
  for (const v of y.ticks) {
    const py = y(v);
    parts.push(el('line', { x1: f.left, x2: f.right, y1: py, y2: py, stroke: '#e0e0e0' }));
    parts.push(text(f.left - 6, py + 4, y.format(v), { 'text-anchor': 'end', fill: '#444' }));
  }
  parts.push(el('rect', { x: f.left, y: f.top, width: f.right - f.left, height: f.bottom - f.top, fill: 'none', stroke: '#888' }));
  if (o.xLabel) parts.push(text((f.left + f.right) / 2, f.height - 10, o.xLabel, { 'text-anchor': 'middle' }));
  if (o.yLabel) {
    const cy = (f.top + f.bottom) / 2;
    parts.push(text(16, cy, o.yLabel, { 'text-anchor': 'middle', transform: `rotate(-90 16 ${fmt(cy)})` }));
  }
  if (o.title) parts.push(text(f.width / 2, 22, o.title, { 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold' }));
  return el('g', { class: 'axes' }, parts.join(''));
}

/** A legend right of the plot area: one coloured swatch per name. */
export function legend(f: Frame, names: string[], colors: string[]): string {
  const rows = names.map((name, i) => {
    const y = f.top + 8 + i * 18;
    return el('rect', { x: f.right + 12, y: y - 8, width: 12, height: 10, fill: colors[i] }) +
      text(f.right + 30, y + 1, name.length > LEGEND_CHARS ? name.slice(0, LEGEND_CHARS - 1) + '…' : name, { fill: '#222' });
  });
  return el('g', { class: 'legend' }, rows.join(''));
}

/** `value` as a list of numbers; `what` names it in the error (a typed array or an array). */
export function numbers(what: string, value: unknown): number[] {
  if (!(Array.isArray(value) || ArrayBuffer.isView(value)) || value instanceof DataView) {
    throw new ValueError(`${what}: expected an array of numbers, got ${value === null ? 'null' : typeof value}`);
  }
  const list = Array.from(value as ArrayLike<number>);
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'number') throw new ValueError(`${what}: expected numbers, got ${typeof list[i]} at index ${i}`);
  }
  return list;
}
