// Page 10: speed. What this browser gives the kernels (threads, relaxed SIMD), and the training
// speed of the book's networks on each: wasm with one and two threads, and the pure-JS kernels.
import { PALETTE } from '../charts.js';
import { $, connect, isCurrentRun, labPage, runFinished, runStarted } from './shell.js';
import { restoreState } from './url-state.js';
import type { Config, FromWorker, Model, ToWorker } from './speed.worker.js';

labPage();
const model = $<HTMLSelectElement>('model');
const seconds = $<HTMLSelectElement>('seconds');
let maxThreads = 1;
let rows: { label: string; imagesPerSecond: number }[] = [];

function drawBars(): void {
  const top = Math.max(...rows.map((r) => r.imagesPerSecond), 1);
  $('results').innerHTML = rows.map((r, i) => `<tr id="result-${i}"><td>${r.label}</td>` +
    `<td class="bar-cell"><div class="bar"><span style="width:${((100 * r.imagesPerSecond) / top).toFixed(1)}%;background:${PALETTE[i % PALETTE.length]}"></span></div></td>` +
    `<td>${Math.round(r.imagesPerSecond).toLocaleString('en')}</td></tr>`).join('');
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./speed.worker.ts', import.meta.url), { type: 'module' }), {
  info(m) {
    maxThreads = m.threads;
    $('isolated').textContent = m.isolated ? 'yes' : 'no';
    $('threads').textContent = String(m.threads);
    $('fma').textContent = m.fma ? 'yes (relaxed SIMD)' : 'no (plain SIMD)';
    $('cores').textContent = String(m.cores);
    measure();
  },
  measured(m) {
    if (!isCurrentRun(m.run)) return;
    const { model, backend, threads } = m.config;
    rows.push({ label: `${model}, ${backend === 'js' ? 'JavaScript' : `wasm SIMD, ${threads} thread${threads > 1 ? 's' : ''}`}`, imagesPerSecond: m.imagesPerSecond });
    drawBars();
  },
  finished(m) {
    if (runFinished(m.run)) $('status').textContent = 'Done.';
  },
});

function measure(): void {
  rows = [];
  drawBars();
  const m = model.value as Model;
  const configs: Config[] = [{ model: m, backend: 'js', threads: 1 }, { model: m, backend: 'wasm', threads: 1 }];
  if (maxThreads > 1) configs.push({ model: m, backend: 'wasm', threads: maxThreads });
  $('status').textContent = `Measuring ${configs.length} set-ups, ${seconds.value} s each…`;
  send({ type: 'measure', run: runStarted(), configs, seconds: Number(seconds.value) });
}
model.addEventListener('change', measure);
seconds.addEventListener('change', measure);
$('again').addEventListener('click', measure);
restoreState();
send({ type: 'info' });
