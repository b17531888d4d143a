// Page 3: optimizer paths on a 2-D surface (the book's bowl f(x, y) = x²/20 + y², or a saddle),
// from a start the user drags, with learning rates and the other hyper-parameters on sliders; the
// worker steps the library's optimizers and the page draws each point it reaches. Moving a slider
// reruns the paths at once (throttled to the screen's frames); letting go replays them animated.
import type { OptimizerName } from 'scratchnet';
import { Lines, PALETTE } from '../charts.js';
import { $, connect, fitCanvas, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { restoreState, setHidden } from './url-state.js';
import { type FromWorker, type Schedule, type Surface, SURFACES, type ToWorker } from './optimizers.worker.js';

labPage();
const STEPS = 30;
// the book's learning rates (optimizer_compare_naive.py), and Momentum's for Nesterov and RMSprop
const DEFAULT_LR: Record<OptimizerName, number> = { SGD: 0.95, Momentum: 0.1, Nesterov: 0.1, AdaGrad: 1.5, RMSprop: 0.1, Adam: 0.3 };
const NAMES = Object.keys(DEFAULT_LR) as OptimizerName[];
const X = [-10, 10], Y = [-5, 5]; // the plotted window
const twoDigits = (v: number): number => Number(v.toPrecision(2));
const surface = $<HTMLSelectElement>('surface');
const fOf = (x: number, y: number): number => SURFACES[surface.value as Surface].f(x, y);

let start: [number, number] = [-7, 2];
let paths: Record<string, [number, number][]> = {};

// Reruns at once while a slider moves (one run a frame at most); replays animated when let go.
let pending = false;
function live(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    run(false);
  });
}

// One panel per optimizer: a canvas, an lr slider and the final point.
const panels = NAMES.map((name, i) => {
  const panel = document.createElement('section');
  panel.className = 'panel';
  panel.innerHTML = `<h2><span class="swatch" style="background:${PALETTE[i]}"></span>${name} <span class="note" id="final-${name}"></span></h2>
    <canvas class="plot path" id="plot-${name}" aria-label="${name}'s path over the contours of f" style="aspect-ratio:2"></canvas>
    <div class="sliders"><label>lr <input type="range" id="lr-${name}" name="lr-${name}" min="-3" max="0.5" step="0.01" value="${Math.log10(DEFAULT_LR[name]).toFixed(2)}"><output></output></label></div>`;
  $('panels').append(panel);
  const input = panel.querySelector('input')!;
  const lr = (): number => twoDigits(10 ** Number(input.value));
  const show = (): void => void (panel.querySelector('output')!.textContent = String(lr()));
  input.addEventListener('input', show);
  input.addEventListener('input', (e) => void (e.isTrusted && live()));
  input.addEventListener('change', () => run(true));
  show();
  return { name, canvas: panel.querySelector('canvas')!, lr, color: PALETTE[i] };
});
const hyperSlider = (id: string): (() => number) => {
  $(id).addEventListener('input', (e) => void (e.isTrusted && live()));
  return slider(id, String, () => run(true));
};
const hyper = { momentum: hyperSlider('momentum'), beta1: hyperSlider('beta1'), beta2: hyperSlider('beta2'), decayRate: hyperSlider('decay') };
surface.addEventListener('change', () => run(true));
const schedule = $<HTMLSelectElement>('schedule');
schedule.addEventListener('change', () => run(true));

const chart = new Lines($('f-chart'), NAMES, { x: 'step', y: { distr: 3 }, xTitle: 'step', yTitle: 'f − min f (log scale)' });

// The surface shaded by log(f − min): darker is lower; one tile per surface and size.
function shade(ctx: CanvasRenderingContext2D, w: number, h: number): void {
  const { f, min } = SURFACES[surface.value as Surface];
  const [cols, rows] = [120, 60];
  const image = new ImageData(cols, rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = X[0] + ((c + 0.5) / cols) * (X[1] - X[0]), y = Y[1] - ((r + 0.5) / rows) * (Y[1] - Y[0]);
      const level = Math.min(1, Math.max(0, (Math.log10(f(x, y) - min + 0.01) + 2) / 4.5)); // 0.01 … ~300
      const v = Math.round(205 + 50 * level);
      image.data.set([v - 25, v - 12, v, 255], (r * cols + c) * 4);
    }
  }
  const tile = new OffscreenCanvas(cols, rows);
  tile.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, 0, 0, w, h);
}

