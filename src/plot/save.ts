// Writing a chart to disk in Node: the SVG as it is, or a PNG drawn by resvg, which is an optional
// peer dependency loaded only here (users who never save a PNG never install it).
import { nodeModules, writeFileAtomic } from '../formats/atomic-file.js';
import { describe } from '../shape.js';
import { FONT } from './svg.js';
import { ResourceError, ValueError } from '../errors.js';

/** Options of the PNG: `scale` times the SVG's size (default 2, so text stays legible). */
export interface SavePlotOptions {
  scale?: number;
}

/** Writes `svg` to `path` (creating its folder): `.svg` as text, `.png` rasterized (needs
 *  `@resvg/resvg-js`). The file appears whole or not at all (writeFileAtomic). Resolves with the path. */
export async function savePlot(svg: string, path: string, opts: SavePlotOptions = {}): Promise<string> {
  if (typeof svg !== 'string' || !svg.trimStart().startsWith('<svg')) {
    throw new ValueError(`savePlot: expected the SVG text of a chart, got ${typeof svg === 'string' ? JSON.stringify(svg.slice(0, 20)) : describe(svg)}`);
  }
  if (typeof path !== 'string' || !/\.(svg|png)$/i.test(path)) {
    throw new ValueError(`savePlot: the file name must end in .svg or .png, got ${typeof path === 'string' ? JSON.stringify(path) : describe(path)}`);
  }
  const scale = opts.scale ?? 2;
  if (typeof scale !== 'number' || !(scale > 0 && scale <= 10)) throw new ValueError(`savePlot: scale must be a number in (0, 10], got ${describe(scale)}`);
  const bytes = /\.png$/i.test(path) ? await renderPng(svg, scale) : new TextEncoder().encode(svg);
  const { fs, path: paths } = await nodeModules('savePlot', 'the SVG string itself');
  await fs.mkdir(paths.dirname(path), { recursive: true });
  await writeFileAtomic('savePlot', 'the SVG string itself', path, bytes);
  return path;
}

/** The PNG bytes of `svg` drawn at `scale` times its size. */
export async function renderPng(svg: string, scale = 2): Promise<Uint8Array> {
  const name = '@resvg/resvg-js'; // a variable keeps bundlers from resolving it
  let resvg: typeof import('@resvg/resvg-js');
  try {
    resvg = (await import(/* @vite-ignore */ name)) as typeof import('@resvg/resvg-js');
  } catch {
    throw new ResourceError('savePlot: PNG output needs the optional package @resvg/resvg-js: npm install @resvg/resvg-js (or save as .svg)');
  }
  const family = FONT.split(',')[0].replace(/'/g, '');
  return new resvg.Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: family },
  }).render().asPng();
}
