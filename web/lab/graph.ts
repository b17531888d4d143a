// Page 1: computational graphs with editable inputs, each edge showing its forward value (above)
// and the gradient backward brings it (below, red), computed by the worker on the library's nodes.
import { $, connect, labPage, runFinished, runStarted, slider } from './shell.js';
import type { Edges, FromWorker, Prices, ToWorker } from './graph.worker.js';

labPage();
type Point = [number, number];
interface Node { label: string; at: Point }
interface Edge { name: string; from: Point; to: Point; caption?: string; output?: boolean }

// Figure 5-17's layout: inputs on the left, the price on the right.
const APPLE_NODES: Node[] = [
  { label: '×', at: [200, 80] }, { label: '×', at: [200, 230] }, { label: '+', at: [350, 155] }, { label: '×', at: [490, 175] },
];
const APPLE_EDGES: Edge[] = [
  { name: 'apple', from: [10, 25], to: [200, 80], caption: 'apple' },
  { name: 'appleNum', from: [10, 140], to: [200, 80], caption: 'apple num' },
  { name: 'orange', from: [10, 175], to: [200, 230], caption: 'orange' },
  { name: 'orangeNum', from: [10, 290], to: [200, 230], caption: 'orange num' },
  { name: 'applePrice', from: [200, 80], to: [350, 155] },
  { name: 'orangePrice', from: [200, 230], to: [350, 155] },
  { name: 'allPrice', from: [350, 155], to: [490, 175] },
  { name: 'tax', from: [400, 300], to: [490, 175], caption: 'tax' },
  { name: 'price', from: [490, 175], to: [650, 175], caption: 'price', output: true },
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
function drawGraph(svg: SVGSVGElement, prefix: string, nodes: Node[], edges: Edge[], values: Edges): void {
  const text = (x: number, y: number, s: string, cls: string, id = '', anchor = 'middle'): string =>
    `<text x="${x}" y="${y}" class="${cls}"${id ? ` id="${id}"` : ''} text-anchor="${anchor}">${s}</text>`;
  const parts = edges.map(({ name, from, to, caption, output }) => {
    const [mx, my] = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2];
    const { value, grad } = values[name];
    return `<line x1="${from[0]}" y1="${from[1]}" x2="${to[0]}" y2="${to[1]}" class="edge"/>` +
      (caption ? (output ? text(to[0], to[1] - 8, caption, 'caption', '', 'end') : text(from[0], from[1] - 8, caption, 'caption', '', 'start')) : '') +
      text(mx, my - 7, show(value), 'fwd', `${prefix}-v-${name}`) + text(mx, my + 17, show(grad), 'bwd', `${prefix}-g-${name}`);
  });
  const circles = nodes.map(({ label, at: [x, y] }) => `<circle cx="${x}" cy="${y}" r="20" class="node"/>` + text(x, y + 5, label, 'op'));
  svg.innerHTML = parts.join('') + circles.join('');
}

const inputs = ['apple', 'appleNum', 'orange', 'orangeNum', 'tax'] as const;
const x = slider('x', (v) => v.toFixed(1), () => {}, (v) => v);

const send = connect<ToWorker, FromWorker>(new Worker(new URL('./graph.worker.ts', import.meta.url), { type: 'module' }), {
  computed(m) {
    if (!runFinished(m.run)) return;
    drawGraph($('apple-graph') as unknown as SVGSVGElement, 'ao', APPLE_NODES, APPLE_EDGES, m.apple);
    drawGraph($('sigmoid-graph') as unknown as SVGSVGElement, 'sg', SIGMOID_NODES, SIGMOID_EDGES, m.sigmoid);
    const y = m.sigmoid.y.value;
    $('library').textContent = `The library's Sigmoid layer (float32) at x = ${show(m.sigmoid.x.value)}: y = ${show(m.library.y)}, ` +
      `∂y/∂x = ${show(m.library.dx)}; the nodes give ${show(m.sigmoid.x.grad)}, and y(1 − y) = ${show(y * (1 - y))}.`;
  },
});

function compute(): void {
  const prices = Object.fromEntries(inputs.map((k) => [k, Number($<HTMLInputElement>(k).value)])) as unknown as Prices;
  send({ type: 'compute', run: runStarted(), prices, x: x() });
}
for (const k of inputs) $(k).addEventListener('input', compute);
$('x').addEventListener('input', compute);
compute();
