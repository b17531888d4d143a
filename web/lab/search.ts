// Page 7: hyper-parameter search. Each finished trial becomes a dot at (lr, λ) coloured by its
// validation accuracy; the best ones are listed. Every search has its own seed (in the URL, so a
// link repeats it); "narrow" searches again over the box around the best quarter of the trials.
import { $, connect, fitCanvas, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { refuse, restoreState, saveControl, setHidden } from './url-state.js';
import { type FromWorker, gridSide, LOG_LAMBDA, LOG_LR, type ToWorker } from './search.worker.js';

labPage();
type Trial = Extract<FromWorker, { type: 'trial' }>;
const trialsCount = slider('trials', String, () => search());
const epochs = slider('epochs', String, () => search());
const mode = $<HTMLSelectElement>('mode');
mode.addEventListener('change', () => search());
const range = (from: string, to: string): HTMLInputElement[] => [from, to].map((id) => $<HTMLInputElement>(id));
const ranges = { lr: range('lr-min', 'lr-max'), lambda: range('lambda-min', 'lambda-max') };
for (const input of [...ranges.lr, ...ranges.lambda]) input.addEventListener('change', () => search());
let trials: Trial[] = [];
let searched = { lr: LOG_LR, lambda: LOG_LAMBDA }; // the ranges of the search shown
const MARGIN = 40, BAR = 46; // px: left and bottom axis room; the colour bar on the right

// validation accuracy 0 → light gray, 1 → dark green
const colour = (a: number): string => `hsl(140, ${15 + 65 * a}%, ${80 - 55 * a}%)`;

/** The plotted window: the book's ranges and the searched ones, whole decades. */
const view = (): { lr: [number, number]; lambda: [number, number] } => ({
  lr: [Math.floor(Math.min(LOG_LR[0], searched.lr[0])), Math.ceil(Math.max(LOG_LR[1], searched.lr[1]))],
  lambda: [Math.floor(Math.min(LOG_LAMBDA[0], searched.lambda[0])), Math.ceil(Math.max(LOG_LAMBDA[1], searched.lambda[1]))],
});

function draw(): void {
  const canvas = $<HTMLCanvasElement>('scatter');
  const ctx = fitCanvas(canvas);
  const { width, height } = canvas.getBoundingClientRect();
  const { lr, lambda } = view();
  const plotW = width - MARGIN - BAR, plotH = height - MARGIN - 10;
  const px = (logLr: number): number => MARGIN + ((logLr - lr[0]) / (lr[1] - lr[0])) * plotW;
  const py = (logLambda: number): number => 10 + plotH - ((logLambda - lambda[0]) / (lambda[1] - lambda[0])) * plotH;
  ctx.fillStyle = '#f1f5f9';
  ctx.fillRect(px(searched.lr[0]), py(searched.lambda[1]), px(searched.lr[1]) - px(searched.lr[0]), py(searched.lambda[0]) - py(searched.lambda[1]));
  ctx.font = '11px system-ui';
  ctx.fillStyle = '#636c76';
  const thin = (span: number): number => Math.ceil(span / 6); // at most ~6 labels an axis
  for (let e = lr[0]; e <= lr[1]; e += thin(lr[1] - lr[0])) {
    ctx.fillRect(px(e), 10, 0.5, plotH);
    ctx.fillText(`1e${e}`, px(e) - 12, height - MARGIN + 16);
  }
  for (let e = lambda[0]; e <= lambda[1]; e += thin(lambda[1] - lambda[0])) {
    ctx.fillRect(MARGIN, py(e), plotW, 0.5);
    ctx.fillText(`1e${e}`, 2, py(e) + 4);
  }
  ctx.fillText('learning rate (log scale)', MARGIN + plotW / 2 - 55, height - 8);
  ctx.save();
  ctx.translate(11, 10 + plotH / 2 + 40);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('weight decay λ (log scale)', 0, 0);
  ctx.restore();
  // the colour bar: validation accuracy 0 (bottom) to 1 (top)
  const barX = width - BAR + 10;
  for (let i = 0; i < plotH; i++) {
    ctx.fillStyle = colour(1 - i / plotH);
    ctx.fillRect(barX, 10 + i, 10, 1.5);
  }
  ctx.fillStyle = '#636c76';
  for (const a of [0, 0.5, 1]) ctx.fillText(String(a), barX + 13, 10 + (1 - a) * plotH + 4);
  ctx.save();
  ctx.translate(width - 4, 10 + plotH / 2 + 45);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('validation accuracy', 0, 0);
  ctx.restore();
  for (const t of trials) {
    ctx.fillStyle = colour(t.valAcc);
    ctx.beginPath();
    ctx.arc(px(Math.log10(t.lr)), py(Math.log10(t.lambda)), 6, 0, 2 * Math.PI);
    ctx.fill();
  }
}

const best = (n: number): Trial[] => [...trials].sort((a, b) => b.valAcc - a.valAcc).slice(0, n);

function showBest(): void {
  $('best').innerHTML = best(5).map((t, i) => `<tr id="best-${i + 1}"><td>${i + 1}</td><td>${t.valAcc.toFixed(2)}</td><td>${t.trainAcc.toFixed(2)}</td>` +
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
    if (runFinished(m.run)) $('status').textContent = `All ${trials.length} trials done (seed ${$<HTMLInputElement>('seed').value}).`;
  },
});

