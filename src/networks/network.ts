// What the book's networks share: a stack of layers with named parameters, a SoftmaxWithLoss on
// top, predict/loss/accuracy, and gradient() as one backward sweep in reverse.
import { kernels } from '../backend/runtime.js';
import { numericalGradient } from '../numerical-gradient.js';
import { checkLabels, labelIndices } from '../labels.js';
import { LayerBuffer } from '../layers/buffer.js';
import type { Layer } from '../layers/layer.js';
import type { LossLayer } from '../layers/loss.js';
import { SoftmaxWithLoss } from '../layers/softmax-with-loss.js';
import { executionOrder } from '../layers/fusion.js';
import { kindOfLayer } from '../layers/registry.js';
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

export abstract class LayerNet implements Network {
  readonly params: Record<string, Tensor> = {};
  readonly buffers: Record<string, Tensor> = {};
  protected readonly layers: Layer[] = [];
  #order: Layer[] = []; // the layers as they run (layers/fusion.ts)
  readonly #bindings: Binding[] = [];
  readonly #grads: Record<string, Tensor> = {};
  readonly #predicted = new LayerBuffer();
  #lastLoss = NaN;
  #disposed = false;

  /** `inputShape` is one sample's shape: [784] or [1, 28, 28]. */
  protected constructor(private readonly name: string, readonly inputShape: Shape, readonly classes: number,
                        protected readonly lastLayer: LossLayer = new SoftmaxWithLoss()) {}

  /** Appends a layer; `names` maps its parameters to the network's names ({ W: 'W1', b: 'b1' }),
   *  `bufferNames` its buffers ({ runningMean: 'runningMean1' }). */
  protected addLayer(layer: Layer, names: Record<string, string> = {}, bufferNames: Record<string, string> = {}): void {
    this.layers.push(layer);
    this.#order = executionOrder(this.layers, kindOfLayer);
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
   *  results: see layers/fusion.ts.) */
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

  /** Fraction of samples whose highest score is their label (in chunks, as predict); for
   *  independent sigmoid units, the fraction of correct unit decisions. */
  accuracy(x: Tensor, t: Tensor): number {
    const caller = `${this.name}.accuracy`;
    const n = this.#checkInput(caller, x, false);
    if (this.lastLayer.countCorrect) {
      this.lastLayer.checkTargets(caller, t, n, this.classes);
      const scores = this.predict(x);
      try {
        const { correct, total } = this.lastLayer.countCorrect(scores, t);
        return correct / total;
      } finally {
        scores.dispose();
      }
    }
    const labels = labelIndices(t, checkLabels(caller, t, n, this.classes));
    const size = this.#evalChunk(caller);
    const predicted = this.#predicted.get([n]);
    const k = kernels();
    this.#chunks(x, size, (chunk, start) => {
      const y = this.scores(chunk, false);
      k.f32_argmax_rows(y.offset, predicted.offset + start * 4, chunk.shape[0], this.classes);
    });
    const p = predicted.data;
    let correct = 0;
    for (let i = 0; i < n; i++) if (p[i] === labels[i]) correct++;
    return correct / n;
  }

  /** Samples per forward pass in predict() and accuracy(): the usual training batch, so the
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
    this.#predicted.dispose();
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

/**
 * Throws unless every value of x (N samples) is finite: NaN or Infinity in the data would
 * otherwise come out as a NaN loss, NaN gradients and NaN parameters after the next update (and
 * NaN batch-norm running statistics already in the forward pass).
 * NOTE: one SIMD pass (f32_all_finite); only bad data pays for the element-by-element scan that
 * finds the culprit. Measured on a batch of 100 MNIST images (78 400 floats): 6 µs, against 18 µs
 * for a sum of squares (one dependent chain of additions) and 75-90 µs for a loop over x.data in
 * JS; a TwoLayerNet 784-50-10 step takes ~450 µs.
 */
export function checkFinite(caller: string, x: Tensor, n: number): void {
  if (kernels().f32_all_finite(x.offset, x.size)) return;
  const data = x.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ValueError(`${caller}: x must be finite, got ${data[i]} at flat index ${i} (sample ${Math.floor(i / (data.length / n))})`);
    }
  }
}
