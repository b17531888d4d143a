// Page 6: overfitting. A plain network and one with the chosen weight decay and dropout train side
// by side on 300 images; the chart shows each one's train and test accuracy, the gap live.
import { Lines } from '../charts.js';
import { $, connect, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { restoreState } from './url-state.js';
import { type FromWorker, TEST_SIZE, type ToWorker } from './overfitting.worker.js';

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
  finished(m) {
    runFinished(m.run);
  },
});

function run(): void {
  for (const column of columns) column.length = 0;
  const [l, d] = [lambda(), dropout()];
  $('regularized-name').textContent = [l ? `λ = ${l}` : '', d ? `dropout ${d}` : ''].filter(Boolean).join(', ') || 'nothing (the same as plain)';
  send({ type: 'run', run: runStarted(), lambda: l, dropout: d, epochs: epochs() });
}
restoreState();
run();
