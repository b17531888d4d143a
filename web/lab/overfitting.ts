// Page 6: overfitting. A plain network and one with the chosen weight decay and dropout train side
// by side on 300 images; the chart shows each one's train and test accuracy, the gap live.
import { Lines } from '../charts.js';
import { $, connect, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { restoreState } from './url-state.js';
import { type FromWorker, type Setting, TEST_SIZE, type ToWorker } from './overfitting.worker.js';

labPage();
const lambda = slider('lambda', (v) => String(v), () => run());
const dropout = slider('dropout', (v) => (v ? v.toFixed(2) : 'off'), () => run());
const epochs = slider('epochs', String, () => run());
const [PLAIN, REGULARIZED, DASH] = ['#ea580c', '#2563eb', [6, 4]];
const chart = new Lines($('chart'), [
  { label: 'plain, train', color: PLAIN }, { label: 'plain, test', color: PLAIN, dash: DASH },
  { label: 'regularized, train', color: REGULARIZED }, { label: 'regularized, test', color: REGULARIZED, dash: DASH },
], { x: 'epoch', yTitle: 'accuracy (share right)', y: { range: [0, 1] } });
const columns: number[][] = [[], [], [], [], []];
$('test-size').textContent = TEST_SIZE.toLocaleString('en');

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./overfitting.worker.ts', import.meta.url), { type: 'module' }), {
  epoch(m) {
    if (!isCurrentRun(m.run)) return;
    [m.epoch, ...m.plain, ...m.regularized].forEach((v, i) => columns[i].push(v));
    chart.set(columns[0], columns.slice(1));
    $('epoch').textContent = String(m.epoch);
    for (const [id, [train, test]] of [['plain', m.plain], ['regularized', m.regularized]] as const) {
      $(`${id}-train`).textContent = train.toFixed(3);
      $(`${id}-test`).textContent = test.toFixed(3);
      $(`${id}-gap`).textContent = (train - test).toFixed(3);
    }
  },
  point(m) {
    if (!isCurrentRun(m.run, 'sweep')) return;
    results[m.index] = { train: m.train, test: m.test };
    showSweeps();
  },
  finished(m) {
    if (!m.sweep) return void runFinished(m.run);
    if (runFinished(m.run, 'sweep')) $('sweep-status').textContent = `All ${SWEEP.length} settings trained for ${sweepEpochs} epochs.`;
  },
});

// --- the sweeps: λ alone, then the dropout ratio alone
const LAMBDAS = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3], RATIOS = [0.05, 0.1, 0.2, 0.3, 0.5];
const SWEEP: Setting[] = [...LAMBDAS.map((lambda) => ({ lambda, dropout: 0 })), ...RATIOS.map((dropout) => ({ lambda: 0, dropout }))];
let results: ({ train: number; test: number } | undefined)[] = [];
let sweepEpochs = 0;

function showSweeps(): void {
  const done = results.filter(Boolean) as { train: number; test: number }[];
  const best = Math.max(...done.map((r) => r.test));
  const rows = (indices: number[], label: (s: Setting) => string): string => indices.map((i) => {
    const r = results[i];
    const mark = r && r.test === best ? ' class="best"' : '';
    return `<tr id="sweep-${i}"${mark}><td>${label(SWEEP[i])}${mark ? ' ★' : ''}</td><td>${r ? r.test.toFixed(3) : '…'}</td>` +
      `<td>${r ? r.train.toFixed(3) : ''}</td><td>${r ? (r.train - r.test).toFixed(3) : ''}</td></tr>`;
  }).join('');
  $('sweep-lambda').innerHTML = rows(LAMBDAS.map((_, i) => i), (s) => String(s.lambda));
  // the plain network (λ 0) heads the dropout table too, as dropout 0
  $('sweep-dropout').innerHTML = rows([0, ...RATIOS.map((_, i) => LAMBDAS.length + i)], (s) => (s.dropout ? String(s.dropout) : '0 (plain)'));
  $('sweep-status').textContent = `${done.length} of ${SWEEP.length} settings trained…`;
}

function runSweeps(): void {
  results = SWEEP.map(() => undefined);
  sweepEpochs = epochs();
  $('sweep-epochs').textContent = String(sweepEpochs);
  showSweeps();
  send({ type: 'sweep', run: runStarted('sweep'), settings: SWEEP, epochs: sweepEpochs });
}
$('sweep-run').addEventListener('click', runSweeps);

function run(): void {
  for (const column of columns) column.length = 0;
  const [l, d] = [lambda(), dropout()];
  $('regularized-name').textContent = [l ? `λ = ${l}` : '', d ? `dropout ${d}` : ''].filter(Boolean).join(', ') || 'nothing (the same as plain)';
  send({ type: 'run', run: runStarted(), lambda: l, dropout: d, epochs: epochs() });
}
restoreState();
run();
