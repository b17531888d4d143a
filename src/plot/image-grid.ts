// Images in a grid: the first layer's filters, misclassified digits. Grey levels, one square per
// pixel (runs of one level in a row merged into one rect), no raster format needed.
import { options } from '../options.js';
import { el, escapeXml, FONT, svgDocument } from './svg.js';
import { ShapeError, ValueError } from '../errors.js';

/** A Tensor, or anything with its data and shape: (N, H, W), (N, 1, H, W), or (N, H·W) with imageShape. */
export interface ImageBatch {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/** Options of imageGrid. */
export interface ImageGridOptions {
  title?: string;
  /** Images per row (default up to 10). */
  columns?: number;
  /** Screen pixels per image pixel (default 4). */
  scale?: number;
  /** [H, W] when the images come flat, (N, H·W). */
  imageShape?: [number, number];
  /** 'each' (default: every image from its own min to max, as matplotlib's imshow), 'all' (one
   *  range for all), or a fixed [black, white] range. */
  normalize?: 'each' | 'all' | [number, number];
  /** Dark for high values (matplotlib's gray_r, the book's filter pictures). */
  invert?: boolean;
  /** A caption under each image (e.g. "7 → 1" for a misclassified digit). */
  labels?: string[];
}

const KNOWN: (keyof ImageGridOptions)[] = ['title', 'columns', 'scale', 'imageShape', 'normalize', 'invert', 'labels'];

/** A grid of grey-scale images (MNIST digits, convolution filters) as an SVG string. */
export function imageGrid(images: ImageBatch, opts?: ImageGridOptions): string {
  const o = options('imageGrid', opts, KNOWN);
  const [n, h, w] = geometry(images, o.imageShape);
  const data = images.data;
  const columns = o.columns ?? Math.min(n, 10), px = o.scale ?? 4, gap = 4;
  if (!Number.isInteger(columns) || columns < 1) throw new ValueError(`imageGrid: columns must be a positive integer, got ${String(columns)}`);
  if (typeof px !== 'number' || !(px > 0 && px <= 100)) throw new ValueError(`imageGrid: scale must be a number in (0, 100], got ${String(px)}`);
  if (o.labels && o.labels.length !== n) throw new ShapeError(`imageGrid: ${o.labels.length} labels for ${n} images`);
  const caption = o.labels ? 14 : 0, top = o.title ? 28 : gap;
  const rows = Math.ceil(n / columns);
  const width = Math.max(columns * (w * px + gap) + gap, 100), height = top + rows * (h * px + gap + caption) + gap;
  const all = o.normalize === 'all' ? range(data, 0, n * h * w) : undefined;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const [lo, hi] = Array.isArray(o.normalize) ? o.normalize : all ?? range(data, i * h * w, (i + 1) * h * w);
    const x0 = gap + (i % columns) * (w * px + gap), y0 = top + Math.floor(i / columns) * (h * px + gap + caption);
    const cells: string[] = [];
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w;) {
        const g = grey(data[i * h * w + r * w + c], lo, hi, o.invert ?? false);
        let end = c + 1;
        while (end < w && grey(data[i * h * w + r * w + end], lo, hi, o.invert ?? false) === g) end++;
        cells.push(el('rect', { x: x0 + c * px, y: y0 + r * px, width: (end - c) * px, height: px, fill: `rgb(${g},${g},${g})` }));
        c = end;
      }
    }
    parts.push(el('g', { class: 'image', 'shape-rendering': 'crispEdges' }, cells.join('')));
    if (o.labels) parts.push(el('text', { x: x0 + (w * px) / 2, y: y0 + h * px + 12, 'font-family': FONT, 'font-size': 11, 'text-anchor': 'middle' }, escapeXml(o.labels[i])));
  }
  const title = o.title ? el('text', { x: width / 2, y: 19, 'font-family': FONT, 'font-size': 14, 'font-weight': 'bold', 'text-anchor': 'middle' }, escapeXml(o.title)) : '';
  return svgDocument(width, height, title + parts.join(''));
}

function geometry(images: ImageBatch, imageShape?: [number, number]): [number, number, number] {
  if (images === null || typeof images !== 'object' || !Array.isArray(images.shape) && !ArrayBuffer.isView(images.shape)) {
    throw new ValueError('imageGrid: expected a Tensor or { data, shape } of images (N, H, W), (N, 1, H, W) or (N, H·W) with imageShape');
  }
  const shape = [...images.shape];
  const n = shape[0];
  let hw: number[];
  if (imageShape) hw = [...imageShape];
  else if (shape.length === 3) hw = shape.slice(1);
  else if (shape.length === 4 && shape[1] === 1) hw = shape.slice(2);
  else throw new ShapeError(`imageGrid: images must be (N, H, W) or (N, 1, H, W), or (N, H·W) with imageShape; got (${shape.join(', ')})`);
  const [h, w] = hw;
  if (!(n >= 1)) throw new ShapeError(`imageGrid: no images to draw (shape (${shape.join(', ')}))`);
  if (!(h >= 1 && w >= 1) || n * h * w !== images.data.length) {
    throw new ShapeError(`imageGrid: ${n} images of ${h}×${w} need ${n * h * w} values, got ${images.data.length}`);
  }
  return [n, h, w];
}

function range(data: ArrayLike<number>, start: number, end: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = start; i < end; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  return [lo, hi];
}

// 0 (black) to 255 (white); a constant image is mid grey; NaN is drawn red-free grey 128
function grey(v: number, lo: number, hi: number, invert: boolean): number {
  const t = hi > lo ? Math.min(Math.max((v - lo) / (hi - lo), 0), 1) : 0.5;
  const g = Number.isFinite(t) ? Math.round(255 * t) : 128;
  return invert ? 255 - g : g;
}
