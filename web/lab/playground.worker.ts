// Page 8's worker: Sequential networks on 2-D points, built from the page's settings with the
// library's `layers` and trained in mini-batches by the library's Trainer (trainer.step()), an epoch at a
// time while playing or on each Step. After each frame of training it sends the train and test
// loss and accuracy, the network's output over a grid of the plane, every hidden unit's output on
// that grid, and the dense layers' weights.
import { layers, Sequential, tensor, type LayerSpec, type OptimizerName, type Tensor } from 'scratchnet';
import { createStepper, type Stepper } from './playground-step.js';
import { nextTask, report, serve, sleep } from './worker-base.js';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'leakyRelu' | 'elu' | 'maxout';
export type Regularization = 'none' | 'L1' | 'L2';

export interface NetConfig {
  widths: number[]; // units of each hidden layer
  activation: Activation;
  init: 'he' | 'xavier' | 'pytorch' | number;
  dropout: number; // ratio; 0: no dropout layers
  batchNorm: boolean;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  regularization: Regularization;
  rate: number; // λ of the regularization
  regression: boolean; // one output and mean-squared-error, else two classes and softmax cross-entropy
  seed: number;
}

/** Rows of features: (N, features) in `x`, N targets in `t`. */
export interface Rows { x: Float32Array; t: Float32Array }

export type ToWorker =
  /** Replaces network `id` by a new one, paused at epoch 0; `untilEpoch`: play up to it, then pause. */
  | { type: 'build'; id: string; request: number; config: NetConfig; features: number; train: Rows; test: Rows; grid: Float32Array; untilEpoch?: number }
  | { type: 'play'; id: string; request: number; epochsPerFrame: number }
  | { type: 'pause'; id: string; request: number }
  /** A new learning rate for the network as it is, at once (trainer.optimizer.lr). */
  | { type: 'lr'; id: string; request: number; lr: number }
  /** One epoch, then paused. */
  | { type: 'step'; id: string; request: number };

export interface Snapshot {
  type: 'snapshot'; id: string;
  /** The page's request this answers (the latest while playing). */
  request: number;
  playing: boolean; epoch: number; iteration: number;
  trainLoss: number; testLoss: number; trainAcc: number; testAcc: number; // accuracies NaN for regression; testLoss NaN without test points
  /** The output on the grid, row by row from the top: P(class 1), or the regression's value. */
  output: Float32Array;
  /** Each hidden layer's units on the grid: (grid points, units) row by row. */
  units: Float32Array[];
  /** Each dense layer's weights (in, out), in order. */
  weights: { rows: number; cols: number; data: Float32Array }[];
}
export type FromWorker = { type: 'built'; id: string; request: number; summary: string }
  /** The network could not be built (the error goes to the page's error box). */
  | { type: 'failed'; id: string; request: number } | Snapshot;

export const GRID = 50;
const FRAME_MS = 30;
const MAXOUT_PIECES = 2;
const ACTIVATION_KINDS = new Set(['relu', 'tanh', 'sigmoid', 'leakyRelu', 'elu', 'maxout']);
// PyTorch's nn.Linear: kaiming_uniform_ with a = √5, a uniform of bound √(1/fan_in)
const initSpec = (init: NetConfig['init']): number | 'he' | 'xavier' | { kaimingUniform: { a: number } } =>
  init === 'pytorch' ? { kaimingUniform: { a: Math.sqrt(5) } } : init;
const ACTIVATIONS: Record<Activation, () => LayerSpec> = {
  relu: layers.relu, tanh: layers.tanh, sigmoid: layers.sigmoid, leakyRelu: () => layers.leakyRelu(), elu: () => layers.elu(),
  maxout: () => layers.maxout({ pieces: MAXOUT_PIECES }),
};

/** The layers the settings describe: (dense [batchNorm] activation [dropout]) per hidden layer,
 *  then dense to 2 classes or 1 value. Maxout keeps the largest of each 2 units, so its dense
 *  layer has twice the width. */
function specs(c: NetConfig): LayerSpec[] {
  const list: LayerSpec[] = [];
  for (const width of c.widths) {
    list.push(layers.dense({ units: c.activation === 'maxout' ? width * MAXOUT_PIECES : width, init: initSpec(c.init) }));
    if (c.batchNorm) list.push(layers.batchNorm());
    list.push(ACTIVATIONS[c.activation]());
    if (c.dropout > 0) list.push(layers.dropout({ ratio: c.dropout }));
  }
  list.push(layers.dense({ units: c.regression ? 1 : 2, init: initSpec(c.init) }));
  return list;
}

class Session {
  epoch = 0;
  playing = false;
  epochsPerFrame = 1;
  request: number;
  readonly #tensors: Tensor[];

  constructor(readonly id: string, readonly net: Sequential, readonly stepper: Stepper, readonly regression: boolean,
              readonly x: Tensor, readonly t: Tensor, readonly xTest: Tensor | undefined, readonly tTest: Tensor | undefined,
              readonly grid: Tensor, request: number, readonly untilEpoch = Infinity) {
    this.request = request;
    this.#tensors = [x, t, grid, ...(xTest && tTest ? [xTest, tTest] : [])];
  }

