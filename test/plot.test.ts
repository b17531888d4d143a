// scratchnet/plot: charts as SVG strings, checked for well-formed XML and for the data they
// draw; savePlot writes SVG text and PNG files that decode.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decisionBoundary, histogram, imageGrid, lineChart, panels, savePlot, scatter, smoothCurve } from '../src/plot/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scratchnet-plot-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Throws unless `svg` is well-formed XML with an <svg> root: every tag closed in order, every
 *  attribute quoted, no stray '<' or '&'. Returns the element names in document order. */
function checkXml(svg: string): string[] {
  const names: string[] = [], open: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < svg.length && (m = token.exec(svg)) !== null) {
    at = token.lastIndex;
    const [, closing, name, , selfClosing, content] = m;
    if (content !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(content)) throw new Error(`bad entity in ${JSON.stringify(content)}`);
      continue;
    }
    if (closing) {
      if (open.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
    } else {
      names.push(name);
      if (!selfClosing) open.push(name);
    }
  }
  if (at !== svg.length) throw new Error(`not XML at ${at}: ${JSON.stringify(svg.slice(at, at + 40))}`);
  if (open.length) throw new Error(`unclosed: ${open.join(', ')}`);
  expect(names[0]).toBe('svg');
  return names;
}
const count = (svg: string, what: RegExp) => (svg.match(what) ?? []).length;
const series = (svg: string) => [...svg.matchAll(/<g class="series" data-name="([^"]*)"><path d="([^"]*)"/g)].map((m) => ({ name: m[1], d: m[2] }));
const points = (d: string) => [...d.matchAll(/([ML])([\d.-]+) ([\d.-]+)/g)].map((m) => ({ pen: m[1], x: Number(m[2]), y: Number(m[3]) }));

test('lineChart: one path per run with one vertex per value, a legend with their names', () => {
  const svg = lineChart([{ name: 'train <loss>', y: [5, 4, 3, 2, 1] }, { name: 'test', y: [1, 2, 3, 4, 5, 6, 7], x: [0, 1, 2, 3, 4, 5, 6] }],
    { title: 'loss & accuracy', xLabel: 'epoch', yLabel: 'loss' });
  checkXml(svg);
  const runs = series(svg);
  expect(runs.map((r) => r.name)).toEqual(['train &lt;loss&gt;', 'test']);
  expect(runs.map((r) => points(r.d).length)).toEqual([5, 7]);
  // y grows downwards in SVG: a falling loss is a rising pen
  const train = points(runs[0].d);
  for (let i = 1; i < train.length; i++) {
    expect(train[i].y).toBeGreaterThan(train[i - 1].y);
    expect(train[i].x).toBeGreaterThan(train[i - 1].x);
  }
  expect(svg).toContain('loss &amp; accuracy');
  expect(svg).toContain('>epoch</text>');
});

test('lineChart: a NaN leaves a gap; markers put a dot on every finite point', () => {
  const svg = lineChart({ name: 'loss', y: [1, NaN, 3, 4] }, { markers: true });
  checkXml(svg);
  const [run] = series(svg);
  expect(points(run.d).map((p) => p.pen)).toEqual(['M', 'M', 'L']);
  expect(count(svg, /<circle/g)).toBe(3);
  expect(svg).not.toContain('NaN');
});

test("smoothing follows the book's smooth_curve: a straight line stays straight inside, a constant stays constant", () => {
  const ramp = Array.from({ length: 40 }, (_, i) => 2 * i + 1);
  const smooth = smoothCurve(ramp);
  // the Kaiser window is symmetric: away from the reflected ends a linear function is unchanged
  for (let i = 5; i < 35; i++) expect(smooth[i]).toBeCloseTo(ramp[i], 9);
  expect(smooth[0]).toBeGreaterThan(ramp[0]); // the reflection [x10..x1, x0, ...] pulls the start up
  expect(smoothCurve(Array(30).fill(0.7)).every((v) => Math.abs(v - 0.7) < 1e-12)).toBe(true);
  const noisy = Array.from({ length: 50 }, (_, i) => (i % 2 ? 1 : 0));
  const drawn = points(series(lineChart({ name: 'noisy', y: noisy }, { smooth: true, yDomain: [0, 1] }))[0].d).map((p) => p.y);
  const raw = points(series(lineChart({ name: 'noisy', y: noisy }, { yDomain: [0, 1] }))[0].d).map((p) => p.y);
  const spread = (ys: number[]) => Math.max(...ys.slice(10, 40)) - Math.min(...ys.slice(10, 40));
  expect(spread(drawn)).toBeLessThan(spread(raw) / 5);
});

