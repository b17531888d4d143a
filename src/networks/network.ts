// What the book's networks share: a stack of layers with named parameters, a SoftmaxWithLoss on
// top, predict/loss/accuracy, and gradient() as one backward sweep in reverse.
import { kernels } from '../backend/runtime.js';
import { numericalGradient } from '../gradient.js';
import type { Layer } from '../layers/layer.js';
import type { LossLayer } from '../layers/loss.js';
import { SoftmaxWithLoss } from '../layers/softmax-with-loss.js';
import { checkTargets, type LossName } from '../layers/targets.js';
import { tally, toProbabilities, type Evaluation, type Tally } from './evaluation.js';
import { checkFinite } from './check-finite.js';
import { executionOrder } from './execution-order.js';
import { createRng } from '../rng.js';
import { checkTensor, empty, rowsView, type Tensor } from '../tensor.js';
import { describe, formatShape, shapeSize, type Shape } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';

/**
 * What the Trainer, the optimizers and the file functions need of a network: its parameters by
 * name and the book's four methods. Every network in scratchnet implements it; so may your own.
 */
export interface Network {
  /** The learned tensors by name (W1, b1, ...); optimizers update them in place. */
  readonly params: Readonly<Record<string, Tensor>>;
  /** State that is not learned by gradients but is needed to predict (batch-norm running
   *  statistics), by name; saved with the parameters. */
  readonly buffers?: Readonly<Record<string, Tensor>>;
  /** One sample's shape, e.g. [784] or [1, 28, 28], where the network knows it. */
  readonly inputShape?: readonly number[];
  /** The scores (logits, before softmax) for a batch x, shape (N, classes); `train` (default
   *  false) turns on dropout and batch statistics. */
  predict(x: Tensor, train?: boolean): Tensor;
  /** The mean loss over the batch x with targets t (for classes: indices (N) or one-hot (N,
   *  classes)), weight decay included. */
  loss(x: Tensor, t: Tensor, train?: boolean): number;
  /** The fraction of samples in x whose highest score is their label in t, in [0, 1]. */
  accuracy(x: Tensor, t: Tensor): number;
  /** The gradient of the loss with respect to every parameter, by backpropagation, under the
   *  parameters' names; the tensors are the network's and are overwritten by the next call. */
  gradient(x: Tensor, t: Tensor): Record<string, Tensor>;
  /** The same gradient by central differences with step h (default 1e-3): slow, for checking
   *  gradient() on small networks. */
  numericalGradient(x: Tensor, t: Tensor, h?: number): Record<string, Tensor>;
  /** The loss of the last loss() or gradient() call. */
  readonly lastLoss: number;
  /** One sample's output shape, e.g. [10], where the network knows it (from its plan). */
  readonly outputShape?: readonly number[];
  /** The loss it ends in, which says what targets it takes (see checkTargets). */
  readonly lossName?: LossName;
  /** The mean loss and, by the loss, the accuracy or the mean absolute error, over all of x
   *  (batched inside). */
  evaluate?(x: Tensor, t: Tensor): Evaluation;
  /** The probabilities the scores stand for (softmax or sigmoid), shape (N, k). */
  probabilities?(x: Tensor): Tensor;
  /** Restarts the random streams of the network's stochastic layers (dropout masks) from one
   *  seed; the Trainer calls it with its `seed`, so a run is reproducible from its options. */
  reseed?(seed: number): void;
  /** Frees the network's tensors; the network cannot be used afterwards. */
  dispose(): void;
}

interface Binding {
  name: string; // the network's name for the parameter: W1, b1, gamma1, ...
  layer: Layer;
  local: string; // the layer's own name for it: W, b, gamma, ...
}

export { checkFinite } from './check-finite.js';

export abstract class LayerNet implements Network {
  readonly params: Record<string, Tensor> = {};
  readonly buffers: Record<string, Tensor> = {};
  protected readonly layers: Layer[] = [];
  #order: Layer[] = []; // the layers as they run (execution-order.ts)
  readonly #bindings: Binding[] = [];
  readonly #grads: Record<string, Tensor> = {};
  #lastLoss = NaN;
  #disposed = false;

