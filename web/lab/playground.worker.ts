// Page 8's worker: Sequential networks on 2-D points, built from the page's settings with the
// library's `layers`, trained full-batch; after each slice of training it sends the loss, the
// accuracy and the network's P(class 1) on a grid over the plane.
import { createOptimizer, layers, Sequential, tensor, type LayerSpec, type Optimizer, type OptimizerName, type Tensor } from 'scratchnet';
import { nextTask, report, serve } from './worker-base.js';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'leakyRelu' | 'elu' | 'maxout';

export interface NetConfig {
  hidden: number; // hidden layers
  width: number; // units per hidden layer
  activation: Activation;
  init: 'he' | 'xavier' | 'pytorch' | number;
  dropout: number; // ratio; 0: no dropout layers
  batchNorm: boolean;
  optimizer: OptimizerName;
  lr: number;
  seed: number;
}

export type ToWorker =
  /** Replaces network `id` by a new one and trains it on (x, t) for `iterations`. */
  | { type: 'train'; id: string; run: number; config: NetConfig; x: Float32Array; t: Float32Array; iterations: number }
  | { type: 'stop'; id: string };
export type FromWorker =
  | { type: 'built'; id: string; run: number; summary: string }
  /** grid: P(class 1) at GRID × GRID points over EXTENT², row by row from the top. */
  | { type: 'progress'; id: string; run: number; iteration: number; loss: number; accuracy: number; grid: Float32Array }
  | { type: 'done'; id: string; run: number; iteration: number };

export const GRID = 50;
export const EXTENT = 1.5; // the grid spans [-EXTENT, EXTENT] in x and y
const SLICE_MS = 30;

const MAXOUT_PIECES = 2;
// PyTorch's nn.Linear: kaiming_uniform_ with a = √5, a uniform of bound √(1/fan_in)
const initSpec = (init: NetConfig['init']): number | 'he' | 'xavier' | { kaimingUniform: { a: number } } =>
  init === 'pytorch' ? { kaimingUniform: { a: Math.sqrt(5) } } : init;
const ACTIVATIONS: Record<Activation, () => LayerSpec> = {
  relu: layers.relu, tanh: layers.tanh, sigmoid: layers.sigmoid, leakyRelu: () => layers.leakyRelu(), elu: () => layers.elu(),
  maxout: () => layers.maxout({ pieces: MAXOUT_PIECES }),
};

/** The layers the settings describe: (dense [batchNorm] activation [dropout]) × hidden, then dense
 *  to 2 classes. Maxout keeps the largest of each 2 units, so its dense layer has twice the width. */
function specs(c: NetConfig): LayerSpec[] {
  const list: LayerSpec[] = [];
  for (let i = 0; i < c.hidden; i++) {
    list.push(layers.dense({ units: c.activation === 'maxout' ? c.width * MAXOUT_PIECES : c.width, init: initSpec(c.init) }));
    if (c.batchNorm) list.push(layers.batchNorm());
    list.push(ACTIVATIONS[c.activation]());
    if (c.dropout > 0) list.push(layers.dropout({ ratio: c.dropout }));
  }
  list.push(layers.dense({ units: 2, init: initSpec(c.init) }));
  return list;
}

// The grid's points as one (GRID², 2) batch, rows from the top (y = EXTENT) down.
const gridPoints = (): Float32Array => {
  const g = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      g[2 * (r * GRID + c)] = -EXTENT + ((c + 0.5) / GRID) * 2 * EXTENT;
      g[2 * (r * GRID + c) + 1] = EXTENT - ((r + 0.5) / GRID) * 2 * EXTENT;
    }
  }
  return g;
};

class Session {
  iteration = 0;
  readonly #tensors: Tensor[];

  constructor(readonly id: string, readonly run: number, readonly net: Sequential, readonly optimizer: Optimizer, readonly x: Tensor, readonly t: Tensor,
              readonly grid: Tensor, readonly iterations: number) {
    this.#tensors = [x, t, grid];
  }

  /** Trains for about `ms`; then reports. */
  slice(ms: number): void {
    const start = performance.now();
    while (this.iteration < this.iterations && performance.now() - start < ms) {
      this.optimizer.update(this.net.params, this.net.gradient(this.x, this.t));
      this.iteration++;
    }
    const scores = this.net.predict(this.grid).data;
    const p = new Float32Array(GRID * GRID);
    for (let i = 0; i < p.length; i++) p[i] = 1 / (1 + Math.exp(scores[2 * i] - scores[2 * i + 1]));
    post({ type: 'progress', id: this.id, run: this.run, iteration: this.iteration, loss: this.net.lastLoss, accuracy: this.net.accuracy(this.x, this.t), grid: p }, [p.buffer]);
    if (this.iteration >= this.iterations) post({ type: 'done', id: this.id, run: this.run, iteration: this.iteration });
  }

  get finished(): boolean {
    return this.iteration >= this.iterations;
  }

  dispose(): void {
    for (const t of this.#tensors) t.dispose();
    this.optimizer.dispose();
    this.net.dispose();
  }
}

const sessions = new Map<string, Session>();
let looping = false;

// Trains every unfinished session a slice in turn, reading the page's messages in between.
async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    for (let active = [...sessions.values()]; active.length; active = [...sessions.values()].filter((s) => !s.finished)) {
      for (const s of active) if (!s.finished) s.slice(SLICE_MS / active.length);
      await nextTask();
    }
  } finally {
    looping = false;
  }
}

const post = serve<ToWorker, FromWorker>((m) => {
  sessions.get(m.id)?.dispose();
  sessions.delete(m.id);
  if (m.type === 'stop') return;
  const c = m.config;
  const net = new Sequential({ inputShape: [2], layers: specs(c), loss: 'softmax-cross-entropy', seed: c.seed });
  const n = m.t.length;
  const session = new Session(m.id, m.run, net, createOptimizer(c.optimizer, { lr: c.lr }), tensor(m.x, [n, 2]), tensor(m.t, [n]),
    tensor(gridPoints(), [GRID * GRID, 2]), m.iterations);
  sessions.set(m.id, session);
  post({ type: 'built', id: m.id, run: m.run, summary: net.summary() });
  session.slice(0); // the untrained network's boundary
  loop().catch(report);
});
