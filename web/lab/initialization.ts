// Page 4: weight initialization. Histograms of five layers' activations for the chosen scale and
// activation, redrawn at once; and the MNIST losses of a deep net under three scales, live.
import { Lines } from '../charts.js';
import { drawHistogram } from './histogram.js';
import { $, connect, isCurrentRun, labPage, runFinished, runStarted } from './shell.js';
import { restoreState } from './url-state.js';
import { type Activation, type FromWorker, type Scale, type ToWorker } from './initialization.worker.js';

labPage();
const activation = $<HTMLSelectElement>('activation'), scale = $<HTMLSelectElement>('scale');
const compareActivation = $<HTMLSelectElement>('compare-activation'), iterations = $<HTMLSelectElement>('iterations');
const chart = new Lines($('loss-chart'), ['std 0.01', 'Xavier', 'He'], { x: 'iteration', yTitle: 'train loss (cross-entropy)', y: { range: [0, 2.5] } });
const history: number[][] = [[], [], [], []]; // iterations, then one loss column per scale
let comparing = false;

// A unit's 784 incoming weights as a 28×28 image, scaled by `top` (dark positive, light negative).
function drawWeights(canvas: HTMLCanvasElement, w: Float32Array, top: number): void {
  canvas.width = canvas.height = 28;
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(128 - 127 * Math.max(-1, Math.min(1, w[i] / top)));
    image.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

function setComparing(on: boolean): void {
  comparing = on;
  $('compare').textContent = on ? 'Stop' : 'Train';
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./initialization.worker.ts', import.meta.url), { type: 'module' }), {
  histograms(m) {
    if (!runFinished(m.run)) return;
    m.layers.forEach((layer, i) => {
      drawHistogram($<HTMLCanvasElement>(`layer-${i + 1}`), layer.histogram, m.range);
      const what = activation.value === 'relu' ? 'exactly 0 (not drawn)' : 'within 0.05 of the ends';
      const beyond = layer.beyond > 0.0005 ? `, past ${m.range[1]}: ${(100 * layer.beyond).toFixed(1)}%` : '';
      $(`stats-${i + 1}`).textContent = `layer ${i + 1}: std ${layer.std.toPrecision(2)}${beyond}, ${what}: ${(100 * layer.saturated).toFixed(0)}%`;
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
  zeros(m) {
    if (!runFinished(m.run, 'zeros')) return;
    m.nets.forEach((net, k) => {
      const top = Math.max(1e-6, ...Array.from(net.units, Math.abs));
      const host = $(`zeros-${k}`);
      host.replaceChildren(...Array.from({ length: net.units.length / 784 }, (_, j) => {
        const canvas = document.createElement('canvas');
        drawWeights(canvas, net.units.subarray(j * 784, (j + 1) * 784), top);
        return canvas;
      }));
      $(`zeros-caption-${k}`).textContent = `${k ? 'Xavier' : 'all zeros'}: loss ${net.loss.toFixed(3)}; the largest difference between ` +
        `a unit's weights and unit 1's: ${net.spread === 0 ? '0' : net.spread.toPrecision(2)}${net.spread === 0 ? ' — all 20 units are the same' : ''}.`;
    });
  },
});
const trainZeros = (): void => send({ type: 'zeros', run: runStarted('zeros') });
$('zeros-run').addEventListener('click', trainZeros);

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
trainZeros();
