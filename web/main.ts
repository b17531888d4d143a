// The page: controls, numbers, charts, filters and the drawing pad, all fed by the training worker.
import { AccuracyChart, LossChart } from './charts.js';
import { drawingPad } from './draw.js';
import { drawDigit, drawFilters, drawMaps, drawMistakes, drawPredictions } from './images.js';
import { renderNav } from './lab/shell.js';
import { restoreState, saveControl } from './lab/url-state.js';
import { BOOK_TRAINING, type FromWorker, type ModelName, type ToWorker, type Training } from './protocol.js';

renderNav();
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const el = {
  model: $<HTMLSelectElement>('model'), start: $<HTMLButtonElement>('start'), save: $<HTMLButtonElement>('save'),
  load: $<HTMLInputElement>('load'), loadLabel: $('load-label'), status: $('status'), recipe: $('recipe'),
  error: $('error'), trainSize: $('train-size'), iteration: $('iteration'), loss: $('loss'), trainAcc: $('train-acc'),
  testAcc: $('test-acc'), speed: $('speed'), evalIteration: $('eval-iteration'), evalSize: $('eval-size'),
  filters: $<HTMLCanvasElement>('filters'), filtersCaption: $('filters-caption'), filtersStart: $<HTMLCanvasElement>('filters-start'),
  layers: $<HTMLTextAreaElement>('layers'), build: $<HTMLButtonElement>('build'), custom: $<HTMLDetailsElement>('custom'),
  mistakes: $('mistakes'), mistakesCaption: $('mistakes-caption'), maps: $('maps'), pad: $<HTMLCanvasElement>('pad'),
  input: $<HTMLCanvasElement>('input'), clear: $<HTMLButtonElement>('clear'), predicted: $('predicted'), probabilities: $('probabilities'),
  optimizer: $<HTMLSelectElement>('optimizer'), lr: $<HTMLSelectElement>('lr'), batch: $<HTMLSelectElement>('batch'), probe: $<HTMLSelectElement>('probe'),
};

/** The training settings the controls say. */
const training = (): Training => ({ optimizer: el.optimizer.value as Training['optimizer'], lr: Number(el.lr.value), batch: Number(el.batch.value) });
// the book's settings for a network, into the controls (and the URL)
function bookTraining(model: ModelName): void {
  const t = BOOK_TRAINING[model];
  [el.optimizer.value, el.lr.value, el.batch.value] = [t.optimizer, String(t.lr), String(t.batch)];
  for (const c of [el.optimizer, el.lr, el.batch]) saveControl(c);
}

function showError(message: string): void {
  el.error.hidden = false;
  el.error.textContent = el.error.textContent ? `${el.error.textContent}\n${message}` : message;
}
el.error.addEventListener('click', () => {
  el.error.hidden = true;
  el.error.textContent = '';
});
addEventListener('error', (e) => showError(e.message));
addEventListener('unhandledrejection', (e) => showError(String((e.reason as Error)?.message ?? e.reason)));

const lossChart = new LossChart($('loss-chart'));
const accChart = new AccuracyChart($('acc-chart'));
const probabilityRows = Array.from({ length: 10 }, (_, digit) => {
  const li = document.createElement('li');
  li.innerHTML = `<span>${digit}</span><div class="bar" role="meter" aria-label="probability of ${digit}" aria-valuemin="0" aria-valuemax="1" aria-valuenow="0"><span style="width:0"></span></div><span class="p"></span>`;
  el.probabilities.append(li);
  return li;
});

