// A small histogram on a canvas, with its x range at the ends of the axis; the bars are shares of
// the values counted (binned.ts; the caller says what was left out, e.g. ReLU's zeros).
import { fitCanvas } from './shell.js';
import { tickLabel } from '../charts.js';

/** Draws the bars (tallest to the top) and the range's ends under them, in `color`. */
export function drawHistogram(canvas: HTMLCanvasElement, histogram: number[], [lo, hi]: [number, number], color = '#2563eb'): void {
  const ctx = fitCanvas(canvas);
  const { width, height } = canvas.getBoundingClientRect();
  const top = Math.max(...histogram, 1e-9), bar = width / histogram.length, axis = 14;
  ctx.fillStyle = color;
  histogram.forEach((p, i) => {
    const h = (p / top) * (height - axis - 4);
    ctx.fillRect(i * bar + 0.5, height - axis - h, Math.max(bar - 1, 1), h);
  });
  ctx.fillStyle = '#636c76';
  ctx.font = '10px system-ui';
  ctx.fillText(tickLabel(lo), 1, height - 2);
  ctx.textAlign = 'right';
  ctx.fillText(tickLabel(hi), width - 1, height - 2);
}
