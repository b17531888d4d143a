// The examples' figures: a chart from scratchnet/plot written as <outDir>/<name>.svg and .png.
import { join } from 'node:path';
import { savePlot } from 'scratchnet/plot';

export interface PlotFiles {
  svg: string;
  png: string;
}

/** Writes `svg` as `<outDir>/<name>.svg` and `<outDir>/<name>.png` (creating outDir). */
export async function saveFigure(svg: string, name: string, outDir = 'output'): Promise<PlotFiles> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`saveFigure: name must be a plain file name without extension, got ${JSON.stringify(name)}`);
  const files = { svg: join(outDir, `${name}.svg`), png: join(outDir, `${name}.png`) };
  await savePlot(svg, files.svg);
  await savePlot(svg, files.png);
  return files;
}
