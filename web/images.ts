// Weights and inputs drawn as grayscale images.
import type { Filters } from './protocol.js';

const GAP = 4;
const WIDTH_PX = 480;

// A width×height image of `values`, each mapped to a gray level 0..255 by `level`.
function grayImage(values: Float32Array, width: number, height: number, level: (v: number) => number): ImageData {
  const image = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const g = level(values[i]);
    image.data.set([g, g, g, 255], i * 4);
  }
  return image;
}

/** The first layer's weights (or feature maps), each image scaled to its own range, in a grid. */
export function drawFilters(canvas: HTMLCanvasElement, { count, width, height, data }: Filters): void {
  const columns = count <= 16 ? 8 : 10;
  const rows = Math.ceil(count / columns);
  const scale = Math.floor((WIDTH_PX - GAP * (columns - 1)) / columns / width);
  canvas.width = columns * width * scale + GAP * (columns - 1);
  canvas.height = rows * height * scale + GAP * (rows - 1);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false; // each weight a crisp square
  const tile = new OffscreenCanvas(width, height);
  const size = width * height;
  for (let f = 0; f < count; f++) {
    const w = data.subarray(f * size, (f + 1) * size);
    let min = Infinity, max = -Infinity;
    for (const v of w) [min, max] = [Math.min(min, v), Math.max(max, v)];
    const range = max - min || 1;
    // NOTE: dark = large, as the book's figures (matplotlib's gray_r) draw them
    tile.getContext('2d')!.putImageData(grayImage(w, width, height, (v) => 255 - Math.round(((v - min) / range) * 255)), 0, 0);
    const [col, row] = [f % columns, Math.floor(f / columns)];
    ctx.drawImage(tile, col * (width * scale + GAP), row * (height * scale + GAP), width * scale, height * scale);
  }
}

/** A 28×28 MNIST-style input (values in [0, 1], white on black) at the canvas's own size. */
export function drawDigit(canvas: HTMLCanvasElement, pixels: Float32Array): void {
  canvas.width = canvas.height = 28;
  canvas.getContext('2d')!.putImageData(grayImage(pixels, 28, 28, (v) => Math.round(v * 255)), 0, 0);
}

/** Small 28×28 images (values in [0, 1]) into `container`, each captioned: "label → answer". */
export function drawMistakes(container: HTMLElement, images: Float32Array, labels: number[], predicted: number[]): void {
  container.replaceChildren(...labels.map((label, i) => {
    const figure = document.createElement('figure');
    const canvas = document.createElement('canvas');
    drawDigit(canvas, images.subarray(i * 784, (i + 1) * 784));
    const caption = document.createElement('figcaption');
    caption.textContent = `${label} → ${predicted[i]}`;
    figure.append(canvas, caption);
    return figure;
  }));
}

/** A vector's values as a strip of gray cells (dark = large), scaled to its own range. */
function drawStrip(canvas: HTMLCanvasElement, values: Float32Array): void {
  const cell = Math.max(2, Math.floor(WIDTH_PX / values.length));
  canvas.width = values.length * cell;
  canvas.height = 14;
  const ctx = canvas.getContext('2d')!;
  let min = Infinity, max = -Infinity;
  for (const v of values) [min, max] = [Math.min(min, v), Math.max(max, v)];
  const range = max - min || 1;
  values.forEach((v, i) => {
    const g = 255 - Math.round(((v - min) / range) * 255);
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect(i * cell, 0, cell, 14);
  });
}

/** Test images in a grid, each captioned with the network's answer; mistakes marked. */
export function drawPredictions(container: HTMLElement, images: Float32Array, labels: number[], predicted: number[]): void {
  container.replaceChildren(...labels.map((label, i) => {
    const figure = document.createElement('figure');
    const canvas = document.createElement('canvas');
    drawDigit(canvas, images.subarray(i * 784, (i + 1) * 784));
    const caption = document.createElement('figcaption');
    const wrong = predicted[i] !== label;
    caption.textContent = wrong ? `${predicted[i]} (is ${label})` : String(predicted[i]);
    figure.classList.toggle('wrong', wrong);
    figure.append(canvas, caption);
    return figure;
  }));
}

/** Each layer's feature maps as a captioned grid in `container`. */
export function drawMaps(container: HTMLElement, maps: Filters[]): void {
  container.replaceChildren(...maps.map((m) => {
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = m.caption;
    const canvas = document.createElement('canvas');
    if (m.height === 1) drawStrip(canvas, m.data);
    else drawFilters(canvas, m);
    figure.append(caption, canvas);
    return figure;
  }));
}