test('histogram: numpy\'s bins (the last one closed), one bar per bin, several sets drawn over each other', () => {
  const svg = histogram([0, 0.5, 1, 1, 2, 7], { bins: 2, range: [0, 2] }); // 7 is outside the range
  checkXml(svg);
  const group = /<g class="bins"[^>]*>(.*?)<\/g>/.exec(svg)![1];
  const bars = [...group.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g)].map((m) => Number(m[2]));
  expect(bars).toHaveLength(2);
  expect(bars[1] / bars[0]).toBeCloseTo(3 / 2, 2); // counts [2, 3]
  const two = histogram([new Float32Array([1, 2, 3]), [2, 3, 4]], { bins: 10, names: ['a', 'b'] });
  checkXml(two);
  expect(count(two, /<g class="bins"/g)).toBe(2);
  expect(two).toContain('>a</text>');
});

test('imageGrid: one grey square per pixel, runs of one grey merged, each image normalized on its own', () => {
  // two 2×2 images: [[1, 1], [0, 0]] and [[10, 20], [20, 10]]
  const svg = imageGrid({ data: [1, 1, 0, 0, 10, 20, 20, 10], shape: [2, 1, 2, 2] }, { scale: 5, labels: ['a', 'b'] });
  checkXml(svg);
  const rects = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="5" fill="(rgb\([^)]*\))"/g)].map((m) => [Number(m[1]), m[2]]);
  expect(rects).toEqual([
    [10, 'rgb(255,255,255)'], [10, 'rgb(0,0,0)'], // image a: each row one run
    [5, 'rgb(0,0,0)'], [5, 'rgb(255,255,255)'], [5, 'rgb(255,255,255)'], [5, 'rgb(0,0,0)'],
  ]);
  const inverted = imageGrid({ data: [0, 1], shape: [1, 1, 2] }, { invert: true, normalize: [0, 2] });
  expect(inverted).toContain('fill="rgb(255,255,255)"');
  expect(inverted).toContain('fill="rgb(127,127,127)"'); // 1 is half of [0, 2]: 255 − round(127.5)
  expect(() => imageGrid({ data: [1, 2, 3], shape: [1, 2, 2] })).toThrow('imageGrid: 1 images of 2×2 need 4 values, got 3');
  expect(imageGrid({ data: new Float32Array(2 * 784), shape: [2, 784] }, { imageShape: [28, 28] })).toMatch(/^<svg/);
});

test('scatter: a dot per point, log scales with a tick per power of ten', () => {
  const svg = scatter([{ name: 'best', x: [1e-4, 1e-2], y: [0.9, 0.8] }, { name: 'rest', x: [1e-3, 0.5, 0.01], y: [0.1, 0.2, 0.3] }],
    { xScale: 'log', xLabel: 'lr' });
  checkXml(svg);
  expect(count(svg, /<circle/g)).toBe(5);
  for (const tick of ['1e-4', '1e-3', '1e-2', '1e-1', '1e0']) expect(svg).toContain(`>${tick}</text>`);
  expect(() => scatter({ x: [0, 1], y: [1, 2] }, { xScale: 'log' })).toThrow('plot: a log scale needs positive values, got 0');
});

test('decisionBoundary: the classifier sees every cell centre once and colours the plane by its answer', () => {
  let seen: Float32Array | undefined;
  const svg = decisionBoundary((p) => {
    seen = p;
    return Array.from({ length: p.length / 2 }, (_, i) => (p[2 * i] > 0 ? 1 : 0));
  }, { xRange: [-1, 1], yRange: [-2, 2], resolution: 4, points: { x: [-0.5, 0.5], y: [0, 1], label: [0, 1] }, classNames: ['no', 'yes'] });
  checkXml(svg);
  expect(Array.from(seen!.subarray(0, 8))).toEqual([-0.75, -1.5, -0.25, -1.5, 0.25, -1.5, 0.75, -1.5]);
  expect(seen!).toHaveLength(32);
  const cells = [...svg.matchAll(/<g class="regions"[^>]*>(.*?)<\/g>/g)][0][1];
  expect(count(cells, /<rect/g)).toBe(8); // each row: two runs, left class 0, right class 1
  expect(count(svg, /<circle/g)).toBe(2);
  expect(() => decisionBoundary(() => [0], { xRange: [0, 1], yRange: [0, 1], resolution: 2 }))
    .toThrow('decisionBoundary: classify() returned 1 classes for 4 points');
});

