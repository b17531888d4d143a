// Page 1: computational graphs with editable inputs, each edge showing its forward value (above)
// and the gradient backward brings it (below, red), computed by the worker on the library's nodes;
// the backward pass can be stepped node by node. Empty or unreadable inputs are refused, not read as 0.
import { $, connect, labPage, runFinished, runStarted, slider } from './shell.js';
import { restoreState } from './url-state.js';
import type { Edges, FromWorker, Prices, ToWorker } from './graph.worker.js';

labPage();
type Point = [number, number];
interface Node { label: string; at: Point }
/** step: the backward step that brings the edge its gradient (the apple graph's; 0 on the others). */
interface Edge { name: string; from: Point; to: Point; caption?: string; output?: boolean; step?: number }

// Figure 5-17's layout: inputs on the left, the price on the right.
const APPLE_NODES: Node[] = [
  { label: '×', at: [200, 80] }, { label: '×', at: [200, 230] }, { label: '+', at: [350, 155] }, { label: '×', at: [490, 175] },
];
const APPLE_EDGES: Edge[] = [
  { name: 'apple', from: [10, 25], to: [200, 80], caption: 'apple', step: 4 },
  { name: 'appleNum', from: [10, 140], to: [200, 80], caption: 'apple num', step: 4 },
  { name: 'orange', from: [10, 175], to: [200, 230], caption: 'orange', step: 4 },
  { name: 'orangeNum', from: [10, 290], to: [200, 230], caption: 'orange num', step: 4 },
  { name: 'applePrice', from: [200, 80], to: [350, 155], step: 3 },
  { name: 'orangePrice', from: [200, 230], to: [350, 155], step: 3 },
  { name: 'allPrice', from: [350, 155], to: [490, 175], step: 2 },
  { name: 'tax', from: [400, 300], to: [490, 175], caption: 'tax', step: 2 },
  { name: 'price', from: [490, 175], to: [650, 175], caption: 'price', output: true, step: 1 },
];
// What each backward step of the apple graph does.
const BACKWARD_STEPS = [
  'Forward only: each edge shows its value; no gradient yet.',
  'Step 1: backward starts at the output with ∂price/∂price = 1.',
  'Step 2: the × tax node sends the gradient times the other input: tax to the total, the total to tax.',
  'Step 3: the + node passes the gradient unchanged to both of its inputs.',
  'Step 4: the two × nodes send it times the other input: ∂price/∂apple = apple num × tax, and so on.',
];
// z = (x + y)²: t = x + y, then z = t · t
const CHAIN_NODES: Node[] = [{ label: '+', at: [220, 70] }, { label: '²', at: [430, 70] }];
const CHAIN_EDGES: Edge[] = [
  { name: 'x', from: [10, 20], to: [220, 70], caption: 'x' }, { name: 'y', from: [10, 120], to: [220, 70], caption: 'y' },
  { name: 't', from: [220, 70], to: [430, 70], caption: '' }, { name: 'z', from: [430, 70], to: [640, 70], caption: 'z', output: true },
];
// Figure 5-19: the sigmoid as four nodes in a row
const SIGMOID_NODES: Node[] = [{ label: '×−1', at: [140, 60] }, { label: 'exp', at: [270, 60] }, { label: '+1', at: [400, 60] }, { label: '1/x', at: [530, 60] }];
const SIGMOID_EDGES: Edge[] = [
  { name: 'x', from: [10, 60], to: [140, 60], caption: 'x' }, { name: 'a', from: [140, 60], to: [270, 60] },
  { name: 'b', from: [270, 60], to: [400, 60] }, { name: 'c', from: [400, 60], to: [530, 60] },
  { name: 'y', from: [530, 60], to: [640, 60], caption: 'y', output: true },
];

const show = (v: number): string => String(Number(v.toPrecision(6)));