// A range's two ends as numbers, or undefined (and a note) when they do not make a range.
function readRange([from, to]: HTMLInputElement[], name: string): [number, number] | undefined {
  const [lo, hi] = [from.value, to.value].map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (Number.isFinite(lo) && Number.isFinite(hi) && lo < hi && lo >= Number(from.min) && hi <= Number(to.max)) return [lo, hi];
  $('status').textContent = `The ${name} range must be two numbers from ${from.min} to ${to.max}, the first below the second.`;
  return undefined;
}

function search(): void {
  const lr = readRange(ranges.lr, 'log₁₀ lr'), lambda = readRange(ranges.lambda, 'log₁₀ λ');
  if (!lr || !lambda) return;
  searched = { lr, lambda };
  trials = [];
  draw();
  showBest();
  const n = trialsCount(), side = gridSide(n);
  $('status').textContent = mode.value === 'grid' && side * side !== n
    ? `A grid runs ${side} × ${side} = ${side * side} trials, the nearest square to ${n}. Loading MNIST…` : 'Loading MNIST…';
  send({ type: 'search', run: runStarted(), mode: mode.value as 'random' | 'grid', trials: n, epochs: epochs(),
    seed: Number($<HTMLInputElement>('seed').value), logLr: lr, logLambda: lambda });
}

/** A new search with a fresh seed (written into the URL, so the link repeats this search). */
function searchAgain(): void {
  setHidden('seed', String(Math.floor(Math.random() * 2 ** 31)));
  search();
}

// The box around the best quarter of the trials (at least two; half a decade wider each way), searched again.
function narrow(): void {
  const top = best(Math.max(2, Math.ceil(trials.length / 4)));
  if (top.length < 2) return void ($('status').textContent = 'Narrowing needs at least two finished trials.');
  const box = (values: number[], [from, to]: HTMLInputElement[]): void => {
    const logs = values.map(Math.log10);
    const round = (v: number): number => Math.round(v * 2) / 2;
    // within the range searched: narrowing never widens it
    const [lo, hi] = [Number(from.value), Number(to.value)];
    from.value = String(Math.max(lo, round(Math.min(...logs) - 0.5)));
    to.value = String(Math.min(hi, round(Math.max(...logs) + 0.5)));
    for (const input of [from, to]) saveControl(input);
  };
  box(top.map((t) => t.lr), ranges.lr);
  box(top.map((t) => t.lambda), ranges.lambda);
  searchAgain();
}

$('stop').addEventListener('click', () => {
  send({ type: 'stop' });
  $('status').textContent = `Stopped after ${trials.length} trials.`;
});
$('again').addEventListener('click', searchAgain);
$('narrow').addEventListener('click', narrow);
addEventListener('resize', draw);
restoreState();
// ends that each lie in range but do not make a range (from ≥ to) go back to the book's
for (const [[from, to], book, name] of [[ranges.lr, LOG_LR, 'lr-min'], [ranges.lambda, LOG_LAMBDA, 'lambda-min']] as const) {
  if (Number(from.value) < Number(to.value)) continue;
  refuse(name, from.value, `it must be below ${to.value}`);
  [from.value, to.value] = book.map(String);
}
search();
