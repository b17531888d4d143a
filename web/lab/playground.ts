// Page 8: the playground. The user picks a 2-D data set, the input features, a network (a width
// per layer, activation, init, dropout, batch norm, regularization) and its training (optimizer,
// lr, batch size); Play, Step and Reset drive the worker, which trains a Sequential through the
// library's API; the page draws the output over the plane, every unit's output, the weights, and
// the train and test loss. Below, a single layer next to an MLP on XOR.
import { Lines } from '../charts.js';
import { CLASSIFICATION, type DatasetName, featureRows, FEATURES, gridPoints, isRegression, makeDataset, type Points, REGRESSION, split } from './datasets.js';
import { type Column, drawLinks, drawOutput, drawUnit, layoutNetwork } from './playground-draw.js';
import { $, connect, isCurrentRun, labPage, runFinished, runStarted, slider } from './shell.js';
import { refuse, restoreState, setHidden } from './url-state.js';
import { type Activation, type FromWorker, GRID, type NetConfig, type Regularization, type Snapshot, type ToWorker } from './playground.worker.js';

labPage();
const POINTS = 200;
const MAX_WIDTH = 16, MAX_LAYERS = 6;
const GRID_XY = gridPoints(GRID);

// --- controls
const noise = slider('noise', (v) => v.toFixed(2), () => rebuild());
const testShare = slider('test', (v) => `${Math.round(100 * v)}%`, () => rebuild());
const batch = slider('batch', String, () => rebuild());
const dropout = slider('dropout', (v) => (v ? v.toFixed(2) : 'off'), () => rebuild());
// the lr changes on the network as it trains (trainer.optimizer.lr); the other settings rebuild it
const lr = slider('lr', (v) => String(v), () => send({ type: 'lr', id: 'main', request: runStarted(), lr: lr() }), (x) => Number((10 ** x).toPrecision(2)));
const select = (id: string): HTMLSelectElement => $<HTMLSelectElement>(id);
const [dataset, activation, init, optimizer, reg, rate, speed] = ['dataset', 'activation', 'init', 'optimizer', 'reg', 'rate', 'speed'].map(select);
for (const s of [dataset, activation, init, optimizer, reg, rate]) s.addEventListener('change', () => rebuild());
const checkbox = (id: string): HTMLInputElement => $<HTMLInputElement>(id);
for (const id of ['batchnorm', ...Object.keys(FEATURES)]) checkbox(id).addEventListener('change', () => rebuild());
checkbox('showtest').addEventListener('change', () => drawMain());
speed.addEventListener('change', () => playing && play());
const group = (label: string, names: readonly string[]): string => `<optgroup label="${label}">${names.map((d) => `<option value="${d}">${d}</option>`).join('')}</optgroup>`;
dataset.innerHTML = group('classification', CLASSIFICATION) + group('regression', REGRESSION);

/** The hidden layers' widths, from the hidden input (a link's value checked: 1 to MAX_WIDTH each, at most MAX_LAYERS). */
function widths(): number[] {
  const text = $<HTMLInputElement>('widths').value;
  return text ? text.split(',').map(Number) : [];
}
const setWidths = (w: number[]): void => setHidden('widths', w.join(','));

const features = (): string[] => Object.keys(FEATURES).filter((f) => checkbox(f).checked);

function config(): NetConfig {
  const i = init.value;
  return {
    widths: widths(), activation: activation.value as Activation, init: i === 'he' || i === 'xavier' || i === 'pytorch' ? i : Number(i),
    dropout: dropout(), batchNorm: checkbox('batchnorm').checked, optimizer: optimizer.value as NetConfig['optimizer'], lr: lr(),
    batchSize: batch(), regularization: reg.value as Regularization, rate: Number(rate.value),
    regression: isRegression(dataset.value as DatasetName), seed: 0,
  };
}

// --- state
let data: { train: Points; test: Points } = { train: { x: new Float32Array(), t: new Float32Array() }, test: { x: new Float32Array(), t: new Float32Array() } };
let last: Snapshot | undefined;
let playing = false;
let unitCanvases: HTMLCanvasElement[][] = [];
const history: [number[], number[], (number | null)[]] = [[], [], []];
const chart = new Lines($('pg-chart'), [{ label: 'train loss', color: '#2563eb' }, { label: 'test loss', color: '#ea580c', dash: [6, 4] }],
  { xTitle: 'epoch', yTitle: 'loss', y: { range: (_u, _min, max) => [0, Math.max(max, 0.1)] } });

