// Page 4's worker: the activations of five layers of 100 units for 1000 random inputs, at the
// page's weight scale and activation (weight_init_activation_histogram.py); and MNIST losses of
// the same deep network under three initial weight scales (weight_init_compare.py); and a network
// whose weights all start at 0, whose units stay identical however long it trains.
import { createRng, matmul, MultiLayerNet, randn, Relu, Sigmoid, Tanh, Trainer, type Tensor } from 'scratchnet';
import { binned } from './binned.js';
import { fetchMnist } from './mnist.js';
import { type Contender, contender, disposeContenders, trainTogether } from './training.js';
import { Runs, serve } from './worker-base.js';

export type Activation = 'sigmoid' | 'tanh' | 'relu';
export type Scale = 'std=1' | 'std=0.01' | 'xavier' | 'he';
/** saturated: the share at ReLU's 0 (left out of the histogram) or within 0.05 of sigmoid's and tanh's ends; beyond: the share past the range's right end. */
export interface LayerStats { histogram: number[]; std: number; saturated: number; beyond: number }

export type ToWorker =
  | { type: 'histograms'; run: number; activation: Activation; scale: Scale }
  | { type: 'compare'; run: number; activation: Activation; iterations: number }
  | { type: 'zeros'; run: number }
  | { type: 'stop' };
export type FromWorker =
  /** range: the histograms' x range; saturated: fraction within 0.05 of the range's ends (where sigmoid's and tanh's slope vanishes), or exactly 0 for ReLU. */
  | { type: 'histograms'; run: number; range: [number, number]; layers: LayerStats[] }
  | { type: 'losses'; run: number; iteration: number; losses: number[] }
  | { type: 'compared'; run: number }
  /** For all-zero and He weights after training: the loss, the first units' incoming weights (784
   *  each) and the largest difference between any unit's weights and the first unit's. */
  | { type: 'zeros'; run: number; nets: { loss: number; units: Float32Array; spread: number }[] };

/** The scales the MNIST comparison trains, in the order of its losses. */
export const COMPARED = ['std=0.01', 'xavier', 'he'] as const;
const NODES = 100, LAYERS = 5, SAMPLES = 1000, BINS = 30;
const SCALES: Record<Scale, number> = { 'std=1': 1, 'std=0.01': 0.01, xavier: Math.sqrt(1 / NODES), he: Math.sqrt(2 / NODES) };
// ReLU's range fits He's five layers (std about 1 with a tail to 4); std 0.01 shows as one bar at 0
const RANGES: Record<Activation, [number, number]> = { sigmoid: [0, 1], tanh: [-1, 1], relu: [0, 4] };
const LAYER = { sigmoid: () => new Sigmoid(), tanh: () => new Tanh(), relu: () => new Relu() };

function stats(a: Float32Array, activation: Activation): LayerStats {
  const [lo, hi] = RANGES[activation];
  let sum = 0, sumSq = 0, ends = 0;
  for (const v of a) {
    sum += v;
    sumSq += v * v;
    if (v < lo + 0.05 || v > hi - 0.05) ends++;
  }
  // ReLU's exact zeros (about half) would dwarf every other bar: left out, their share stated
  const { histogram, leftOut, beyond } = binned(a, RANGES[activation], BINS, activation === 'relu' ? (v) => v !== 0 : undefined);
  const n = a.length, mean = sum / n;
  return { histogram, std: Math.sqrt(Math.max(sumSq / n - mean * mean, 0)), saturated: activation === 'relu' ? leftOut : ends / n, beyond };
}

const UNITS_SHOWN = 6;

// 784-20-20-10 (sigmoid) from all-zero weights and from Xavier's, trained alike. From zeros every
// unit of a layer computes the same and gets the same gradient, so the units stay copies of one
// another however long they train (with ReLU they would not move at all: its outputs and so every
// gradient but the last biases' would be 0).
async function zeros(x: Tensor, t: Tensor, signal: AbortSignal): Promise<{ loss: number; units: Float32Array; spread: number }[] | undefined> {
  const result = [];
  for (const weightInitStd of [0, 'xavier'] as const) {
    const net = new MultiLayerNet({ inputSize: 784, hiddenSizeList: [20, 20], outputSize: 10, activation: 'sigmoid', weightInitStd, seed: 0 });
    const trainer = new Trainer(net, x, t, x, t, { epochs: 3, miniBatchSize: 100, optimizer: 'SGD', optimizerParam: { lr: 0.5 }, verbose: false, seed: 1, signal, evaluateSampleNumPerEpoch: 100 });
    try {
      if ((await trainer.train()).stopped === 'aborted') return undefined;
      const w = net.params.W1; // (784, 20)
      const units = new Float32Array(UNITS_SHOWN * 784);
      let spread = 0;
      for (let i = 0; i < 784; i++) {
        for (let j = 0; j < 20; j++) {
          const v = w.data[i * 20 + j];
          spread = Math.max(spread, Math.abs(v - w.data[i * 20]));
          if (j < UNITS_SHOWN) units[j * 784 + i] = v;
        }
      }
      result.push({ loss: net.loss(x, t), units, spread });
    } finally {
      trainer.optimizer.dispose();
      net.dispose();
    }
  }
  return result;
}
const zeroRuns = new Runs();

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
  if (m.type === 'zeros') {
    zeroRuns.start(async (_live, signal) => {
      const nets = await zeros(xTrain, tTrain, signal);
      if (nets) post({ type: 'zeros', run: m.run, nets }, nets.map((n) => n.units.buffer));
    });
    return;
  }
  runs.start(async (live) => {
    // weight_init_compare.py: 784-100×4-10, SGD lr 0.01, batch 128, the same batches for all three
    const contenders: Contender[] = COMPARED.map((scale) => contender(new MultiLayerNet({
      inputSize: 784, hiddenSizeList: [100, 100, 100, 100], outputSize: 10, activation: m.activation, weightInitStd: scale === 'std=0.01' ? 0.01 : scale, seed: 0,
    }), xTrain, tTrain, 0.01, 128));
    try {
      const done = await trainTogether({
        contenders, iterations: m.iterations, live, every: 10,
        onProgress: (iteration, losses) => post({ type: 'losses', run: m.run, iteration, losses }),
      });
      if (done) post({ type: 'compared', run: m.run });
    } finally {
      disposeContenders(contenders);
    }
  });
});
