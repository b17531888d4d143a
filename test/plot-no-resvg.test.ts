// savePlot where the optional @resvg/resvg-js is not installed (here: an import that fails): a PNG
// is a clear error that says what to install, an SVG still works.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { lineChart, savePlot } from '../src/plot/index.js';

vi.mock('@resvg/resvg-js', () => {
  throw new Error("Cannot find package '@resvg/resvg-js'");
});

test('without resvg: PNG is a clear error naming the package, SVG is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-plot-'));
  const svg = lineChart([1, 2, 3]);
  await expect(savePlot(svg, join(dir, 'a.png')))
    .rejects.toThrow('savePlot: PNG output needs the optional package @resvg/resvg-js: npm install @resvg/resvg-js (or save as .svg)');
  await savePlot(svg, join(dir, 'a.svg'));
  expect(readFileSync(join(dir, 'a.svg'), 'utf8')).toBe(svg);
});