function drawMain(): void {
  const regression = isRegression(dataset.value as DatasetName);
  drawOutput($<HTMLCanvasElement>('boundary'), last?.output, GRID, regression, data.train, checkbox('showtest').checked ? data.test : undefined);
  $('bar-low').textContent = regression ? 'output −1' : 'P(blue) 0';
  $('bar-high').textContent = regression ? '+1' : '1';
  $('boundary-note').textContent = (regression ? 'Shading: the network\'s output, blue positive, orange negative. Points: their targets.'
    : 'Shading: P(blue) as the network says it, white at 0.5.') + ` ${data.train.t.length} training points (white edge)` +
    (checkbox('showtest').checked ? `, ${data.test.t.length} test points (black edge).` : `; ${data.test.t.length} test points hidden.`);
}

// The weights as the diagram draws them: maxout's pieces averaged into their unit; the classifier's
// two outputs as one, the evidence for blue (W[:, 1] − W[:, 0]).
function shownWeights(s: Snapshot): Snapshot['weights'] {
  const maxout = activation.value === 'maxout', regression = isRegression(dataset.value as DatasetName);
  return s.weights.map((w, k) => {
    const lastLayer = k === s.weights.length - 1;
    const groups = lastLayer ? (regression ? 1 : 2) : maxout ? 2 : 1;
    const cols = w.cols / groups, data = new Float32Array(w.rows * cols);
    for (let i = 0; i < w.rows; i++) {
      for (let j = 0; j < cols; j++) {
        data[i * cols + j] = lastLayer && !regression ? w.data[i * w.cols + 1] - w.data[i * w.cols]
          : Array.from({ length: groups }, (_, p) => w.data[i * w.cols + j * groups + p]).reduce((a, b) => a + b) / groups;
      }
    }
    return { rows: w.rows, cols, data };
  });
}