  /** One pass over the training points in mini-batches. A diverging run (the Trainer stops it and
   *  puts back the last healthy parameters) pauses, with the Trainer's message in the error box. */
  trainEpoch(): void {
    try {
      for (let i = 0; i < this.stepper.stepsPerEpoch; i++) this.stepper.step();
      this.epoch++;
    } catch (e) {
      report(e);
      this.playing = false;
      return;
    }
    if (this.epoch >= this.untilEpoch) this.playing = false;
  }

  snapshot(): void {
    const { net, regression } = this;
    const scores = net.predict(this.grid).data;
    const points = this.grid.shape[0];
    const output = new Float32Array(points);
    for (let i = 0; i < points; i++) output[i] = regression ? scores[i] : 1 / (1 + Math.exp(scores[2 * i] - scores[2 * i + 1]));
    // the layers one by one, as predict runs them, keeping each activation's output
    const units: Float32Array[] = [];
    const kinds = net.architecture.layers.map((l) => l.kind as string);
    let out: Tensor = this.grid;
    net.layerList.forEach((layer, i) => {
      out = layer.forward(out, false);
      if (ACTIVATION_KINDS.has(kinds[i])) units.push(out.data.slice());
    });
    const weights = Object.entries(net.params).filter(([name]) => /^W\d+$/.test(name))
      .sort(([a], [b]) => Number(a.slice(1)) - Number(b.slice(1)))
      .map(([, w]) => ({ rows: w.shape[0], cols: w.shape[1], data: w.data.slice() }));
    const test = this.xTest && this.tTest;
    const message: Snapshot = {
      type: 'snapshot', id: this.id, request: this.request, playing: this.playing, epoch: this.epoch, iteration: this.stepper.iteration,
      trainLoss: net.loss(this.x, this.t), testLoss: test ? net.loss(this.xTest!, this.tTest!) : NaN,
      trainAcc: regression ? NaN : net.accuracy(this.x, this.t), testAcc: regression || !test ? NaN : net.accuracy(this.xTest!, this.tTest!),
      output, units, weights,
    };
    post(message, [output.buffer, ...units.map((u) => u.buffer), ...weights.map((w) => w.data.buffer)]);
  }

  dispose(): void {
    for (const t of this.#tensors) t.dispose();
    this.stepper.dispose();
    this.net.dispose();
  }
}

const sessions = new Map<string, Session>();
let looping = false;

// Trains every playing session its epochs a frame, sending a snapshot after each, reading the
// page's messages in between.
async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    for (let active = [...sessions.values()].filter((s) => s.playing); active.length; active = [...sessions.values()].filter((s) => s.playing)) {
      const start = performance.now();
      for (const s of active) {
        for (let e = 0; e < s.epochsPerFrame && s.playing; e++) s.trainEpoch();
        s.snapshot();
      }
      await nextTask();
      await sleep(Math.max(0, FRAME_MS - (performance.now() - start)));
    }
  } finally {
    looping = false;
  }
}

function build(m: Extract<ToWorker, { type: 'build' }>): void {
  const c = m.config;
  const net = new Sequential({
    inputShape: [m.features], layers: specs(c), loss: c.regression ? 'mean-squared-error' : 'softmax-cross-entropy', seed: c.seed,
    ...(c.regularization === 'L2' ? { weightDecayLambda: c.rate } : c.regularization === 'L1' ? { l1Lambda: c.rate } : {}),
  });
  const rows = (r: Rows): [Tensor, Tensor] => {
    const n = r.t.length;
    return [tensor(r.x, [n, m.features]), c.regression ? tensor(r.t, [n, 1]) : tensor(r.t, [n])];
  };
  const made: { dispose(): void }[] = [net];
  let session: Session;
  try {
    const [x, t] = rows(m.train);
    made.push(x, t);
    const [xTest, tTest] = m.test.t.length ? rows(m.test) : [undefined, undefined];
    if (xTest && tTest) made.push(xTest, tTest);
    const grid = tensor(m.grid, [m.grid.length / m.features, m.features]);
    made.push(grid);
    const stepper = createStepper(net, c.optimizer, c.lr, x, t, xTest && tTest ? [xTest, tTest] : undefined, c.batchSize, c.seed);
    session = new Session(m.id, net, stepper, c.regression, x, t, xTest, tTest, grid, m.request, m.untilEpoch);
  } catch (e) {
    for (const d of made) d.dispose();
    throw e;
  }
  sessions.set(m.id, session);
  post({ type: 'built', id: m.id, request: m.request, summary: net.summary() });
  if (m.untilEpoch) {
    session.playing = true;
    session.epochsPerFrame = 50;
  }
  session.snapshot(); // the untrained network
}

const post = serve<ToWorker, FromWorker>((m) => {
  if (m.type === 'build') {
    sessions.get(m.id)?.dispose();
    sessions.delete(m.id);
    try {
      build(m);
    } catch (e) {
      report(e);
      post({ type: 'failed', id: m.id, request: m.request });
    }
  } else {
    const s = sessions.get(m.id);
    if (!s) {
      post({ type: 'failed', id: m.id, request: m.request }); // no network: its build failed
      return;
    }
    s.request = m.request;
    if (m.type === 'play') {
      s.playing = true;
      s.epochsPerFrame = m.epochsPerFrame;
    } else if (m.type === 'lr') {
      s.stepper.setLr(m.lr);
      if (!s.playing) s.snapshot();
    } else {
      s.playing = false;
      if (m.type === 'step') s.trainEpoch();
      s.snapshot();
    }
  }
  loop().catch(report);
});