// The predicted class and a bar per class; null clears them.
function showProbabilities(probabilities: number[] | null): void {
  const top = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  el.predicted.textContent = probabilities ? String(top) : '–';
  probabilityRows.forEach((li, digit) => {
    const p = probabilities?.[digit] ?? 0;
    li.classList.toggle('top', digit === top);
    li.querySelector('.bar')!.setAttribute('aria-valuenow', String(p));
    li.querySelector<HTMLElement>('.bar > span')!.style.width = `${(p * 100).toFixed(1)}%`;
    li.querySelector('.p')!.textContent = probabilities ? `${(p * 100).toFixed(1)}%` : '';
  });
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(message, transfer);
worker.addEventListener('error', (e) => showError(`worker: ${e.message || 'failed to start'}`));
worker.addEventListener('messageerror', () => showError('worker: a message could not be read'));

const predict = ({ data, width, height }: ImageData): void => send({ type: 'predict', rgba: data, width, height }, [data.buffer]);
const pad = drawingPad(el.pad, predict);
let running = false;
let speed = 0; // images per second, smoothed
let firstFilters = true; // the next filters are the new network's, before training
let current: ModelName | undefined; // the network the worker has

function setEnabled(enabled: boolean): void {
  for (const b of [el.start, el.save, el.load]) b.disabled = !enabled;
  el.loadLabel.classList.toggle('disabled', !enabled);
}

// body[data-state]: 'running' while MNIST loads, a network is built or training runs; 'done'
// otherwise; body[data-run] counts the times it started running (as the other pages' runs)
function setState(state: 'running' | 'done'): void {
  if (state === 'running' && document.body.dataset.state !== 'running') document.body.dataset.run = String(Number(document.body.dataset.run ?? 0) + 1);
  document.body.dataset.state = state;
}

const handlers: { [K in FromWorker['type']]: (m: Extract<FromWorker, { type: K }>) => void } = {
  ready(m) {
    setState('done');
    el.model.value = current = m.model;
    el.recipe.textContent = `${m.description}; ${m.threads === 1 ? (m.isolated ? 'one thread (two measured slower on this device)' : 'one thread') : `${m.threads} threads`}`;
    el.trainSize.textContent = m.trainSize.toLocaleString('en');
    el.status.textContent = `Ready: ${m.trainSize.toLocaleString('en')} training and ${m.testSize.toLocaleString('en')} test images loaded.`;
    el.iteration.textContent = el.loss.textContent = el.speed.textContent = '–';
    lossChart.clear();
    accChart.clear();
    firstFilters = true;
    setEnabled(true);
  },
  progress(m) {
    el.iteration.textContent = String(m.iteration);
    el.loss.textContent = m.losses[m.losses.length - 1].toFixed(3);
    // NOTE: smoothed over about a second of slices, so the number is readable while it changes
    speed = speed ? 0.8 * speed + 0.2 * m.imagesPerSecond : m.imagesPerSecond;
    el.speed.textContent = Math.round(speed).toLocaleString('en');
    lossChart.add(m.iterations, m.losses);
  },
  evaluation(m) {
    el.iteration.textContent = String(m.iteration);
    el.trainAcc.textContent = m.trainAcc.toFixed(3);
    el.testAcc.textContent = m.testAcc.toFixed(3);
    el.evalIteration.textContent = String(m.iteration);
    el.evalSize.textContent = m.evalSize.toLocaleString('en');
    accChart.add(m.iteration, m.trainAcc, m.testAcc);
    const drawing = pad.image();
    if (drawing) predict(drawing); // again, by the network as it is now
  },
  filters(m) {
    el.filtersCaption.textContent = m.filters.caption;
    if (firstFilters) drawFilters(el.filtersStart, m.filters);
    firstFilters = false;
    drawFilters(el.filters, m.filters);
  },
  mistakes(m) {
    el.mistakesCaption.textContent = m.labels.length
      ? `The first ${m.labels.length} of the ${m.of.toLocaleString('en')} test images evaluated that the network gets wrong: label → its answer.`
      : `No mistakes on the ${m.of.toLocaleString('en')} test images evaluated.`;
    drawMistakes(el.mistakes, m.images, m.labels, m.predicted);
  },
  running(m) {
    running = m.running;
    setState(running ? 'running' : 'done');
    el.start.textContent = running ? 'Stop' : 'Start';
    el.status.textContent = running ? 'Training…' : 'Stopped.';
    speed = 0;
  },
  prediction(m) {
    drawDigit(el.input, m.pixels);
    showProbabilities(m.probabilities);
    drawMaps(el.maps, m.maps);
    $('maps-note').textContent = m.maps.length ? '' : `${current} has no convolution or pooling layer: every layer's output is a ` +
      'vector (e.g. TwoLayerNet\'s 50 hidden values), not an image, so there are no feature maps to show. "Inside the network" draws them as strips.';
  },
  inside(m) {
    drawDigit($<HTMLCanvasElement>('probe-image'), m.pixels);
    $('probe-label').textContent = `label ${m.label}`;
    drawMaps($('inside'), m.maps);
    drawMaps($('conv-filters'), m.filters);
    $('conv-filters-note').textContent = m.filters.length ? 'Each filter scaled to its own range, dark = large; redrawn at every evaluation.'
      : `${current} has no convolution layer, so no filters: its first layer's weights are drawn above as 28×28 images.`;
  },
  predictions(m) {
    drawPredictions($('predictions'), m.images, m.labels, m.predicted);
  },
  saved(m) {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([m.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    link.download = m.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000); // once the download has read it
    el.status.textContent = `Saved ${m.fileName}.`;
  },
  loaded(m) {
    el.status.textContent = `Loaded ${m.fileName} (${m.model}, ${m.iteration} iterations).`;
  },
  error(m) {
    showError(m.message);
    if (!running) setState('done');
    // a network that could not be built leaves the one before it
    if (current) {
      el.model.value = current;
      setEnabled(true);
    } else if (el.model.value !== 'TwoLayerNet') {
      // the first network (e.g. a link's layers) could not be built: the default one, so the page has one
      setState('running');
      send({ type: 'reset', model: (el.model.value = 'TwoLayerNet'), training: training() });
    }
  },
};
worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  (handlers[m.type] as (message: FromWorker) => void)(m);
});

