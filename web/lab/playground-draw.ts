// The playground's pictures: the output over the plane with the points on top, and the network
// drawn as TensorFlow Playground draws it: a column of small heatmaps per layer (each unit's output
// over the plane) and a line per weight between them, coloured by sign and as thick as its size.
import { EXTENT, type Points } from './datasets.js';
import { fitCanvas } from './shell.js';

const BLUE = [37, 99, 235], ORANGE = [234, 88, 12]; // positive (class 1), negative (class 0)

/** An RGB colour for v in [-1, 1]: orange below 0, white at 0, blue above. */
function diverging(v: number, strength = 1): [number, number, number] {
  const [r, g, b] = v >= 0 ? BLUE : ORANGE, a = Math.min(1, Math.abs(v)) * strength;
  return [255 - (255 - r) * a, 255 - (255 - g) * a, 255 - (255 - b) * a];
}

// A side × side field of values (row by row from the top) drawn over `size` CSS pixels.
function field(ctx: CanvasRenderingContext2D, values: ArrayLike<number>, side: number, size: number, color: (v: number) => [number, number, number]): void {
  const image = new ImageData(side, side);
  for (let i = 0; i < side * side; i++) image.data.set([...color(values[i]), 255], i * 4);
  const tile = new OffscreenCanvas(side, side);
  tile.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, 0, 0, size, size);
}

/** The output over the plane (P(class 1) around 0.5, or the regression's value) and the points:
 *  training points filled, test points (when shown) ringed in black. */
export function drawOutput(canvas: HTMLCanvasElement, output: Float32Array | undefined, side: number, regression: boolean, train: Points, test: Points | undefined): void {
  const ctx = fitCanvas(canvas);
  const size = canvas.getBoundingClientRect().width;
  ctx.clearRect(0, 0, size, size);
  if (output) field(ctx, output, side, size, (v) => diverging(regression ? v : 2 * v - 1, 0.45));
  const px = (v: number): number => ((v + EXTENT) / (2 * EXTENT)) * size;
  const pointColor = (t: number): string => `rgb(${(regression ? diverging(t) : t ? BLUE : ORANGE).join(',')})`;
  const points = ({ x, t }: Points, edge: string, width: number): void => {
    ctx.lineWidth = width;
    ctx.strokeStyle = edge;
    for (let i = 0; i < t.length; i++) {
      ctx.fillStyle = pointColor(t[i]);
      ctx.beginPath();
      ctx.arc(px(x[2 * i]), size - px(x[2 * i + 1]), 3.5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  };
  points(train, '#fff', 1);
  if (test) points(test, '#000', 1.5);
  // the axes' ends: the plane is [-EXTENT, EXTENT]²
  ctx.fillStyle = '#636c76';
  ctx.font = '10px system-ui';
  ctx.fillText(`x₁ from ${-EXTENT} to ${EXTENT} →`, 4, size - 4);
  ctx.save();
  ctx.translate(12, size - 4);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`x₂ from ${-EXTENT} to ${EXTENT} →`, 90, 0);
  ctx.restore();
}

/** A column of the diagram: its title, the +/− buttons of a hidden layer, and its units. */
export interface Column { title: string; hidden?: number; units: number }

/** Rebuilds the diagram's columns (when the layers change); returns each column's unit canvases. */
export function layoutNetwork(host: HTMLElement, columns: Column[]): HTMLCanvasElement[][] {
  for (const old of host.querySelectorAll('.column')) old.remove();
  return columns.map(({ title, hidden, units }) => {
    const column = document.createElement('div');
    column.className = 'column';
    const head = document.createElement('div');
    head.className = 'layer-head';
    if (hidden !== undefined) {
      for (const [delta, text] of [[-1, '−'], [1, '+']] as const) {
        const button = document.createElement('button');
        button.textContent = text;
        button.dataset.layer = String(hidden);
        button.dataset.delta = String(delta);
        button.title = `${delta > 0 ? 'Add a unit to' : 'Remove a unit from'} hidden layer ${hidden + 1}`;
        head.append(button);
      }
    }
    const label = document.createElement('span');
    label.textContent = title;
    head.prepend(label);
    column.append(head);
    const canvases = Array.from({ length: units }, () => {
      const c = document.createElement('canvas');
      c.className = 'unit';
      column.append(c);
      return c;
    });
    host.append(column);
    return canvases;
  });
}

/** Draws one unit's output over the plane, scaled by its largest |value|. */
export function drawUnit(canvas: HTMLCanvasElement, values: ArrayLike<number>, side: number): void {
  const ctx = fitCanvas(canvas);
  let top = 1e-9;
  for (let i = 0; i < side * side; i++) top = Math.max(top, Math.abs(values[i]));
  field(ctx, values, side, canvas.getBoundingClientRect().width, (v) => diverging(v / top));
}

/** The weights as lines between the columns' units: weights[k] is (units of column k, units of column k + 1). */
export function drawLinks(host: HTMLElement, canvas: HTMLCanvasElement, units: HTMLCanvasElement[][], weights: { rows: number; cols: number; data: Float32Array }[]): void {
  const ctx = fitCanvas(canvas);
  const origin = host.getBoundingClientRect();
  let top = 1e-9;
  for (const w of weights) for (const v of w.data) top = Math.max(top, Math.abs(v));
  weights.forEach((w, k) => {
    const from = units[k], to = units[k + 1];
    if (!from || !to || w.rows !== from.length || w.cols !== to.length) return;
    for (let i = 0; i < w.rows; i++) {
      const a = from[i].getBoundingClientRect();
      for (let j = 0; j < w.cols; j++) {
        const b = to[j].getBoundingClientRect(), v = w.data[i * w.cols + j];
        ctx.strokeStyle = `rgba(${(v >= 0 ? BLUE : ORANGE).join(',')},${0.25 + 0.6 * Math.abs(v) / top})`;
        ctx.lineWidth = 0.5 + 3.5 * Math.abs(v) / top;
        ctx.beginPath();
        ctx.moveTo(a.right - origin.left, a.top + a.height / 2 - origin.top);
        ctx.lineTo(b.left - origin.left, b.top + b.height / 2 - origin.top);
        ctx.stroke();
      }
    }
  });
}