  /** `inputShape` is one sample's shape: [784] or [1, 28, 28]; `classes` the output's width. */
  protected constructor(private readonly name: string, readonly inputShape: Shape, readonly classes: number,
                        protected readonly lastLayer: LossLayer = new SoftmaxWithLoss(),
                        readonly lossName: LossName = 'softmax-cross-entropy') {}

  /** One sample's output shape: [classes] (the width of the last layer). */
  get outputShape(): readonly number[] {
    return [this.classes];
  }

  /** Appends a layer; `names` maps its parameters to the network's names ({ W: 'W1', b: 'b1' }),
   *  `bufferNames` its buffers ({ runningMean: 'runningMean1' }). */
  protected addLayer(layer: Layer, names: Record<string, string> = {}, bufferNames: Record<string, string> = {}): void {
    this.layers.push(layer);
    this.#order = executionOrder(this.layers);
    for (const [local, name] of Object.entries(names)) {
      this.params[name] = layer.params[local];
      this.#bindings.push({ name, layer, local });
    }
    for (const [local, name] of Object.entries(bufferNames)) this.buffers[name] = layer.buffers![local];
  }

  /** The layers in forward order, without the loss layer: read access for code that walks a
   *  network's structure, such as the ONNX export. A copy, since only the constructor adds layers.
   *  (They run in this order but for a Relu before a max Pooling, which runs after it, and a
   *  Convolution, the max Pooling after it and a Relu after that, which run as one step; the same
   *  results: see execution-order.ts.) */
  get layerList(): readonly Layer[] {
    return [...this.layers];
  }

