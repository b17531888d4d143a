// The book's visualize_filter.py: the 30 first-layer filters of SimpleConvNet as 5×5 grey images,
// at random initialization and after training (the parameters saved by train_convnet).
//   node out/examples/visualize_filter.js [--params output/simple_convnet.safetensors] [--out output]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { init, loadParams, SimpleConvNet } from 'scratchnet';
import { integerOption } from './cli.js';
import { savePlot } from './plot.js';

const { values } = parseArgs({
  options: {
    params: { type: 'string' },
    out: { type: 'string', default: 'output' },
    // the seed of the initialization to show; by default the one train_convnet saved with the file
    seed: { type: 'string' },
  },
});
const paramsFile = values.params ?? join(values.out!, 'simple_convnet.safetensors');
if (!existsSync(paramsFile)) {
  console.error(`visualize_filter: ${paramsFile} not found; run \`npm run train_convnet\` first (or pass --params FILE)`);
  process.exit(1);
}

await init();
const after = new SimpleConvNet();
const meta = await loadParams(after, paramsFile);
const seed = integerOption('--seed', values.seed ?? meta.seed ?? '0');
const before = new SimpleConvNet({ seed });

// One row per filter pixel; each filter is scaled to its own min..max, as matplotlib's imshow does.
function pixels(net: SimpleConvNet, stage: string) {
  const W = net.params.W1;
  const [FN, , FH, FW] = W.shape;
  const data = W.data;
  const rows = [];
  for (let f = 0; f < FN; f++) {
    const w = data.subarray(f * FH * FW, (f + 1) * FH * FW);
    const lo = Math.min(...w), hi = Math.max(...w);
    for (let i = 0; i < FH * FW; i++) {
      rows.push({ stage, filter: f, x: i % FW, y: Math.floor(i / FW), v: hi > lo ? (w[i] - lo) / (hi - lo) : 0.5 });
    }
  }
  return rows;
}

// One grid of 3 rows × 10 filters per stage, stacked.
const grid = (title: string, values: ReturnType<typeof pixels>) => ({
  title: { text: title, anchor: 'start' as const, fontSize: 13 },
  data: { values },
  facet: { field: 'filter', type: 'ordinal' as const, title: null, header: { labels: false } },
  columns: 10,
  spacing: 4,
  spec: {
    width: 40, height: 40,
    mark: 'rect' as const,
    encoding: {
      x: { field: 'x', type: 'ordinal' as const, axis: null },
      y: { field: 'y', type: 'ordinal' as const, axis: null },
      // dark = large weight, as the book's gray_r
      color: { field: 'v', type: 'quantitative' as const, scale: { scheme: 'greys', domain: [0, 1] }, legend: null },
    },
  },
});
const spec = {
  title: 'SimpleConvNet: the 30 first-layer filters (5×5)',
  vconcat: [
    grid('random initialization', pixels(before, 'before')),
    grid(`after training (test accuracy ${Number(meta.testAcc ?? NaN).toFixed(4)})`, pixels(after, 'after')),
  ],
} as TopLevelSpec;
const files = await savePlot(spec, 'visualize_filter', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
