// A small histogram on a canvas, with its x range at the ends of the axis; the bars are shares of
// the values counted (the caller says what was left out, e.g. ReLU's zeros).
import { fitCanvas } from './shell.js';
import { tickLabel } from '../charts.js';

/** Bins `values` (only those `keep` accepts) over [lo, hi]; returns the shares of the values kept
 *  in each bin, and the shares of all values left out and beyond the range. */
export function binned(values: ArrayLike<number>, [lo, hi]: [number, number], bins: number, keep: (v: number) => boolean = () => true):
  { histogram: number[]; leftOut: number; beyond: number } {
  const histogram = new Array<number>(bins).fill(0);
  let kept = 0, beyond = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!keep(v)) continue;
    kept++;
    if (v < lo || v > hi) beyond++;
    else histogram[Math.min(Math.floor(((v - lo) / (hi - lo)) * bins), bins - 1)]++;
  }
  return { histogram: histogram.map((c) => c / Math.max(kept, 1)), leftOut: 1 - kept / Math.max(values.length, 1), beyond: beyond / Math.max(values.length, 1) };
}

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
