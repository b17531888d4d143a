// The book's visualize_filter.py: the 30 first-layer filters of SimpleConvNet as 5×5 grey images,
// at random initialization and after training (the parameters saved by train_convnet).
//   node out/examples/visualize_filter.js [--params output/simple_convnet.safetensors] [--out output]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { init, loadParams, SimpleConvNet } from 'scratchnet';
import { imageGrid, panels } from 'scratchnet/plot';
import { integerOption } from './cli.js';
import { saveFigure } from './plot.js';

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

// Each filter scaled to its own min..max, as matplotlib's imshow does; dark = large weight, as
// the book's gray_r. W1 is (30, 1, 5, 5): thirty one-channel images.
const filters = (net: SimpleConvNet, title: string) => imageGrid(net.params.W1, { title, columns: 10, scale: 8, invert: true });
const chart = panels([
  filters(before, 'random initialization'),
  filters(after, `after training (test accuracy ${Number(meta.testAcc ?? NaN).toFixed(4)})`),
], { columns: 1, title: 'SimpleConvNet: the 30 first-layer filters (5×5)' });
const files = await saveFigure(chart, 'visualize_filter', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
