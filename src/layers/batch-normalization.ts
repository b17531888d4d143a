// Batch normalization (the book's BatchNormalization): per-feature statistics over the batch.
// An (N, C, H, W) input is read as (N, C·H·W), so gamma and beta have C·H·W entries, as in the book.
// NOTE: eps = 1e-6 inside the square root (the book writes 10e-7).
import { batchNormBackward, batchNormInfer, batchNormTrain, type BatchNormState } from '../ops/norm.js';
import { checkTensor, empty, ones, zeros, type Tensor } from '../tensor.js';
import { formatShape, shapeSize } from '../shape.js';
import { attribute, checkFeatures, flatten } from '../formats/onnx-layers.js';
import { LayerBuffer } from './buffer.js';
import { checkNormArguments, checkNormBackward, type NormTrained } from './norm-checks.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { specOptions } from './spec-checks.js';
import { boolean, finite } from '../options.js';
import { ShapeError } from '../errors.js';
import { pyNumber } from '../formats/python.js';

/** The default epsilon inside the square root, √(var + eps). */
export const EPS = 1e-6;

/**
 * The book's batch normalization: per-feature batch mean and biased variance in training (an
 * `(N, C, H, W)` input is read as `(N, C·H·W)`), the running statistics (`running = m·running +
 * (1 - m)·batch`, starting at zero) at test time, `std = √(var + 1e-6)`. `backward` sets `dgamma`
 * and `dbeta`. Given running statistics are shared, else the layer makes its own.
 */
export class BatchNormalization implements Layer {
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly momentum: number;
  readonly eps: number;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly dgamma: Tensor;
  readonly dbeta: Tensor;
  readonly params: { gamma: Tensor; beta: Tensor };
  readonly grads: { gamma: Tensor; beta: Tensor };
  readonly buffers: { runningMean: Tensor; runningVar: Tensor };
  readonly #mean: Tensor; // the last training batch's statistics
  readonly #variance: Tensor;
  readonly #xn = new LayerBuffer();
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #trained: NormTrained | undefined;
  readonly #ownsRunning: boolean;

  constructor(gamma: Tensor, beta: Tensor, momentum = 0.9, runningMean?: Tensor, runningVar?: Tensor, eps = EPS) {
    checkNormArguments('BatchNormalization', gamma, beta, momentum, eps, runningMean, runningVar);
    const d = gamma.size;
    this.gamma = gamma;
    this.beta = beta;
    this.momentum = momentum;
    this.eps = eps;
    // the book starts the running statistics at zero
    this.#ownsRunning = runningMean === undefined;
    this.runningMean = runningMean ?? zeros([d]);
    this.runningVar = runningVar ?? zeros([d]);
    this.dgamma = empty([d]);
    this.dbeta = empty([d]);
    this.#mean = empty([d]);
    this.#variance = empty([d]);
    this.params = { gamma, beta };
    this.grads = { gamma: this.dgamma, beta: this.dbeta };
    this.buffers = { runningMean: this.runningMean, runningVar: this.runningVar };
  }

  forward(x: Tensor, train = true): Tensor {
    checkTensor('BatchNormalization.forward: x', x);
    boolean('BatchNormalization.forward', 'train', train);
    const d = this.gamma.size;
    const n = x.shape[0];
    if (x.shape.length < 2 || !(n >= 1) || x.size / n !== d) {
      throw new ShapeError(`BatchNormalization.forward: expected x of shape (N, ${d}) or (N, ...) with ${d} features per sample ` +
        `and N >= 1, got ${formatShape(x.shape)}`);
    }
    const y = this.#out.get(x.shape, x);
    if (train) {
      const xn = this.#xn.get(x.shape, x);
      batchNormTrain(x, this.#state(), xn, y, this.eps, this.momentum);
      this.#trained = { xn, shape: x.shape };
    } else {
      batchNormInfer(x, this.#state(), y, this.eps);
    }
    return y;
  }

  backward(dout: Tensor): Tensor {
    const state = checkNormBackward('BatchNormalization', this.#trained, dout);
    const dx = this.#dx.get(dout.shape, dout);
    batchNormBackward(dout, state.xn, this.#state(), dx, this.dgamma, this.dbeta, this.eps);
    return dx;
  }

  // the tensors the kernels read and update
  #state(): BatchNormState {
    return { gamma: this.gamma, beta: this.beta, runningMean: this.runningMean, runningVar: this.runningVar, mean: this.#mean, variance: this.#variance };
  }

  dispose(): void {
    for (const t of [this.dgamma, this.dbeta, this.#mean, this.#variance]) t.dispose();
    if (this.#ownsRunning) {
      this.runningMean.dispose();
      this.runningVar.dispose();
    }
    this.#xn.dispose();
    this.#out.dispose();
    this.#dx.dispose();
    this.#trained = undefined;
  }
}

/** The spec of batchNorm({ momentum, eps }): the book's batch normalization per feature. */
export interface BatchNormSpec {
  kind: 'batchNorm';
  momentum?: number;
  eps?: number;
}

/** The book's batch normalization: per feature over the flattened input (gamma has C·H·W entries). */
export const batchNormKind: LayerKind<BatchNormSpec, BatchNormalization> = {
  kind: 'batchNorm',
  layerClass: BatchNormalization,
  numbering: 'batchNorm',
  normalize(where, spec) {
    const s = specOptions(where, spec, { momentum: 0.9, eps: EPS });
    finite(where, 'momentum', s.momentum, 0, 1);
    finite(where, 'eps', s.eps, Number.MIN_VALUE, 1, true);
    return s as BatchNormSpec;
  },
  outputShape: (_where, _spec, input) => input,
  tensors(_spec, input) {
    const d = [shapeSize(input)];
    return { params: { gamma: d, beta: d }, buffers: { runningMean: d, runningVar: d } };
  },
  create(spec, input) {
    const d = shapeSize(input);
    return new BatchNormalization(ones([d]), zeros([d]), spec.momentum, undefined, undefined, spec.eps);
  },
  // Per feature, with the running statistics: on (N, features), where ONNX's channel axis 1 is the
  // feature axis; an image input is flattened first and reshaped back after, as the book's layer does.
  pytorch: {
    module: (l) => {
      const s = l.spec as BatchNormSpec;
      return `BookBatchNorm(${shapeSize(l.input)}, ${pyNumber(s.momentum!)}, ${pyNumber(s.eps!)})`;
    },
    keys: { gamma: 'gamma', beta: 'beta', runningMean: 'running_mean', runningVar: 'running_var' },
  },
  onnx(layer, x, c) {
    checkFeatures(c, x, layer.gamma.size, `gamma ${formatShape(layer.gamma.shape)}`);
    const inputs = [flatten(c, x), c.weight(layer.gamma, 'gamma'), c.weight(layer.beta, 'beta'),
      c.weight(layer.runningMean, 'runningMean'), c.weight(layer.runningVar, 'runningVar')];
    const y = c.graph.node('BatchNormalization', inputs, [attribute.float('epsilon', layer.eps)]);
    if (x.shape.length === 1) return { name: y, shape: x.shape };
    const shape = c.graph.int64s('batchnorm_shape', [-1, ...x.shape]);
    return { name: c.graph.node('Reshape', [y, shape]), shape: x.shape };
  },
};
