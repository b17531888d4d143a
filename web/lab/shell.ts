// What every lab page shares: the navigation between the ten pages, the error box, a typed
// connection to the page's worker, and sliders that show their value.
import '../style.css';
import './lab.css';
import { keepStateInUrl } from './url-state.js';

/** The lab's pages in the book's order: file, short title, chapter. */
export const PAGES = [
  ['graph.html', 'Computational graph', 'ch. 5'],
  ['gradient-check.html', 'Gradient check', 'ch. 5'],
  ['optimizers.html', 'Optimizer paths', 'ch. 6'],
  ['initialization.html', 'Initialization', 'ch. 6'],
  ['batch-norm.html', 'Batch normalization', 'ch. 6'],
  ['overfitting.html', 'Overfitting', 'ch. 6'],
  ['search.html', 'Hyper-parameter search', 'ch. 6'],
  ['playground.html', 'Playground', 'course'],
  ['index.html', 'MNIST and CNNs', 'ch. 7–8'],
  ['speed.html', 'Speed', ''],
] as const;

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

/** Fills <nav id="lab-nav"> with links to the pages, this one marked. */
export function renderNav(): void {
  const nav = document.getElementById('lab-nav');
  if (!nav) return keepStateInUrl(null);
  const here = location.pathname.split('/').pop() || 'index.html';
  nav.innerHTML = '<span class="lab-name">scratchnet lab</span>' + PAGES.map(([file, title], i) =>
    `<a href="./${file}"${file === here ? ' aria-current="page"' : ''}>${i + 1}. ${title}</a>`).join('');
  keepStateInUrl(nav);
}

/** Shows a message in the page's #error box (click to dismiss). */
export function showError(message: string): void {
  const box = $('error');
  box.hidden = false;
  box.textContent = box.textContent ? `${box.textContent}\n${message}` : message;
}

/** Sets up a lab page: the navigation and the error box, fed by uncaught errors too. */
export function labPage(): void {
  document.body.dataset.state = 'running'; // until the page's first run is done
  renderNav();
  const box = $('error');
  box.addEventListener('click', () => {
    box.hidden = true;
    box.textContent = '';
  });
  addEventListener('error', (e) => showError(e.message));
  addEventListener('unhandledrejection', (e) => showError(String((e.reason as Error)?.message ?? e.reason)));
}

type Handlers<Out extends { type: string }> = { [K in Out['type']]: (message: Extract<Out, { type: K }>) => void };

/** Connects to a page's worker: its messages go to the handler of their type, its errors (see
 *  worker-base.ts) to the error box; returns the function that sends to it. */
export function connect<In, Out extends { type: string }>(worker: Worker, handlers: Handlers<Out>): (message: In, transfer?: Transferable[]) => void {
  worker.addEventListener('error', (e) => showError(`worker: ${e.message || 'failed to start'}`));
  worker.addEventListener('messageerror', () => showError('worker: a message could not be read'));
  worker.addEventListener('message', (e: MessageEvent<Out | { type: 'error'; message: string }>) => {
    const m = e.data;
    if (m.type === 'error') showError((m as { message: string }).message);
    else (handlers[m.type as Out['type']] as (message: Out) => void)(m as Out);
  });
  return (message, transfer = []) => worker.postMessage(message, transfer);
}

/**
 * A range input whose value shows in the <output> after it, mapped by `value` (e.g. 10^x for a
 * log slider) and written by `format`; `onChange` runs when the user lets go.
 */
export function slider(id: string, format: (v: number) => string, onChange: () => void = () => {}, value: (x: number) => number = (x) => x): () => number {
  const input = $<HTMLInputElement>(id);
  const output = input.parentElement!.querySelector('output');
  const read = (): number => value(Number(input.value));
  const show = (): void => void (output && (output.textContent = format(read())));
  input.addEventListener('input', show);
  input.addEventListener('change', onChange);
  show();
  return read;
}

/** Sizes a canvas's pixels to its displayed size (× the screen's pixel ratio); returns its 2-D context scaled to CSS pixels. */
export function fitCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ratio = devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

// Runs of each kind of experiment on the page: body[data-<kind>] counts them and
// body[data-<kind>-state] says 'running' or 'done' (for kind 'run': data-run and data-state).
const runCounts: Record<string, number> = {};
const stateKey = (kind: string): string => (kind === 'run' ? 'state' : `${kind}State`);

/** Marks the start of a run of the page's experiment (the tests wait on the body's data
 *  attributes above); returns the run's number, for runFinished. */
export function runStarted(kind = 'run'): number {
  runCounts[kind] = (runCounts[kind] ?? 0) + 1;
  document.body.dataset[stateKey(kind)] = 'running';
  document.body.dataset[kind] = String(runCounts[kind]);
  return runCounts[kind];
}

/** Marks run `run` done, unless a newer one has started; returns whether it is the current one. */
export function runFinished(run: number, kind = 'run'): boolean {
  if (run !== runCounts[kind]) return false;
  document.body.dataset[stateKey(kind)] = 'done';
  return true;
}

/** Whether `run` is the latest run of its kind (messages of older ones are stale). */
export const isCurrentRun = (run: number, kind = 'run'): boolean => run === runCounts[kind];
