// The book's weight_init_activation_histogram.py (chapter 6.2): 1000 random inputs through five
// hidden layers of 100 units with no training, and histograms of each layer's activations, for
// every pairing of an activation (sigmoid, tanh, ReLU) with a weight scale (std 1, std 0.01,
// Xavier √(1/n), He √(2/n)). Prints per layer how many activations sit at the ends of the
// activation's range (where its gradient vanishes) and their spread; draws the grid of histograms.
//   node out/examples/weight_init_activation_histogram.js [--seed N] [--out DIR] [--quick]
import { createRng, init, matmul, randn, Relu, Sigmoid, Tanh } from 'scratchnet';
import { histogram, panels } from 'scratchnet/plot';
import { parseExperimentArgs } from './cli.js';
import { saveFigure } from './plot.js';

const { values, seed } = parseExperimentArgs({});

// --quick: fewer input rows, for the test suite; the shapes of the histograms are the same
const samples = values.quick ? 200 : 1000;
const nodeNum = 100, hiddenLayerSize = 5, bins = 30;

const activations = {
  sigmoid: { layer: () => new Sigmoid(), range: [0, 1] },
  // NOTE: tanh's outputs fill (-1, 1); the book's range (0, 1) would hide the negative half
  tanh: { layer: () => new Tanh(), range: [-1, 1] },
  // NOTE: as in the book, ReLU's histogram covers (0, 1) and cuts off the bar at 0 (the book's
  // ylim of 7000 of 100 000); values above 1 (a quarter with He) fall outside the chart
  relu: { layer: () => new Relu(), range: [0, 1] },
} as const;
const inits = {
  'std=1': 1,
  'std=0.01': 0.01,
  xavier: Math.sqrt(1 / nodeNum),
  he: Math.sqrt(2 / nodeNum),
};
// the book's plt.ylim(0, 7000) for its 100 000 activations per layer, as a fraction
const RELU_YMAX = 0.07;

interface LayerStats {
  activation: string;
  init: string;
  layer: number;
  near0: number; // fraction with |a| < 0.05
  near1: number; // fraction with |a| > 0.95: sigmoid's and tanh's flat ends
  mean: number;
  std: number;
  values: Float32Array; // the activations, for the histogram
}

function layerStats(a: Float32Array): Omit<LayerStats, 'activation' | 'init' | 'layer'> {
  let near0 = 0, near1 = 0, sum = 0, sumSq = 0;
  for (const v of a) {
    const abs = Math.abs(v);
    if (abs < 0.05) near0++;
    if (abs > 0.95) near1++;
    sum += v;
    sumSq += v * v;
  }
  const n = a.length, mean = sum / n;
  return {
    near0: near0 / n,
    near1: near1 / n,
    mean,
    std: Math.sqrt(Math.max(sumSq / n - mean * mean, 0)),
    values: Float32Array.from(a),
  };
}

await init();
const results: LayerStats[] = [];
for (const [activation, { layer }] of Object.entries(activations)) {
  for (const [initName, scale] of Object.entries(inits)) {
    // The same seed for every pairing: all of them see the same inputs and the same weights up
    // to scale, so the differences between rows come from the scale and the activation alone.
    const rng = createRng(seed);
    const act = layer();
    let x = randn([samples, nodeNum], rng);
    for (let i = 0; i < hiddenLayerSize; i++) {
      const w = randn([nodeNum, nodeNum], rng);
      const wd = w.data;
      for (let j = 0; j < wd.length; j++) wd[j] *= scale;
      const z = matmul(x, w);
      // clone: the layer's output buffer is overwritten by its next forward
      const a = act.forward(z).clone();
      results.push({ activation, init: initName, layer: i + 1, ...layerStats(a.data) });
      for (const t of [x, w, z]) t.dispose();
      x = a;
    }
    x.dispose();
    act.dispose();
  }
}

console.log(`${samples} samples, ${hiddenLayerSize} layers of ${nodeNum} units, seed ${seed}`);
console.log('activation  init      layer  |a|<0.05  |a|>0.95     mean      std');
for (const r of results) {
  console.log(`${r.activation.padEnd(10)}  ${r.init.padEnd(8)}  ${String(r.layer).padStart(5)}  ` +
    `${r.near0.toFixed(3).padStart(8)}  ${r.near1.toFixed(3).padStart(8)}  ${r.mean.toFixed(4).padStart(7)}  ${r.std.toFixed(4).padStart(7)}`);
}

// One row of five histograms per pairing (numpy's bins over the activation's range, the fraction
// of all activations per bin); ReLU rows cut at the book's ylim.
const charts = results.map((r) => {
  const { range } = activations[r.activation as keyof typeof activations];
  return histogram(r.values, {
    bins, range: [...range], fraction: true, width: 230, height: 150, title: `${r.activation}, ${r.init}, layer ${r.layer}`,
    ...(r.activation === 'relu' ? { yMax: RELU_YMAX } : {}),
  });
});
const chart = panels(charts, {
  columns: hiddenLayerSize,
  title: `Activation distributions of ${hiddenLayerSize} hidden layers (${samples}×${nodeNum} inputs, seed ${seed}); y: fraction per bin`,
});
const files = await saveFigure(chart, 'weight_init_activation_histogram', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