test('panels: charts side by side keep their sizes and unique ids', () => {
  const a = lineChart({ name: 'a', y: [1, 2] }, { width: 300, height: 200 }), b = lineChart({ name: 'b', y: [2, 1] }, { width: 400, height: 250 });
  const svg = panels([a, b], { title: 'two' });
  checkXml(svg);
  expect(svg).toMatch(/^<svg [^>]*width="700" height="280"/);
  expect(svg).toContain('id="plot-area-0"');
  expect(svg).toContain('url(#plot-area-1)');
});

test('empty data, misspelt options and bad input are clear errors', () => {
  expect(() => lineChart([])).toThrow('lineChart: no data: expected values, a series { y } or a list of series');
  expect(() => lineChart({ name: 'loss', y: [] })).toThrow('lineChart: series 0 ("loss") has no points');
  expect(() => lineChart([NaN, NaN])).toThrow('lineChart: no finite values to plot');
  expect(() => lineChart([1, 2], { smoth: true } as object)).toThrow("lineChart: unknown option 'smoth' (did you mean 'smooth'?)");
  expect(() => histogram([])).toThrow('histogram: data 0 has no finite values');
  expect(() => histogram([1], { bins: 0 })).toThrow('histogram: bins must be an integer in [1, 10000], got 0');
  expect(() => scatter({ x: [], y: [] })).toThrow('scatter: no points to plot');
  expect(() => scatter({ x: [1], y: [1, 2] })).toThrow('scatter: set 0 has 1 x values but 2 y values');
  expect(() => imageGrid({ data: [], shape: [0, 2, 2] })).toThrow('imageGrid: no images to draw (shape (0, 2, 2))');
  expect(() => panels([])).toThrow('panels: expected a non-empty list of SVG charts');
  expect(() => lineChart([1, 2], { width: 5 })).toThrow('plot: width must be a number of pixels in [100, 10000], got 5');
});

test('savePlot writes the SVG as it is and a PNG that decodes at twice its size, leaving no temporary file', async () => {
  const svg = lineChart([{ name: 'train', y: [3, 2, 1.5, 1.2] }, { name: 'test', y: [3.2, 2.4, 2, 1.9] }], { width: 320, height: 200, title: 'loss' });
  expect(await savePlot(svg, join(dir, 'nested', 'loss.svg'))).toBe(join(dir, 'nested', 'loss.svg'));
  expect(await readFile(join(dir, 'nested', 'loss.svg'), 'utf8')).toBe(svg);
  await savePlot(svg, join(dir, 'loss.png'));
  const png = PNG.sync.read(await readFile(join(dir, 'loss.png')));
  expect([png.width, png.height]).toEqual([640, 400]);
  // drawn: the corner is the white background, and the curves put colour in the picture
  expect([...png.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  let coloured = 0;
  for (let i = 0; i < png.data.length; i += 4) if (Math.abs(png.data[i] - png.data[i + 2]) > 60) coloured++;
  expect(coloured).toBeGreaterThan(100);
  expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  await expect(savePlot(svg, join(dir, 'loss.jpg'))).rejects.toThrow('savePlot: the file name must end in .svg or .png, got');
  await expect(savePlot('not svg', join(dir, 'x.svg'))).rejects.toThrow('savePlot: expected the SVG text of a chart, got "not svg"');
});

test('the plot module loads nothing heavy up front: no static import of resvg, of Node modules or of the kernels', () => {
  for (const file of ['index', 'svg', 'line-chart', 'histogram', 'image-grid', 'scatter', 'decision-boundary', 'panels', 'save', 'smooth']) {
    const source = readFileSync(new URL(`../src/plot/${file}.ts`, import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^import (?!type)[^;]* from '([^']+)'/gm)].map((m) => m[1]);
    for (const i of imports) expect(i, `${file}.ts imports ${i}`).toMatch(/^\.\/[\w-]+\.js$|^\.\.\/(options|shape|errors|formats\/atomic-file)\.js$/);
  }
});