/** An SVG of the graph: nodes as circles, on each edge its value above and its gradient below. */
function drawGraph(svg: SVGSVGElement, prefix: string, nodes: Node[], edges: Edge[], values: Edges, backwardStep = Infinity): void {
  const text = (x: number, y: number, s: string, cls: string, id = '', anchor = 'middle'): string =>
    `<text x="${x}" y="${y}" class="${cls}"${id ? ` id="${id}"` : ''} text-anchor="${anchor}">${s}</text>`;
  const parts = edges.map(({ name, from, to, caption, output, step = 0 }) => {
    const [mx, my] = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2];
    const { value, grad } = values[name];
    return `<line x1="${from[0]}" y1="${from[1]}" x2="${to[0]}" y2="${to[1]}" class="edge"/>` +
      (caption ? (output ? text(to[0], to[1] - 8, caption, 'caption', '', 'end') : text(from[0], from[1] - 8, caption, 'caption', '', 'start')) : '') +
      text(mx, my - 7, show(value), 'fwd', `${prefix}-v-${name}`) + text(mx, my + 17, step <= backwardStep ? show(grad) : '?', 'bwd', `${prefix}-g-${name}`);
  });
  const circles = nodes.map(({ label, at: [x, y] }) => `<circle cx="${x}" cy="${y}" r="20" class="node"/>` + text(x, y + 5, label, 'op'));
  svg.innerHTML = parts.join('') + circles.join('');
}

const inputs = ['apple', 'appleNum', 'orange', 'orangeNum', 'tax'] as const;
const x = slider('x', (v) => v.toFixed(1), () => {}, (v) => v);
const backwardStep = slider('bstep', (v) => (v ? `${v} of 4` : 'forward'), () => {});
let last: Extract<FromWorker, { type: 'computed' }> | undefined;

function drawAll(): void {
  if (!last) return;
  drawGraph($('apple-graph') as unknown as SVGSVGElement, 'ao', APPLE_NODES, APPLE_EDGES, last.apple, backwardStep());
  drawGraph($('sigmoid-graph') as unknown as SVGSVGElement, 'sg', SIGMOID_NODES, SIGMOID_EDGES, last.sigmoid);
  drawGraph($('chain-graph') as unknown as SVGSVGElement, 'ch', CHAIN_NODES, CHAIN_EDGES, last.chain);
  $('bstep-note').textContent = BACKWARD_STEPS[backwardStep()];
  const { x: cx, y: cy } = last.chain;
  $('chain-check').textContent = `∂z/∂x = ${show(cx.grad)} and 2(x + y) = ${show(2 * (cx.value + cy.value))}.`;
}

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./graph.worker.ts', import.meta.url), { type: 'module' }), {
  computed(m) {
    if (!runFinished(m.run)) return;
    last = m;
    drawAll();
    const y = m.sigmoid.y.value;
    $('library').textContent = `The library's Sigmoid layer (float32) at x = ${show(m.sigmoid.x.value)}: y = ${show(m.library.y)}, ` +
      `∂y/∂x = ${show(m.library.dx)}; the nodes give ${show(m.sigmoid.x.grad)}, and y(1 − y) = ${show(y * (1 - y))}.`;
  },
});

/** The number in input `id`, or undefined when it is empty or out of its range (then marked and named in the note). */
function read(id: string, problems: string[]): number | undefined {
  const input = $<HTMLInputElement>(id);
  const v = input.value.trim() === '' ? NaN : Number(input.value); // an empty field is no number, not 0
  const ok = Number.isFinite(v) && v >= Number(input.min) && v <= Number(input.max);
  input.setAttribute('aria-invalid', String(!ok));
  if (!ok) problems.push(`${input.parentElement?.firstChild?.textContent?.trim() ?? id} needs a number from ${input.min} to ${input.max}`);
  return ok ? v : undefined;
}

function compute(): void {
  const problems: string[] = [];
  const prices = Object.fromEntries(inputs.map((k) => [k, read(k, problems)])) as unknown as Prices;
  const chain = { x: read('cx', problems), y: read('cy', problems) };
  $('inputs-note').textContent = problems.length ? `Not computed: ${problems.join('; ')}.` : '';
  if (problems.length) return void runFinished(runStarted()); // nothing to compute: done
  send({ type: 'compute', run: runStarted(), prices, x: x(), chain: chain as { x: number; y: number } });
}
for (const k of [...inputs, 'cx', 'cy', 'x']) $(k).addEventListener('input', compute);
$('bstep').addEventListener('input', drawAll);
restoreState();
compute();
