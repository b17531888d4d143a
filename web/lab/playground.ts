// Page 8: the playground. The user picks a 2-D data set and a network (layers, widths, activation,
// init, dropout, batch norm, optimizer); the worker builds it as a Sequential and trains it, and
// the page redraws the decision boundary as it learns. Below, a single layer next to an MLP on XOR.
import { Lines } from '../charts.js';
import { DATASETS, type DatasetName, makeDataset, type Points } from './datasets.js';
import { $, connect, fitCanvas, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { restoreState } from './url-state.js';
import { type Activation, EXTENT, type FromWorker, GRID, type NetConfig, type ToWorker } from './playground.worker.js';

labPage();
const POINTS = 200;
const ITERATIONS = 1500;
const COLORS = [[234, 88, 12], [37, 99, 235]]; // class 0, class 1: --test, --train

/** Draws P(class 1) over the plane, shaded by confidence, and the points on top. */
function drawBoundary(canvas: HTMLCanvasElement, grid: Float32Array | undefined, { x, t }: Points): void {
  const ctx = fitCanvas(canvas);
  const size = canvas.getBoundingClientRect().width;
  ctx.clearRect(0, 0, size, size);
  if (grid) {
    const image = new ImageData(GRID, GRID);
    for (let i = 0; i < grid.length; i++) {
      const p = grid[i], [r, g, b] = COLORS[p > 0.5 ? 1 : 0], a = Math.abs(p - 0.5) * 2;
      image.data.set([255 - (255 - r) * a * 0.45, 255 - (255 - g) * a * 0.45, 255 - (255 - b) * a * 0.45, 255], i * 4);
    }
    const tile = new OffscreenCanvas(GRID, GRID);
    tile.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(tile, 0, 0, size, size);
  }
  const px = (v: number): number => ((v + EXTENT) / (2 * EXTENT)) * size;
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#fff';
  for (let i = 0; i < t.length; i++) {
    ctx.fillStyle = `rgb(${COLORS[t[i]].join(',')})`;
    ctx.beginPath();
    ctx.arc(px(x[2 * i]), size - px(x[2 * i + 1]), 3.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

// --- the playground
const noise = slider('noise', (v) => v.toFixed(2), () => train());
const hidden = slider('hidden', String, () => train());
const width = slider('width', String, () => train());
const dropout = slider('dropout', (v) => (v ? v.toFixed(2) : 'off'), () => train());
const lr = slider('lr', (v) => String(v), () => train(), (x) => Number((10 ** x).toPrecision(2)));
const select = (id: string): HTMLSelectElement => {
  const s = $<HTMLSelectElement>(id);
  s.addEventListener('change', () => train());
  return s;
};
const [dataset, activation, init, optimizer] = ['dataset', 'activation', 'init', 'optimizer'].map(select);
const batchNorm = $<HTMLInputElement>('batchnorm');
batchNorm.addEventListener('change', () => train());
dataset.innerHTML = DATASETS.map((d) => `<option value="${d}">${d}</option>`).join('');
dataset.value = 'circles';

const lines = new Lines($('pg-chart'), ['loss', 'accuracy'], { y: { range: [0, 1.2] } });
const history: [number[], number[], number[]] = [[], [], []];
let points = makeDataset('circles', POINTS, 0.05);

function config(): NetConfig {
  const i = init.value;
  return {
    hidden: hidden(), width: width(), activation: activation.value as Activation,
    init: i === 'he' || i === 'xavier' || i === 'pytorch' ? i : Number(i), dropout: dropout(), batchNorm: batchNorm.checked,
    optimizer: optimizer.value as NetConfig['optimizer'], lr: lr(), seed: 0,
  };
}

function train(): void {
  points = makeDataset(dataset.value as DatasetName, POINTS, noise());
  for (const column of history) column.length = 0;
  const run = runStarted();
  $('pg-run').textContent = String(run);
  send({ type: 'train', id: 'main', run, config: config(), x: points.x, t: points.t, iterations: ITERATIONS });
}

// --- a single layer (a linear boundary, as a perceptron's) next to a 2-8-2 MLP, on XOR
const xor = makeDataset('xor', POINTS, 0.05, 2);
const pair = { linear: { hidden: 0 }, mlp: { hidden: 1 } } as const;
const pairDone = new Set<string>();
function trainPair(): void {
  pairDone.clear();
  for (const [id, { hidden }] of Object.entries(pair)) {
    const c: NetConfig = { hidden, width: 8, activation: 'tanh', init: 'xavier', dropout: 0, batchNorm: false, optimizer: 'Adam', lr: 0.05, seed: 0 };
    send({ type: 'train', id, run: 0, config: c, x: xor.x, t: xor.t, iterations: 600 });
  }
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./playground.worker.ts', import.meta.url), { type: 'module' }), {
  built(m) {
    if (m.id === 'main' && isCurrentRun(m.run)) $('summary').textContent = m.summary;
  },
  progress(m) {
    if (m.id !== 'main') {
      drawBoundary($<HTMLCanvasElement>(`boundary-${m.id}`), m.grid, xor);
      $(`acc-${m.id}`).textContent = `iteration ${m.iteration}: accuracy ${m.accuracy.toFixed(3)}`;
      return;
    }
    if (!isCurrentRun(m.run)) return;
    drawBoundary($<HTMLCanvasElement>('boundary'), m.grid, points);
    $('pg-iteration').textContent = String(m.iteration);
    $('pg-loss').textContent = m.loss.toFixed(3);
    $('pg-accuracy').textContent = m.accuracy.toFixed(3);
    history[0].push(m.iteration);
    history[1].push(m.loss);
    history[2].push(m.accuracy);
    lines.set(history[0], [history[1], history[2]]);
  },
  done(m) {
    if (m.id === 'main') runFinished(m.run);
    else if (pairDone.add(m.id).size === 2) document.body.dataset.pair = 'done';
  },
});

$('pair-run').addEventListener('click', trainPair);
restoreState();
drawBoundary($<HTMLCanvasElement>('boundary'), undefined, points);
train();
trainPair();
