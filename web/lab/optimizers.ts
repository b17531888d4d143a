// Page 3: optimizer paths on f(x, y) = x²/20 + y², from a start the user drags, learning rates
// on sliders; the worker steps the library's optimizers and the page draws each point it reaches.
import type { OptimizerName } from 'scratchnet';
import { Lines, PALETTE } from '../charts.js';
import { $, connect, fitCanvas, isCurrentRun, labPage, runFinished, runStarted } from './shell.js';
import type { FromWorker, ToWorker } from './optimizers.worker.js';

labPage();
const STEPS = 30;
// the book's learning rates (optimizer_compare_naive.py), and Momentum's for Nesterov and RMSprop
const DEFAULT_LR: Record<OptimizerName, number> = { SGD: 0.95, Momentum: 0.1, Nesterov: 0.1, AdaGrad: 1.5, RMSprop: 0.1, Adam: 0.3 };
const NAMES = Object.keys(DEFAULT_LR) as OptimizerName[];
const X = [-10, 10], Y = [-5, 5]; // the plotted window
const f = (x: number, y: number): number => (x * x) / 20 + y * y;
const twoDigits = (v: number): number => Number(v.toPrecision(2));

let start: [number, number] = [-7, 2];
let paths: Record<string, [number, number][]> = {};

// One panel per optimizer: a canvas, an lr slider and the final point.
const panels = NAMES.map((name, i) => {
  const panel = document.createElement('section');
  panel.className = 'panel';
  panel.innerHTML = `<h2><span class="swatch" style="background:${PALETTE[i]}"></span>${name} <span class="note" id="final-${name}"></span></h2>
    <canvas class="plot path" id="plot-${name}" aria-label="${name}'s path over the contours of f" style="aspect-ratio:2"></canvas>
    <div class="sliders"><label>lr <input type="range" id="lr-${name}" min="-3" max="0.5" step="0.01" value="${Math.log10(DEFAULT_LR[name]).toFixed(2)}"><output></output></label></div>`;
  $('panels').append(panel);
  const input = panel.querySelector('input')!;
  const lr = (): number => twoDigits(10 ** Number(input.value));
  const show = (): void => void (panel.querySelector('output')!.textContent = String(lr()));
  input.addEventListener('input', show);
  input.addEventListener('change', () => run(true));
  show();
  return { name, canvas: panel.querySelector('canvas')!, lr, color: PALETTE[i] };
});

const chart = new Lines($('f-chart'), NAMES, { x: 'step', y: { distr: 3 } });

function draw(): void {
  for (const { name, canvas, color } of panels) {
    const ctx = fitCanvas(canvas);
    const { width: w, height: h } = canvas.getBoundingClientRect();
    const px = (x: number): number => ((x - X[0]) / (X[1] - X[0])) * w;
    const py = (y: number): number => ((Y[1] - y) / (Y[1] - Y[0])) * h;
    // contours: f = c is the ellipse with half-axes √(20c) along x and √c along y
    ctx.strokeStyle = '#cbd5e1';
    for (const c of [0.25, 1, 2.5, 5, 10, 20, 35]) {
      ctx.beginPath();
      ctx.ellipse(px(0), py(0), (Math.sqrt(20 * c) / (X[1] - X[0])) * w, (Math.sqrt(c) / (Y[1] - Y[0])) * h, 0, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.fillStyle = '#1f2328';
    ctx.fillText('+', px(0) - 3, py(0) + 4);
    const path = paths[name] ?? [];
    ctx.strokeStyle = ctx.fillStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    path.forEach(([x, y], i) => (i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
    ctx.stroke();
    for (const [x, y] of path) ctx.fillRect(px(x) - 2, py(y) - 2, 4, 4);
    const last = path[path.length - 1];
    if (last) $(`final-${name}`).textContent = `step ${path.length - 1}: f = ${f(...last).toPrecision(3)}`;
  }
  const steps = Math.max(0, ...Object.values(paths).map((p) => p.length));
  chart.set(Array.from({ length: steps }, (_, i) => i), NAMES.map((n) => (paths[n] ?? []).map(([x, y]) => Math.max(f(x, y), 1e-12))));
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./optimizers.worker.ts', import.meta.url), { type: 'module' }), {
  step(m) {
    if (!isCurrentRun(m.run)) return;
    if (m.step === 0) paths = {};
    for (const [name, p] of Object.entries(m.points)) (paths[name] ??= []).push(p);
    draw();
  },
  done(m) {
    if (runFinished(m.run)) $('status').textContent = `Done: ${m.steps} steps from (${start.map((v) => v.toFixed(2)).join(', ')}).`;
  },
});

/** Runs the six from `start`; animated one step per 80 ms, or at once while the start is dragged. */
function run(animate: boolean): void {
  const run = runStarted();
  $('status').textContent = `Stepping from (${start.map((v) => v.toFixed(2)).join(', ')})…`;
  const lrs = Object.fromEntries(panels.map((p) => [p.name, p.lr()])) as Record<OptimizerName, number>;
  send({ type: 'run', run, start, lrs, steps: STEPS, delayMs: animate ? 80 : 0 });
}

// Dragging on any panel moves the start of all six.
for (const { canvas } of panels) {
  const at = (e: PointerEvent): [number, number] => {
    const box = canvas.getBoundingClientRect();
    return [X[0] + ((e.clientX - box.left) / box.width) * (X[1] - X[0]), Y[1] - ((e.clientY - box.top) / box.height) * (Y[1] - Y[0])];
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
    run(true);
  });
}
$('replay').addEventListener('click', () => run(true));
addEventListener('resize', draw);
run(true);
