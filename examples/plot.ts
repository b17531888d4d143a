// Figures for the example scripts: a Vega-Lite spec in, an SVG and a PNG file out.
// Vega renders the SVG headless (no browser, no canvas); resvg rasterizes it to PNG from a
// prebuilt binary, so nothing needs an install script or the network.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

// NOTE: one font that is sure to exist (Debian's fonts-dejavu) for both Vega's layout and resvg's
// rendering; a font resvg cannot find would leave every label blank in the PNG.
const FONT = 'DejaVu Sans';
// The PNG is drawn at twice the SVG's size so its text stays legible.
const PNG_SCALE = 2;

export interface PlotFiles {
  svg: string;
  png: string;
}

/** Renders `spec` and writes `<outDir>/<name>.svg` and `<outDir>/<name>.png` (creating outDir). */
export async function savePlot(spec: TopLevelSpec, name: string, outDir = 'output'): Promise<PlotFiles> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`savePlot: name must be a plain file name without extension, got ${JSON.stringify(name)}`);
  const svg = await renderSvg(spec);
  const png = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
  }).render().asPng();

  // Both renders are done before anything is written, so a failing spec leaves no half output.
  await mkdir(outDir, { recursive: true });
  const files = { svg: join(outDir, `${name}.svg`), png: join(outDir, `${name}.png`) };
  await writeFile(files.svg, svg);
  await writeFile(files.png, png);
  return files;
}

/** The SVG text of a Vega-Lite spec. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(spec, { config: { font: FONT, background: 'white' } });
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
