// Page 7: hyper-parameter search. Each finished trial becomes a dot at (lr, λ) coloured by its
// validation accuracy; the best ones are listed.
import { $, connect, fitCanvas, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { type FromWorker, LOG_LAMBDA, LOG_LR, type ToWorker } from './search.worker.js';

labPage();
type Trial = Extract<FromWorker, { type: 'trial' }>;
const trialsCount = slider('trials', String, () => search());
const epochs = slider('epochs', String, () => search());
const mode = $<HTMLSelectElement>('mode');
mode.addEventListener('change', () => search());
let trials: Trial[] = [];
const MARGIN = 40;

// validation accuracy 0 → light gray, 1 → dark green
const colour = (a: number): string => `hsl(140, ${15 + 65 * a}%, ${80 - 55 * a}%)`;

function draw(): void {
  const canvas = $<HTMLCanvasElement>('scatter');
  const ctx = fitCanvas(canvas);
  const { width, height } = canvas.getBoundingClientRect();
  const px = (logLr: number): number => MARGIN + ((logLr - LOG_LR[0]) / (LOG_LR[1] - LOG_LR[0])) * (width - MARGIN - 24);
  const py = (logLambda: number): number => height - MARGIN + 10 - ((logLambda - LOG_LAMBDA[0]) / (LOG_LAMBDA[1] - LOG_LAMBDA[0])) * (height - MARGIN - 10) - 10;
  ctx.font = '11px system-ui';
  ctx.fillStyle = '#636c76';
  ctx.strokeStyle = '#eaeef2';
  for (let e = LOG_LR[0]; e <= LOG_LR[1]; e++) {
    ctx.fillRect(px(e), 10, 0.5, height - MARGIN - 10);
    ctx.fillText(`1e${e}`, px(e) - 12, height - MARGIN + 16);
  }
  for (let e = LOG_LAMBDA[0]; e <= LOG_LAMBDA[1]; e++) {
    ctx.fillRect(MARGIN, py(e), width - MARGIN - 24, 0.5);
    ctx.fillText(`1e${e}`, 2, py(e) + 4);
  }
  ctx.fillText('learning rate', width / 2 - 30, height - 6);
  ctx.fillText('λ', MARGIN - 12, 22);
  for (const t of trials) {
    ctx.fillStyle = colour(t.valAcc);
    ctx.beginPath();
    ctx.arc(px(Math.log10(t.lr)), py(Math.log10(t.lambda)), 6, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function showBest(): void {
  const best = [...trials].sort((a, b) => b.valAcc - a.valAcc).slice(0, 5);
  $('best').innerHTML = best.map((t, i) => `<tr id="best-${i + 1}"><td>${i + 1}</td><td>${t.valAcc.toFixed(2)}</td><td>${t.trainAcc.toFixed(2)}</td>` +
    `<td>${t.lr.toExponential(1)}</td><td>${t.lambda.toExponential(1)}</td></tr>`).join('');
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module' }), {
  trial(m) {
    if (!isCurrentRun(m.run)) return;
    trials.push(m);
    draw();
    showBest();
    $('status').textContent = `${trials.length} trials done`;
  },
  finished(m) {
    if (runFinished(m.run)) $('status').textContent = `All ${trials.length} trials done.`;
  },
});

function search(): void {
  trials = [];
  draw();
  showBest();
  $('status').textContent = 'Loading MNIST…';
  send({ type: 'search', run: runStarted(), mode: mode.value as 'random' | 'grid', trials: trialsCount(), epochs: epochs(), seed: 0 });
}
$('stop').addEventListener('click', () => {
  send({ type: 'stop' });
  $('status').textContent = `Stopped after ${trials.length} trials.`;
});
$('again').addEventListener('click', search);
addEventListener('resize', draw);
search();
