// examples/plot.ts (the examples' Vega-Lite figures, until they move to scratchnet/plot): a spec becomes an SVG and a PNG on disk.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { savePlot } from '../examples/plot.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which a valid PNG has right after the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const lineChart: TopLevelSpec = {
  data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 4 }, { x: 3, y: 9 }] },
  width: 200,
  height: 100,
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scratchnet-plot-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('savePlot writes an SVG and a PNG of the chart, creating the folder', async () => {
  const outDir = join(dir, 'nested', 'out');
  const files = await savePlot(lineChart, 'line', outDir);
  expect(files).toEqual({ svg: join(outDir, 'line.svg'), png: join(outDir, 'line.png') });

  const svg = await readFile(files.svg, 'utf8');
  expect(svg).toMatch(/^<svg[\s>]/);
  expect(svg).toContain('<path'); // the line
  expect(svg).toContain('font-family="DejaVu Sans"'); // axis labels in the font resvg is given
  const svgWidth = Number(/<svg[^>]* width="(\d+)"/.exec(svg)?.[1]);
  const svgHeight = Number(/<svg[^>]* height="(\d+)"/.exec(svg)?.[1]);
  // the plot area plus axes, labels and padding
  expect(svgWidth).toBeGreaterThan(200);
  expect(svgWidth).toBeLessThan(400);
  expect(svgHeight).toBeGreaterThan(100);
  expect(svgHeight).toBeLessThan(300);

  // drawn at twice the SVG's size
  expect(pngSize(await readFile(files.png))).toEqual({ width: 2 * svgWidth, height: 2 * svgHeight });
});

test('savePlot rejects a name that is not a plain file name, writing nothing', async () => {
  await expect(savePlot(lineChart, '../escape', dir)).rejects.toThrow(/plain file name/);
  await expect(readFile(join(dir, '..', 'escape.svg'))).rejects.toThrow(/ENOENT/);
});