el.start.addEventListener('click', () => send({ type: running ? 'stop' : 'start' }));
// A fresh network of the chosen kind; a Sequential of the layers in the text box.
function reset(): void {
  const model = el.model.value as ModelName;
  let layers;
  if (model === 'Sequential') {
    el.custom.open = true;
    try {
      layers = JSON.parse(el.layers.value);
    } catch (e) {
      if (current) setState('done');
      return showError(`Your layers are not valid JSON: ${(e as Error).message}`);
    }
  }
  setEnabled(false);
  setState('running');
  send({ type: 'reset', model, layers, training: training() });
}
el.model.addEventListener('change', () => {
  bookTraining(el.model.value as ModelName);
  reset();
});
for (const c of [el.optimizer, el.lr, el.batch]) c.addEventListener('change', () => send({ type: 'training', training: training() }));
el.probe.addEventListener('change', () => send({ type: 'probe', index: Number(el.probe.value) }));
el.build.addEventListener('click', () => {
  el.model.value = 'Sequential';
  reset();
});
el.save.addEventListener('click', () => send({ type: 'save' }));
el.load.addEventListener('change', async () => {
  const file = el.load.files?.[0];
  if (!file) return;
  el.load.value = ''; // the same file can be chosen again
  const bytes = new Uint8Array(await file.arrayBuffer());
  send({ type: 'load', bytes, fileName: file.name }, [bytes.buffer]);
});
el.clear.addEventListener('click', () => {
  pad.clear();
  el.input.getContext('2d')!.clearRect(0, 0, el.input.width, el.input.height);
  showProbabilities(null);
  el.maps.replaceChildren();
});

setState('running');
const restored = restoreState();
// settings the link does not give are the book's for its network
const book = BOOK_TRAINING[el.model.value as ModelName];
if (!restored.has('optimizer')) el.optimizer.value = book.optimizer;
if (!restored.has('lr')) el.lr.value = String(book.lr);
if (!restored.has('batch')) el.batch.value = String(book.batch);
if (el.model.value === 'Sequential') {
  reset();
  // layers that cannot be read: the default network, so the page has one
  if (!current && document.body.dataset.state === 'running' && el.error.textContent) send({ type: 'reset', model: (el.model.value = 'TwoLayerNet'), training: training() });
} else send({ type: 'reset', model: el.model.value as ModelName, training: training() });
if (el.probe.value !== '0') send({ type: 'probe', index: Number(el.probe.value) });
