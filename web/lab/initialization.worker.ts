// Page 4's worker: the activations of five layers of 100 units for 1000 random inputs, at the
// page's weight scale and activation (weight_init_activation_histogram.py); and MNIST losses of
// the same deep network under three initial weight scales (weight_init_compare.py).
import { createRng, MiniBatches, matmul, MultiLayerNet, randn, Relu, SGD, Sigmoid, Tanh, type Tensor } from 'scratchnet';
import { fetchMnist } from './mnist.js';
import { type Contender, trainTogether } from './training.js';
import { Runs, serve } from './worker-base.js';

export type Activation = 'sigmoid' | 'tanh' | 'relu';
export type Scale = 'std=1' | 'std=0.01' | 'xavier' | 'he';
export interface LayerStats { histogram: number[]; std: number; saturated: number }

export type ToWorker =
  | { type: 'histograms'; run: number; activation: Activation; scale: Scale }
  | { type: 'compare'; run: number; activation: Activation; iterations: number }
  | { type: 'stop' };
export type FromWorker =
  /** range: the histograms' x range; saturated: fraction within 0.05 of the range's ends (where sigmoid's and tanh's slope vanishes), or exactly 0 for ReLU. */
  | { type: 'histograms'; run: number; range: [number, number]; layers: LayerStats[] }
  | { type: 'losses'; run: number; iteration: number; losses: number[] }
  | { type: 'compared'; run: number };

/** The scales the MNIST comparison trains, in the order of its losses. */
export const COMPARED = ['std=0.01', 'xavier', 'he'] as const;
const NODES = 100, LAYERS = 5, SAMPLES = 1000, BINS = 30;
const SCALES: Record<Scale, number> = { 'std=1': 1, 'std=0.01': 0.01, xavier: Math.sqrt(1 / NODES), he: Math.sqrt(2 / NODES) };
const RANGES: Record<Activation, [number, number]> = { sigmoid: [0, 1], tanh: [-1, 1], relu: [0, 1] };
const LAYER = { sigmoid: () => new Sigmoid(), tanh: () => new Tanh(), relu: () => new Relu() };

function stats(a: Float32Array, activation: Activation): LayerStats {
  const [lo, hi] = RANGES[activation];
  const histogram = new Array<number>(BINS).fill(0);
  let sum = 0, sumSq = 0, saturated = 0;
  for (const v of a) {
    sum += v;
    sumSq += v * v;
    if (activation === 'relu' ? v === 0 : v < lo + 0.05 || v > hi - 0.05) saturated++;
    if (v >= lo && v <= hi) histogram[Math.min(Math.floor(((v - lo) / (hi - lo)) * BINS), BINS - 1)]++;
  }
  const n = a.length, mean = sum / n;
  return { histogram: histogram.map((c) => c / n), std: Math.sqrt(Math.max(sumSq / n - mean * mean, 0)), saturated: saturated / n };
}

// The book's experiment, on the library's tensors, matmul and activation layers.
function histograms(activation: Activation, scale: Scale): LayerStats[] {
  const rng = createRng(0);
  const act = LAYER[activation]();
  const layers: LayerStats[] = [];
  let x: Tensor = randn([SAMPLES, NODES], rng);
  for (let i = 0; i < LAYERS; i++) {
    const w = randn([NODES, NODES], rng);
    for (let j = 0; j < w.data.length; j++) w.data[j] *= SCALES[scale];
    const z = matmul(x, w);
    const a = act.forward(z).clone(); // the layer's buffer is overwritten by its next forward
    layers.push(stats(a.data, activation));
    for (const t of [x, w, z]) t.dispose();
    x = a;
  }
  x.dispose();
  act.dispose();
  return layers;
}

const runs = new Runs();
let mnist: Awaited<ReturnType<typeof fetchMnist>> | undefined;

const post = serve<ToWorker, FromWorker>(async (m) => {
  if (m.type === 'stop') return runs.stop();
  if (m.type === 'histograms') {
    post({ type: 'histograms', run: m.run, range: RANGES[m.activation], layers: histograms(m.activation, m.scale) });
    return;
  }
  mnist ??= await fetchMnist({ trainSize: 10_000, testSize: 1 });
  const { xTrain, tTrain } = mnist;
  runs.start(async (live) => {
    // weight_init_compare.py: 784-100×4-10, SGD lr 0.01, batch 128, the same batches for all three
    const contenders: Contender[] = COMPARED.map((scale) => ({
      net: new MultiLayerNet({ inputSize: 784, hiddenSizeList: [100, 100, 100, 100], outputSize: 10, activation: m.activation,
        weightInitStd: scale === 'std=0.01' ? 0.01 : scale, seed: 0 }),
      optimizer: new SGD({ lr: 0.01 }),
    }));
    const batches = new MiniBatches(xTrain, tTrain, 128, createRng(1));
    try {
      const done = await trainTogether({
        contenders, batches, iterations: m.iterations, live, every: 10,
        onProgress: (iteration, losses) => post({ type: 'losses', run: m.run, iteration, losses }),
      });
      if (done) post({ type: 'compared', run: m.run });
    } finally {
      batches.dispose();
      for (const c of contenders) {
        c.net.dispose();
        c.optimizer.dispose();
      }
    }
  });
});
