// Page 5: batch normalization. One weight scale on a slider, with and without batch norm, its
// accuracy curves drawn as the epochs finish; and the book's figure, a sweep over 16 scales, each
// panel filling as it trains.
import { Lines } from '../charts.js';
import { $, connect, fitCanvas, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { restoreState } from './url-state.js';
import { ACTIVATION_RANGE, type FromWorker, type Kind, type LayerActivations, type ToWorker } from './batch-norm.worker.js';
import { drawHistogram } from './histogram.js';

labPage();
const SWEEP = Array.from({ length: 16 }, (_, i) => 10 ** ((-4 * i) / 15)); // np.logspace(0, -4, 16)
const BN = '#2563eb', PLAIN = '#ea580c';
const scale = slider('scale', (v) => String(v), () => start('focus'), (x) => Number((10 ** x).toPrecision(2)));
const epochs = $<HTMLSelectElement>('epochs');
epochs.addEventListener('change', () => start('focus'));
const chart = new Lines($('focus-chart'), ['with batch norm', 'without'], { x: 'epoch', yTitle: 'train accuracy', y: { range: [0, 1] }, points: true });
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
  // the axes: accuracy 0 to 1 up, epochs 0 to N across
  ctx.fillStyle = '#636c76';
  ctx.font = '9px system-ui';
  ctx.fillText('acc 1', 2, 10);
  ctx.fillText(`epoch ${sweepEpochs} →`, width - 52, height - 3);
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
  activations(m) {
    if (!isCurrentRun(m.run)) return;
    for (const [id, layers, color] of [['acts-bn', m.bn, BN], ['acts-plain', m.plain, PLAIN]] as const) {
      $(id).innerHTML = layers.map((_, i) => `<figure><canvas class="plot"></canvas><figcaption class="note"></figcaption></figure>`).join('');
      $(id).querySelectorAll('figure').forEach((figure, i) => {
        const a: LayerActivations = layers[i];
        drawHistogram(figure.querySelector('canvas')!, a.histogram, ACTIVATION_RANGE, color);
        figure.querySelector('figcaption')!.textContent = `layer ${i + 1}: std ${a.std.toPrecision(2)}, ${(100 * a.zeros).toFixed(0)}% at 0` +
          (a.beyond > 0.0005 ? `, ${(100 * a.beyond).toFixed(1)}% beyond ${ACTIVATION_RANGE[1]}` : '');
      });
    }
  },
  finished(m) {
    if (m.kind === 'focus' && runFinished(m.run)) return void ($('focus-why').textContent = why());
    if (runFinished(m.run, runKind(m.kind)) && m.kind === 'sweep') $('sweep-run').textContent = 'Run the sweep again';
  },
});

/** One sentence on why this scale's run ends as it does. */
function why(): string {
  const [bn, plain] = [focus[1][focus[1].length - 1], focus[2][focus[2].length - 1]];
  const s = scale(), he = Math.sqrt(2 / 100);
  if (plain >= bn - 0.01) {
    return `At std ${s} the plain network ends ${plain > bn + 0.01 ? 'ahead' : 'level'} (${plain.toFixed(2)} against ${bn.toFixed(2)}): ` +
      (s > he / 3 && s < he * 3 ? `this is close to He's √(2/100) ≈ ${he.toFixed(2)}, the scale at which ReLU layers keep their signal's size, so batch norm has nothing to repair, and its mini-batch statistics add noise to every step.`
        : 'the plain network learns here as well, so batch norm has little to repair.');
  }
  return s < he ? `At std ${s}, far below He's ${he.toFixed(2)}, each plain layer shrinks its input by about ${(s / he).toPrecision(1)}× (see the histograms: layer 5's activations are nearly 0), so its gradients vanish and it barely learns; batch norm rescales every layer to variance 1.`
    : `At std ${s}, above He's ${he.toFixed(2)}, each plain layer multiplies its signal by about ${(s / he).toPrecision(2)}×, so activations and gradients blow up layer by layer; batch norm rescales every layer to variance 1.`;
}

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
