// A picture of a handwritten digit, turned into what MNIST-trained networks expect: 28×28 floats
// in [0, 1], a white digit on black, normalized as MNIST's were (LeCun et al.: the digit's
// bounding box scaled to fit 20×20 with its aspect ratio kept, anti-aliased, then placed in the
// 28×28 field so that its centre of mass sits at the centre). Pure TypeScript on plain arrays, so
// the command line (a decoded PNG) and the browser demo (a canvas's ImageData) share it.
import { positiveInteger } from '../options.js';
import { describe } from '../shape.js';
import { ResourceError, ShapeError, ValueError } from '../errors.js';

/** The largest picture preprocessDigit takes: 4096 pixels a side (16 Mpixels, 64 MB of RGBA).
 *  A digit needs far fewer; the limit keeps a huge or hostile image from costing gigabytes. */
export const MAX_DIGIT_SIDE = 4096;
export const MAX_DIGIT_PIXELS = MAX_DIGIT_SIDE * MAX_DIGIT_SIDE;

const SIDE = 28; // MNIST's field
const BOX = 20; // the longer side of the digit's bounding box in MNIST
// NOTE: measured on the 10 000 MNIST test images, the mean centre of mass (in pixel indices) is
// (14.01, 13.99), not the geometric 13.5: MNIST rounded it to the pixel at index 14.
const CENTRE = 14;
// Ink fainter than this fraction of the strongest is noise (paper texture, JPEG-like speckles
// converted to PNG); without this cut it would stretch the bounding box.
const NOISE = 0.1;

/** Luminance (0..255, ITU-R BT.601 weights) of RGBA pixels, composited over white: a transparent
 *  pixel counts as paper, as an image viewer shows it on a white page. */
export function rgbaToGray(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  checkSize('rgbaToGray', width, height);
  if (rgba?.length !== width * height * 4) {
    throw new ShapeError(`rgbaToGray: expected ${width}×${height}×4 = ${width * height * 4} RGBA values, got ${describe(rgba?.length ?? rgba)}`);
  }
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const a = rgba[4 * i + 3] / 255;
    gray[i] = a * (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) + (1 - a) * 255;
  }
  return gray;
}

/**
 * 784 floats in [0, 1] (row-major 28×28, white digit on black) from grayscale pixels (0..255,
 * row-major width×height) of one digit, in either polarity: the image border tells which is
 * paper. Steps: ink relative to the border's median level, stretched so the strongest is 1, ink
 * under 10 % of it dropped as noise; crop to the ink's bounding box; scale its longer side to 20
 * pixels (area averaging, which anti-aliases); place it in 28×28 with its centre of mass at pixel
 * (14, 14), MNIST's own centre (to within half a pixel: the shift is whole pixels, as MNIST's).
 * Throws when the image holds no ink.
 */
export function preprocessDigit(gray: ArrayLike<number>, width: number, height: number): Float32Array {
  const ink = inkOf(gray, width, height);
  const [x0, y0, x1, y1] = boundingBox(ink, width, height);
  const bw = x1 - x0, bh = y1 - y0;
  const scale = BOX / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * scale)), oh = Math.max(1, Math.round(bh * scale));
  const crop = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) crop.set(ink.subarray((y0 + y) * width + x0, (y0 + y) * width + x1), y * bw);
  const small = stretch(resizeArea(crop, bw, bh, ow, oh));
  return centre(small, ow, oh);
}

// Ink in [0, 1]: the distance from the paper's level towards the digit's side, stretched to a
// maximum of 1, with noise zeroed.
function inkOf(gray: ArrayLike<number>, width: number, height: number): Float32Array {
  checkSize('preprocessDigit', width, height);
  if (gray?.length !== width * height) {
    throw new ShapeError(`preprocessDigit: expected ${width}×${height} = ${width * height} gray values, got ${describe(gray?.length ?? gray)}`);
  }
  for (let i = 0; i < gray.length; i++) {
    const v = gray[i];
    if (!(v >= 0 && v <= 255)) throw new ValueError(`preprocessDigit: gray values must be in [0, 255], got ${v} at index ${i}`);
  }
  const paper = borderMedian(gray, width, height);
  const sign = paper > 127.5 ? -1 : 1; // light paper: the digit is darker
  const ink = new Float32Array(gray.length);
  for (let i = 0; i < ink.length; i++) ink[i] = Math.max(0, sign * (gray[i] - paper));
  stretch(ink);
  for (let i = 0; i < ink.length; i++) if (ink[i] < NOISE) ink[i] = 0;
  return ink;
}

// The median of the outermost rows and columns: the paper, even where the digit touches the edge.
function borderMedian(gray: ArrayLike<number>, width: number, height: number): number {
  const border: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) border.push(gray[y * width + x]);
    }
  }
  border.sort((a, b) => a - b);
  return border[border.length >> 1];
}

// Scales values in place so the largest is 1.
function stretch(values: Float32Array): Float32Array {
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  if (max === 0) throw new ValueError('preprocessDigit: the image holds no digit (it is one flat level)');
  for (let i = 0; i < values.length; i++) values[i] /= max;
  return values;
}

// [x0, y0, x1, y1) of the non-zero pixels.
function boundingBox(ink: Float32Array, width: number, height: number): [number, number, number, number] {
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] === 0) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x + 1);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y + 1);
    }
  }
  return [x0, y0, x1, y1];
}

// Area-averaging resize: each output pixel is the mean of the input area it covers (fractional
// pixels weighted by their overlap). Separable, rows first; it anti-aliases when shrinking.
function resizeArea(src: Float32Array, w: number, h: number, ow: number, oh: number): Float32Array {
  const rows = new Float32Array(ow * h);
  for (let y = 0; y < h; y++) resize1d(src, y * w, 1, w, rows, y * ow, 1, ow);
  const out = new Float32Array(ow * oh);
  for (let x = 0; x < ow; x++) resize1d(rows, x, ow, h, out, x, ow, oh);
  return out;
}

// One line of n values (at `from`, every `step`) averaged into m values (at `to`, every `toStep`).
function resize1d(src: Float32Array, from: number, step: number, n: number, dst: Float32Array, to: number, toStep: number, m: number): void {
  const span = n / m; // input pixels per output pixel
  for (let j = 0; j < m; j++) {
    const a = j * span, b = (j + 1) * span;
    let sum = 0;
    for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) sum += (Math.min(b, i + 1) - Math.max(a, i)) * src[from + i * step];
    dst[to + j * toStep] = sum / span;
  }
}

// The w×h image in a 28×28 field, shifted by whole pixels so its centre of mass lands on pixel
// (14, 14). A digit whose mass sits far off its box's middle could lose pixels past the field's
// edge, as in MNIST; the 4-pixel margin around the 20-pixel box makes that rare.
function centre(img: Float32Array, w: number, h: number): Float32Array {
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const dx = Math.round(CENTRE - mx / mass), dy = Math.round(CENTRE - my / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [tx, ty] = [x + dx, y + dy];
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) out[ty * SIDE + tx] = img[y * w + x];
    }
  }
  return out;
}

function checkSize(caller: string, width: number, height: number): void {
  for (const [what, v] of [['width', width], ['height', height]] as const) {
    positiveInteger(caller, what, v);
    if (v > MAX_DIGIT_SIDE) throw new ResourceError(`${caller}: ${what} must be at most ${MAX_DIGIT_SIDE} pixels, got ${v}`);
  }
}
