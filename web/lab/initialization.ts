// Page 4: weight initialization. Histograms of five layers' activations for the chosen scale and
// activation, redrawn at once; and the MNIST losses of a deep net under three scales, live.
import { Lines } from '../charts.js';
import { $, connect, fitCanvas, isCurrentRun, labPage, runFinished, runStarted } from './shell.js';
import { restoreState } from './url-state.js';
import { type Activation, type FromWorker, type LayerStats, type Scale, type ToWorker } from './initialization.worker.js';

labPage();
const activation = $<HTMLSelectElement>('activation'), scale = $<HTMLSelectElement>('scale');
const compareActivation = $<HTMLSelectElement>('compare-activation'), iterations = $<HTMLSelectElement>('iterations');
const chart = new Lines($('loss-chart'), ['std 0.01', 'Xavier', 'He'], { x: 'iteration', yTitle: 'train loss (cross-entropy)', y: { range: [0, 2.5] } });
const history: number[][] = [[], [], [], []]; // iterations, then one loss column per scale
let comparing = false;

function drawHistogram(canvas: HTMLCanvasElement, { histogram }: LayerStats, [lo, hi]: [number, number]): void {
  const ctx = fitCanvas(canvas);
  const { width, height } = canvas.getBoundingClientRect();
  const top = Math.max(...histogram, 1e-9), bar = width / histogram.length, axis = 14;
  ctx.fillStyle = '#2563eb';
  histogram.forEach((p, i) => {
    const h = (p / top) * (height - axis - 4);
    ctx.fillRect(i * bar + 0.5, height - axis - h, bar - 1, h);
  });
  ctx.fillStyle = '#636c76';
  ctx.font = '10px system-ui';
  ctx.fillText(String(lo), 1, height - 2);
  ctx.textAlign = 'right';
  ctx.fillText(String(hi), width - 1, height - 2);
}

function setComparing(on: boolean): void {
  comparing = on;
  $('compare').textContent = on ? 'Stop' : 'Train';
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./initialization.worker.ts', import.meta.url), { type: 'module' }), {
  histograms(m) {
    if (!runFinished(m.run)) return;
    m.layers.forEach((layer, i) => {
      drawHistogram($<HTMLCanvasElement>(`layer-${i + 1}`), layer, m.range);
      const what = activation.value === 'relu' ? 'at 0' : 'at the ends';
      $(`stats-${i + 1}`).textContent = `layer ${i + 1}: std ${layer.std.toPrecision(2)}, ${(100 * layer.saturated).toFixed(0)}% ${what}`;
    });
  },
  losses(m) {
    if (!isCurrentRun(m.run, 'compare')) return;
    history[0].push(m.iteration);
    m.losses.forEach((l, k) => history[k + 1].push(l));
    chart.set(history[0], history.slice(1));
    m.losses.forEach((loss, k) => ($(`loss-${['std', 'xavier', 'he'][k]}`).textContent = loss.toFixed(3)));
    $('compare-status').textContent = `iteration ${m.iteration} of ${iterations.value}`;
  },
  compared(m) {
    if (runFinished(m.run, 'compare')) setComparing(false);
  },
});

const showHistograms = (): void =>
  send({ type: 'histograms', run: runStarted(), activation: activation.value as Activation, scale: scale.value as Scale });

function compare(): void {
  for (const column of history) column.length = 0;
  setComparing(true);
  $('compare-status').textContent = 'Loading MNIST…';
  send({ type: 'compare', run: runStarted('compare'), activation: compareActivation.value as Activation, iterations: Number(iterations.value) });
}

activation.addEventListener('change', showHistograms);
scale.addEventListener('change', showHistograms);
compareActivation.addEventListener('change', compare);
iterations.addEventListener('change', compare);
$('compare').addEventListener('click', () => {
  if (!comparing) return compare();
  send({ type: 'stop' });
  setComparing(false);
});
restoreState();
showHistograms();
compare();