function draw(): void {
  for (const { name, canvas, color } of panels) {
    const ctx = fitCanvas(canvas);
    const { width: w, height: h } = canvas.getBoundingClientRect();
    const px = (x: number): number => ((x - X[0]) / (X[1] - X[0])) * w;
    const py = (y: number): number => ((Y[1] - y) / (Y[1] - Y[0])) * h;
    shade(ctx, w, h);
    ctx.fillStyle = '#1f2328';
    ctx.fillText('+', px(0) - 3, py(0) + 4);
    ctx.fillStyle = '#636c76';
    ctx.font = '10px system-ui';
    ctx.fillText(`x from ${X[0]} to ${X[1]} →`, 4, h - 4);
    ctx.save();
    ctx.translate(11, h - 4);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`y from ${Y[0]} to ${Y[1]} →`, 100, 0);
    ctx.restore();
    const path = paths[name] ?? [];
    ctx.strokeStyle = ctx.fillStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    path.forEach(([x, y], i) => (i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
    ctx.stroke();
    for (const [x, y] of path) ctx.fillRect(px(x) - 2, py(y) - 2, 4, 4);
    const last = path[path.length - 1];
    if (last) $(`final-${name}`).textContent = `step ${path.length - 1}: f = ${fOf(...last).toPrecision(3)}`;
  }
  const steps = Math.max(0, ...Object.values(paths).map((p) => p.length));
  const { min } = SURFACES[surface.value as Surface];
  chart.set(Array.from({ length: steps }, (_, i) => i), NAMES.map((n) => (paths[n] ?? []).map(([x, y]) => Math.max(fOf(x, y) - min, 1e-12))));
}

/** One sentence on why this run ends where it does. */
function why(): string {
  const end = (n: OptimizerName): number => {
    const p = paths[n] ?? [];
    return p.length ? fOf(...p[p.length - 1]) : NaN;
  };
  const first = (n: OptimizerName): number => fOf(...(paths[n]?.[0] ?? start));
  const diverged = NAMES.filter((n) => !(end(n) <= first(n) * 10 + 10));
  if (diverged.length) {
    return `${diverged.join(' and ')} diverged: a step of lr × gradient larger than the valley is wide overshoots the other side by more ` +
      'than it corrects, so each step lands higher up (for SGD on the bowl that is any lr above 1, where 1 − 2·lr falls below −1).';
  }
  const best = NAMES.reduce((a, b) => (end(b) < end(a) ? b : a));
  const scheduled = schedule.value === 'constant' ? '' : ` With the lr ${schedule.value === 'step' ? 'halved every 10 steps' : 'falling to 0 along a cosine'}, ` +
    'the late steps are small: the adaptive optimizers stop jittering around the minimum and settle, where a constant lr keeps them circling it.';
  if (surface.value === 'round') {
    return `${best} ends lowest. On the standardized bowl x and y have the same curvature, so the gradient points straight at the minimum: ` +
      `SGD no longer zig-zags (compare the bowl), and every step only has to be the right length.${scheduled}`;
  }
  if (surface.value === 'saddle') {
    return `${best} ends lowest. Near the saddle at (0, 0) the gradient across it is tiny, so plain SGD creeps away from it; ` +
      'momentum builds speed and AdaGrad, RMSprop and Adam divide by the gradient\'s size, so they leave it for a valley sooner.';
  }
  const reason: Record<OptimizerName, string> = {
    SGD: `at lr ${panels[0].lr()} a step multiplies y by 1 − 2·lr = ${(1 - 2 * panels[0].lr()).toFixed(2)} (a damped zigzag) and x by ` +
      `1 − lr/10 = ${(1 - panels[0].lr() / 10).toFixed(3)}, so both shrink every step — the book's lr is near the largest that keeps y stable`,
    Momentum: 'its velocity keeps the steps going along the flat x direction where the gradient alone is small',
    Nesterov: 'its velocity, corrected by looking ahead, crosses the flat x direction quickly and swings less',
    AdaGrad: 'dividing by the root of the summed squared gradients gives x and y steps of the same size, straight at the minimum',
    RMSprop: 'dividing by the gradients\' recent size makes its steps about lr long in both directions',
    Adam: 'its steps are about lr long whatever the gradient, with momentum smoothing the zigzag',
  };
  return `${best} ends lowest (f = ${end(best).toPrecision(2)}) after ${STEPS} steps: ${reason[best]}. ` +
    (scheduled || 'Adaptive optimizers (AdaGrad, RMSprop, Adam) keep taking steps of about lr near the minimum, so they hover within about lr of it.');
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./optimizers.worker.ts', import.meta.url), { type: 'module' }), {
  step(m) {
    if (!isCurrentRun(m.run)) return;
    if (m.step === 0) paths = {};
    for (const [name, p] of Object.entries(m.points)) (paths[name] ??= []).push(p);
    draw();
  },
  done(m) {
    if (!runFinished(m.run)) return;
    $('status').textContent = `Done: ${m.steps} steps from (${start.map((v) => v.toFixed(2)).join(', ')}).`;
    $('why').textContent = why();
  },
});

/** Runs the six from `start`; animated one step per 80 ms, or at once while something moves. */
function run(animate: boolean): void {
  const run = runStarted();
  $('status').textContent = `Stepping from (${start.map((v) => v.toFixed(2)).join(', ')})…`;
  const lrs = Object.fromEntries(panels.map((p) => [p.name, p.lr()])) as Record<OptimizerName, number>;
  const h = { momentum: hyper.momentum(), beta1: hyper.beta1(), beta2: hyper.beta2(), decayRate: hyper.decayRate() };
  send({ type: 'run', run, surface: surface.value as Surface, start, lrs, hyper: h, schedule: schedule.value as Schedule, steps: STEPS, delayMs: animate ? 80 : 0 });
}

// Dragging on any panel moves the start of all six; the start travels in the URL.
const round2 = (v: number): number => Math.round(v * 100) / 100;
for (const { canvas } of panels) {
  const at = (e: PointerEvent): [number, number] => {
    const box = canvas.getBoundingClientRect();
    return [round2(X[0] + ((e.clientX - box.left) / box.width) * (X[1] - X[0])), round2(Y[1] - ((e.clientY - box.top) / box.height) * (Y[1] - Y[0]))];
  };
  let dragging = false;
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    dragging = true;
    start = at(e);
    run(false);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!dragging) return;
    start = at(e);
    run(false);
  });
  canvas.addEventListener('pointerup', () => {
    dragging = false;
    setHidden('start-x', String(start[0]));
    setHidden('start-y', String(start[1]));
    run(true);
  });
}
$('replay').addEventListener('click', () => run(true));
addEventListener('resize', draw);
restoreState();
start = [Number($<HTMLInputElement>('start-x').value), Number($<HTMLInputElement>('start-y').value)];
run(true);
