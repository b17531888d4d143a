// Page 2: gradient check. Backprop against central differences for every parameter of
// TwoLayerNet, at an h the user picks; the sweep over h shows float32's rounding (small h) and
// ReLU's kinks (large h); the bars show which hidden units' b1 sit within h of a kink.
import { Lines } from '../charts.js';
import { $, connect, fitCanvas, labPage, runFinished, runStarted, slider } from './shell.js';
import { restoreState } from './url-state.js';
import { type FromWorker, SWEEP_H, type ToWorker } from './gradient-check.worker.js';

labPage();
const h = slider('h', (v) => v.toExponential(0), () => check(), (x) => Number((10 ** x).toPrecision(1)));
const seed = slider('seed', String, () => check());
const sweepChart = new Lines($('sweep-chart'), ['b1', 'W2', 'b2'], { x: 'log₁₀ h (h: step of the parameter)', yTitle: 'mean |backprop − numerical|', y: { distr: 3 }, points: true });
const fmt = (v: number): string => v.toExponential(2);

/** One bar per hidden unit: log₁₀ |backprop − numerical| of b1[j], red where the unit's
 *  pre-activation is within h of 0 for some image of the batch. */
function drawUnits(canvas: HTMLCanvasElement, diff: number[], kink: number[], step: number): void {
  const ctx = fitCanvas(canvas);
  const { width, height } = canvas.getBoundingClientRect();
  const [lo, hi] = [-10, 0]; // log₁₀ range shown
  const left = 34; // for the axis labels
  const bar = (width - left) / diff.length;
  ctx.font = '11px system-ui';
  ctx.fillStyle = '#636c76';
  for (let e = lo; e <= hi; e += 2) {
    const y = height - ((e - lo) / (hi - lo)) * (height - 10);
    ctx.fillRect(0, y, width, 0.5);
    ctx.fillText(`1e${e}`, 2, y - 2);
  }
  ctx.fillText(`hidden unit 1 … ${diff.length} →`, width - 110, 10);
  diff.forEach((d, j) => {
    // a difference of exactly 0 has no logarithm: a grey stub at the bottom stands for it
    const v = d === 0 ? lo + 0.3 : Math.max(lo, Math.min(hi, Math.log10(d)));
    const top = height - ((v - lo) / (hi - lo)) * (height - 10);
    ctx.fillStyle = d === 0 ? '#8c959f' : kink[j] < step ? '#dc2626' : '#2563eb';
    ctx.fillRect(left + j * bar + 1, top, Math.max(1, bar - 2), height - top);
  });
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./gradient-check.worker.ts', import.meta.url), { type: 'module' }), {
  checked(m) {
    if (!runFinished(m.run)) return;
    $('table').innerHTML = Object.entries(m.results).map(([name, r]) =>
      `<tr id="row-${name}"><td>${name}</td><td>${fmt(r.meanAbsDiff)}</td><td>${fmt(r.maxRelError)}</td><td>${fmt(r.relError)}</td></tr>`).join('');
    sweepChart.set(SWEEP_H.map(Math.log10), ['b1', 'W2', 'b2'].map((name) => m.sweep[name]));
    sweepChart.mark(Math.log10(m.h));
    const near = m.units.kink.filter((k) => k < m.h).length;
    drawUnits($<HTMLCanvasElement>('units'), m.units.diff, m.units.kink, m.h);
    const zero = m.units.diff.filter((d) => d === 0).length;
    $('units-caption').textContent = `${near} of ${m.units.kink.length} hidden units have a pre-activation within h = ${m.h} of ReLU's kink (red).` +
      (zero ? ` ${zero} agree exactly (difference 0, the grey stubs).` : '') + ' The y axis: |backprop − numerical| of each unit\'s b1, log scale.';
    $('status').textContent = `Checked at h = ${m.h} in ${m.seconds.toFixed(1)} s (${(39_760 * 2).toLocaleString('en')} losses for the numerical gradients at h, and the sweep).`;
  },
});

function check(): void {
  $('status').textContent = 'Computing numerical gradients…';
  send({ type: 'check', run: runStarted(), h: h(), seed: seed() });
}
restoreState();
check();