  /** Class scores (N, classes), as a new tensor the caller owns. Large inputs run in chunks of
   *  evalBatchSize samples, so layer buffers stay the size of one chunk. */
  predict(x: Tensor, train = false): Tensor {
    const caller = `${this.name}.predict`;
    const n = this.#checkInput(caller, x, train);
    const size = this.#evalChunk(caller);
    const out = empty([n, this.classes]);
    const k = kernels();
    this.#chunks(x, size, (chunk, start) => {
      const y = this.scores(chunk, train);
      k.f32_copy(y.offset, out.offset + start * this.classes * 4, y.size);
    });
    return out;
  }

  /** The mean loss of the batch (plus any regularization a subclass adds). */
  loss(x: Tensor, t: Tensor, train = false): number {
    return this.#loss(`${this.name}.loss`, x, t, train);
  }

  // loss() under the name of the method the user called (loss or gradient)
  #loss(caller: string, x: Tensor, t: Tensor, train: boolean): number {
    const n = this.#checkInput(caller, x, train);
    this.lastLayer.checkTargets(caller, t, n, this.classes);
    this.#lastLoss = this.lastLayer.forward(this.scores(x, train), t) + this.penalty();
    return this.#lastLoss;
  }

  /** The loss of the last loss() or gradient() call (gradient computes it on the way). */
  get lastLoss(): number {
    return this.#lastLoss;
  }

  /** The fraction of samples whose highest score is their label (softmax-cross-entropy), or
   *  of units whose decision at ½ is right (sigmoid-cross-entropy); in chunks, as predict. A
   *  mean-squared-error network has no accuracy: evaluate() gives its mean absolute error. */
  accuracy(x: Tensor, t: Tensor): number {
    const caller = `${this.name}.accuracy`;
    if (this.lossName === 'mean-squared-error') {
      throw new ValueError(`${caller}: a mean-squared-error network's outputs are values, not classes, so it has no accuracy; ` +
        'use evaluate(x, t) for its loss and meanAbsoluteError');
    }
    return this.#measure(caller, x, t, false).metric;
  }

  /**
   * The mean loss as loss() computes it (regularization included) and, by the loss, the accuracy
   * (`{ loss, accuracy }`) or the mean absolute error over all N·k outputs (`{ loss,
   * meanAbsoluteError }`, mean-squared-error), over all of x in chunks of evalBatchSize samples.
   */
  evaluate(x: Tensor, t: Tensor): Evaluation {
    const { loss, metric } = this.#measure(`${this.name}.evaluate`, x, t, true);
    return this.lossName === 'mean-squared-error' ? { loss, meanAbsoluteError: metric } : { loss, accuracy: metric };
  }

  // One evaluation-mode pass over x in chunks: the mean loss (when asked) and the tally's mean.
  #measure(caller: string, x: Tensor, t: Tensor, withLoss: boolean): { loss: number; metric: number } {
    const n = this.#checkInput(caller, x, false);
    const form = checkTargets(caller, this.lossName, t, n, this.classes);
    const size = this.#evalChunk(caller);
    const total: Tally = { sum: 0, count: 0 };
    let lossSum = 0;
    this.#chunks(x, size, (chunk, start) => {
      const count = chunk.shape[0];
      const targets = rowsView(t, start, count);
      try {
        const y = this.scores(chunk, false);
        // NOTE: the loss layer keeps y for a backward that will not come; it only reads it
        if (withLoss) lossSum += this.lastLayer.forward(y, targets) * count;
        const { sum, count: seen } = tally(this.lossName, y, targets, form, 0);
        total.sum += sum;
        total.count += seen;
      } finally {
        targets.dispose();
      }
    });
    return { loss: withLoss ? lossSum / n + this.penalty() : NaN, metric: total.sum / total.count };
  }

  /** The probabilities the scores stand for, (N, k), as a new tensor: softmax over each row
   *  (softmax-cross-entropy) or σ of each unit (sigmoid-cross-entropy). */
  probabilities(x: Tensor): Tensor {
    if (this.lossName === 'mean-squared-error') {
      throw new ValueError(`${this.name}.probabilities: a mean-squared-error network's outputs are values, not probabilities; ` +
        'predict(x) gives them');
    }
    const scores = this.predict(x);
    toProbabilities(this.lossName, scores);
    return scores;
  }

  /** The correct decisions (or, for mean-squared-error, the sum of absolute errors) of the last
   *  gradient() call's batch against its targets t, from the outputs it computed: what training
   *  measures "as trained", without another forward pass. Undefined before any gradient(). */
  batchTally(t: Tensor): Tally | undefined {
    const y = (this.lastLayer as { y?: Tensor }).y;
    if (!y || y.disposed || t.shape[0] !== y.shape[0]) return undefined;
    const form = checkTargets(`${this.name}.batchTally`, this.lossName, t, y.shape[0], this.classes);
    // the loss layer's y: softmax or sigmoid probabilities, or the outputs themselves
    return tally(this.lossName, y, t, form, 0.5);
  }

  /** Samples per forward pass in predict(), accuracy() and evaluate(): the usual training batch, so the
   *  layers reuse the buffers training already sized (a convolution over 10 000 images at once
   *  would need gigabytes for its im2col matrix). */
  evalBatchSize = 100;

  // evalBatchSize, checked (it is a writable field) before predict or accuracy allocates anything
  #evalChunk(caller: string): number {
    const size = this.evalBatchSize;
    if (!Number.isInteger(size) || size < 1) throw new ValueError(`${caller}: evalBatchSize must be a positive integer, got ${describe(size)}`);
    return size;
  }

  // Runs `run` on views of `size` consecutive rows of x; each view is disposed after use, so
  // disposing x frees its memory at once rather than when the views are garbage-collected.
  #chunks(x: Tensor, size: number, run: (chunk: Tensor, start: number) => void): void {
    const n = x.shape[0];
    for (let start = 0; start < n; start += size) {
      const chunk = rowsView(x, start, Math.min(size, n - start));
      try {
        run(chunk, start);
      } finally {
        chunk.dispose();
      }
    }
  }

  /** Backprop gradients by parameter name. The tensors belong to the layers and are overwritten
   *  by the next call; clone them to keep them. */
  gradient(x: Tensor, t: Tensor): Record<string, Tensor> {
    this.#loss(`${this.name}.gradient`, x, t, true);
    let dout = this.lastLayer.backward(1);
    for (let i = this.#order.length - 1; i > 0; i--) dout = this.#order[i].backward(dout);
    const first = this.#order[0];
    if (first.backwardParams) first.backwardParams(dout);
    else first.backward(dout);
    for (const { name, layer, local } of this.#bindings) this.#grads[name] = layer.grads[local];
    this.addPenaltyGradients(this.#grads);
    return this.#grads;
  }

  /** Gradients by central differences (slow: two losses per parameter element); new tensors. */
  numericalGradient(x: Tensor, t: Tensor, h?: number): Record<string, Tensor> {
    // Dropout must keep one mask while x ± h are compared, or the difference measures the masks.
    const stochastic = this.layers.filter((l) => l.replayRandomness !== undefined);
    for (const l of stochastic) l.replayRandomness = true;
    try {
      const grads: Record<string, Tensor> = {};
      for (const [name, p] of Object.entries(this.params)) grads[name] = numericalGradient(() => this.loss(x, t, true), p, h);
      return grads;
    } finally {
      for (const l of stochastic) l.replayRandomness = false;
    }
  }

  /** Gives each stochastic layer, in order, its own seed drawn from one stream seeded by `seed`. */
  reseed(seed: number): void {
    const rng = createRng(seed);
    for (const layer of this.layers) layer.reseed?.(rng.nextUint32());
  }

  /** Frees the parameters and every layer buffer. The network is unusable afterwards. */
  dispose(): void {
    this.#disposed = true;
    for (const layer of new Set([...this.layers, ...this.#order])) layer.dispose(); // and the joined steps
    for (const p of Object.values(this.params)) p.dispose();
    for (const b of Object.values(this.buffers)) b.dispose();
    this.lastLayer.dispose();
  }

  /** Extra loss terms (weight decay); none by default. */
  protected penalty(): number {
    return 0;
  }

  /** Gradients of penalty(), added into the layers' gradients; none by default. */
  protected addPenaltyGradients(_grads: Record<string, Tensor>): void {}

  // The forward pass; its callers have run #checkInput on x (or on the x a chunk is a view of).
  private scores(x: Tensor, train: boolean): Tensor {
    let out = x;
    for (const layer of this.#order) out = layer.forward(out, train);
    return out;
  }

  // The checks of predict, loss, gradient and accuracy, before anything changes: a live network,
  // a boolean train flag, x of the input shape (checkX) and finite (checkFinite).
  #checkInput(caller: string, x: Tensor, train: boolean): number {
    if (this.#disposed) throw new ValueError(`${caller}: the network was disposed`);
    // NOTE: a tensor the user disposed (net.params.W2.dispose()) would otherwise be reported by the
    // layer that reads it, not by the call the user made
    for (const [kind, record] of [['parameter', this.params], ['buffer', this.buffers]] as const) {
      for (const [name, t] of Object.entries(record)) if (t.disposed) throw new ValueError(`${caller}: ${kind} ${name} was disposed`);
    }
    if (typeof train !== 'boolean') throw new ValueError(`${caller}: train must be a boolean, got ${describe(train)}`);
    const n = this.checkX(caller, x);
    checkFinite(caller, x, n);
    return n;
  }

  // x must be (N, ...inputShape) with N >= 1; a flat inputShape also takes (N, ...) of the same
  // size per sample (Affine flattens), an image shape must match exactly. Returns N.
  private checkX(caller: string, x: Tensor): number {
    checkTensor(`${caller}: x`, x);
    const features = shapeSize(this.inputShape);
    const n = x.shape[0];
    const image = this.inputShape.length > 1;
    if (x.shape.length < 2 || !(n >= 1) || x.size / n !== features ||
        (image && (x.shape.length !== this.inputShape.length + 1 || this.inputShape.some((d, i) => x.shape[i + 1] !== d)))) {
      throw new ShapeError(`${caller}: x must be (N, ${this.inputShape.join(', ')}) with N >= 1 ` +
        `(${features} features per sample), got ${formatShape(x.shape)}`);
    }
    return n;
  }
}