function drawNetwork(): void {
  const names = features();
  const columns: Column[] = [{ title: 'features', units: names.length }, ...widths().map((w, k) => ({ title: `${w}`, hidden: k, units: w })), { title: 'output', units: 1 }];
  if (unitCanvases.length !== columns.length || columns.some((c, k) => unitCanvases[k].length !== c.units)) {
    unitCanvases = layoutNetwork($('network'), columns);
    unitCanvases[0].forEach((c, i) => (c.title = FEATURES[names[i]].label));
  }
  // the features over the plane are fixed; the units' outputs come with each snapshot
  const feature = featureRows(GRID_XY, names);
  unitCanvases[0].forEach((c, i) => drawUnit(c, Float32Array.from({ length: GRID * GRID }, (_, p) => feature[p * names.length + i]), GRID));
  if (!last) return;
  last.units.forEach((u, k) => {
    const canvases = unitCanvases[k + 1] ?? [], n = canvases.length;
    canvases.forEach((c, j) => drawUnit(c, Float32Array.from({ length: GRID * GRID }, (_, p) => u[p * n + j]), GRID));
  });
  drawUnit(unitCanvases[unitCanvases.length - 1][0], isRegression(dataset.value as DatasetName) ? last.output : last.output.map((p) => 2 * p - 1), GRID);
  drawLinks($('network'), $<HTMLCanvasElement>('links'), unitCanvases, shownWeights(last));
  $('maxout-note').textContent = activation.value === 'maxout' ? 'Maxout: a unit\'s lines show the mean of its two pieces\' weights.' : '';
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');

function show(s: Snapshot): void {
  last = s;
  $('pg-epoch').textContent = String(s.epoch);
  $('pg-status').textContent = `${s.playing ? 'Training' : 'Paused'} at epoch ${s.epoch}, iteration ${s.iteration} (${Math.ceil(data.train.t.length / Math.min(batch(), data.train.t.length)) || 0} iterations an epoch).`;
  $('pg-loss').textContent = fmt(s.trainLoss);
  $('pg-test-loss').textContent = fmt(s.testLoss);
  $('pg-accuracy').textContent = fmt(s.trainAcc);
  $('pg-test-accuracy').textContent = fmt(s.testAcc);
  if (history[0][history[0].length - 1] !== s.epoch) {
    history[0].push(s.epoch);
    history[1].push(s.trainLoss);
    history[2].push(Number.isFinite(s.testLoss) ? s.testLoss : null);
    if (history[0].length > 2000) for (const column of history) column.splice(0, column.length, ...column.filter((_, i) => i % 2 === 0));
    chart.set(history[0], history.slice(1) as number[][]);
  }
  drawMain();
  drawNetwork();
}

// --- the worker: every request to the main network is a run (body[data-run], data-state)
const send = connect<ToWorker, FromWorker>(new Worker(new URL('./playground.worker.ts', import.meta.url), { type: 'module' }), {
  built(m) {
    if (m.id === 'main' && isCurrentRun(m.request)) $('summary').textContent = m.summary;
  },
  failed(m) {
    if (m.id !== 'main' || !runFinished(m.request)) return;
    setPlaying(false);
    $('pg-status').textContent = 'This network could not be built (see the error above); change a setting.';
  },
  snapshot(m) {
    if (m.id !== 'main') return showPair(m);
    if (!isCurrentRun(m.request)) return;
    show(m);
    if (!m.playing) runFinished(m.request);
  },
});

function setPlaying(on: boolean): void {
  playing = on;
  $('play').textContent = on ? 'Pause' : 'Play';
  $('pg-status').textContent = on ? 'Training…' : 'Paused.';
}

function play(): void {
  setPlaying(true);
  send({ type: 'play', id: 'main', request: runStarted(), epochsPerFrame: Number(speed.value) });
}

function pause(): void {
  setPlaying(false);
  send({ type: 'pause', id: 'main', request: runStarted() });
}

/** New data and a new network from the settings, at epoch 0; still playing if it was. */
function rebuild(): void {
  if (!features().length) {
    checkbox('x1').checked = true; // a network needs an input
    $('pg-status').textContent = 'A network needs at least one input feature: x₁ is back.';
  }
  const name = dataset.value as DatasetName;
  data = split(makeDataset(name, POINTS, noise()), testShare());
  last = undefined;
  for (const column of history) column.length = 0;
  const names = features();
  const rows = (p: Points) => ({ x: featureRows(p.x, names), t: p.t });
  send({ type: 'build', id: 'main', request: runStarted(), config: config(), features: names.length, train: rows(data.train), test: rows(data.test), grid: featureRows(GRID_XY, names) });
  if (playing) play();
}

$('play').addEventListener('click', () => (playing ? pause() : play()));
$('step').addEventListener('click', () => {
  setPlaying(false);
  send({ type: 'step', id: 'main', request: runStarted() });
});
$('reset').addEventListener('click', () => rebuild());
$('add-layer').addEventListener('click', () => {
  if (widths().length < MAX_LAYERS) setWidths([...widths(), 4]), rebuild();
});
$('remove-layer').addEventListener('click', () => {
  if (widths().length) setWidths(widths().slice(0, -1)), rebuild();
});
$('network').addEventListener('click', (e) => {
  const button = (e.target as HTMLElement).closest('button');
  if (!button?.dataset.layer) return;
  const w = widths(), k = Number(button.dataset.layer);
  w[k] = Math.min(MAX_WIDTH, Math.max(1, w[k] + Number(button.dataset.delta)));
  setWidths(w);
  rebuild();
});
addEventListener('resize', () => last && show(last));

// --- a single layer (a linear boundary, as a perceptron's) next to a 2-8-2 MLP, on XOR: full batch, 600 epochs
const xor = makeDataset('xor', POINTS, 0.05, 2);
const pairDone = new Set<string>();
function showPair(m: Snapshot): void {
  drawOutput($<HTMLCanvasElement>(`boundary-${m.id}`), m.output, GRID, false, xor, undefined);
  $(`acc-${m.id}`).textContent = `iteration ${m.iteration}: accuracy ${m.trainAcc.toFixed(3)}`;
  if (!m.playing && pairDone.add(m.id).size === 2) document.body.dataset.pair = 'done';
}
function trainPair(): void {
  pairDone.clear();
  const x = featureRows(xor.x, ['x1', 'x2']);
  for (const [id, w] of [['linear', []], ['mlp', [8]]] as const) {
    const c: NetConfig = { widths: [...w], activation: 'tanh', init: 'xavier', dropout: 0, batchNorm: false, optimizer: 'Adam', lr: 0.05,
      batchSize: POINTS, regularization: 'none', rate: 0, regression: false, seed: 0 };
    send({ type: 'build', id, request: 0, config: c, features: 2, train: { x, t: xor.t }, test: { x: new Float32Array(), t: new Float32Array() },
      grid: featureRows(GRID_XY, ['x1', 'x2']), untilEpoch: 600 });
  }
}
$('pair-run').addEventListener('click', trainPair);

// --- start: the link's settings (checked), paused at epoch 0
restoreState();
if (widths().length > MAX_LAYERS || widths().some((w) => !(w >= 1 && w <= MAX_WIDTH))) {
  refuse('widths', $<HTMLInputElement>('widths').value, `expected up to ${MAX_LAYERS} widths from 1 to ${MAX_WIDTH}`);
  $<HTMLInputElement>('widths').value = '8,8';
}
rebuild();
trainPair();
