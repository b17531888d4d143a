// Page 5: batch normalization. One weight scale on a slider, with and without batch norm, its
// accuracy curves drawn as the epochs finish; and the book's figure, a sweep over 16 scales, each
// panel filling as it trains.
import { Lines } from '../charts.js';
import { $, connect, fitCanvas, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { restoreState } from './url-state.js';
import type { FromWorker, Kind, ToWorker } from './batch-norm.worker.js';

labPage();
const SWEEP = Array.from({ length: 16 }, (_, i) => 10 ** ((-4 * i) / 15)); // np.logspace(0, -4, 16)
const BN = '#2563eb', PLAIN = '#ea580c';
const scale = slider('scale', (v) => String(v), () => start('focus'), (x) => Number((10 ** x).toPrecision(2)));
const epochs = $<HTMLSelectElement>('epochs');
epochs.addEventListener('change', () => start('focus'));
const chart = new Lines($('focus-chart'), ['with batch norm', 'without'], { x: 'epoch', yTitle: 'train accuracy (share right)', y: { range: [0, 1] }, points: true });
const focus: number[][] = [[], [], []];
const sweep = SWEEP.map(() => ({ bn: [] as number[], plain: [] as number[] }));
let sweepEpochs = Number(epochs.value); // the running sweep's, fixed when it starts
// the page's main run ('run': body[data-state]) is the single scale's; the sweep has its own
const runKind = (kind: Kind): string => (kind === 'focus' ? 'run' : kind);

// The sweep's panels: a small canvas per scale.
$('sweep').innerHTML = SWEEP.map((s, i) => `<figure><canvas id="panel-${i}" class="plot"></canvas><figcaption id="caption-${i}" class="note">std ${s.toPrecision(2)}</figcaption></figure>`).join('');

function drawPanel(i: number): void {
  const ctx = fitCanvas($<HTMLCanvasElement>(`panel-${i}`));
  const { width, height } = $(`panel-${i}`).getBoundingClientRect();
  for (const [values, color] of [[sweep[i].plain, PLAIN], [sweep[i].bn, BN]] as const) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    values.forEach((a, e) => ctx.lineTo((e / sweepEpochs) * (width - 4) + 2, height - 2 - a * (height - 4)));
    ctx.stroke();
  }
  const last = (v: number[]) => v[v.length - 1]?.toFixed(2) ?? '–';
  $(`caption-${i}`).textContent = `std ${SWEEP[i].toPrecision(2)}: ${last(sweep[i].bn)} / ${last(sweep[i].plain)}`;
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./batch-norm.worker.ts', import.meta.url), { type: 'module' }), {
  epoch(m) {
    if (!isCurrentRun(m.run, runKind(m.kind))) return;
    if (m.kind === 'sweep') {
      sweep[m.index].bn.push(m.bn);
      sweep[m.index].plain.push(m.plain);
      drawPanel(m.index);
      return;
    }
    focus[0].push(m.epoch);
    focus[1].push(m.bn);
    focus[2].push(m.plain);
    chart.set(focus[0], focus.slice(1));
    $('focus-bn').textContent = m.bn.toFixed(3);
    $('focus-plain').textContent = m.plain.toFixed(3);
    $('focus-epoch').textContent = String(m.epoch);
  },
  finished(m) {
    if (runFinished(m.run, runKind(m.kind)) && m.kind === 'sweep') $('sweep-run').textContent = 'Run the sweep again';
  },
});

function start(kind: Kind): void {
  if (kind === 'focus') for (const column of focus) column.length = 0;
  else {
    sweepEpochs = Number(epochs.value);
    sweep.forEach((s, i) => ((s.bn = []), (s.plain = []), drawPanel(i)));
  }
  send({ type: 'run', run: runStarted(runKind(kind)), kind, scales: kind === 'focus' ? [scale()] : SWEEP, epochs: Number(epochs.value) });
}

$('sweep-run').addEventListener('click', () => start('sweep'));
restoreState();
start('focus');
