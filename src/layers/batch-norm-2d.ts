// Per-channel batch normalization, as PyTorch's BatchNorm2d: for an (N, C, H, W) input, the mean
// and the biased variance of each channel over N, H and W normalize it in training; the running
// estimates (mean from 0, variance from 1) take the unbiased variance. The momentum is the book's:
// running = m·running + (1 − m)·batch, so m = 0.9 is PyTorch's momentum 0.1.
import { checkTensor, empty, ones, zeros, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { attribute } from '../formats/onnx-layers.js';
import { batchNorm2dBackward, batchNorm2dForward, channelStats, updateRunning } from '../ops/norm.js';
import { LayerBuffer } from './buffer.js';
import { checkNormArguments, checkNormBackward, type NormTrained } from './norm-checks.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { images, specOptions } from './spec-checks.js';
import { boolean, finite, options as checkOptions } from '../options.js';
import { ShapeError } from '../errors.js';
import { pyRounded } from '../formats/python.js';

/** Options of BatchNorm2d. */
export interface BatchNorm2dOptions {
  /** running = momentum·running + (1 − momentum)·batch; default 0.9 (PyTorch's 0.1). */
  momentum?: number;
  /** Added to the variance under the square root; default 1e-5 (PyTorch's). */
  eps?: number;
  /** Running statistics to share (else the layer makes its own: mean 0, variance 1). */
  runningMean?: Tensor;
  runningVar?: Tensor;
}

/**
 * Batch normalization per channel of an (N, C, H, W) input (PyTorch's BatchNorm2d): gamma and beta
 * have C entries. Training normalizes with the batch's statistics over (N, H, W) and updates the
 * running ones; `forward(x, false)` uses the running ones. `backward` sets `dgamma` and `dbeta`.
 */
export class BatchNorm2d implements Layer {
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
  readonly #unbiased: Tensor;
  readonly #xn = new LayerBuffer();
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #trained: NormTrained | undefined;
  readonly #ownsRunning: boolean;

  constructor(gamma: Tensor, beta: Tensor, options: BatchNorm2dOptions = {}) {
    const { momentum = 0.9, eps = 1e-5, runningMean, runningVar } = checkOptions('BatchNorm2d', options, ['momentum', 'eps', 'runningMean', 'runningVar']);
    checkNormArguments('BatchNorm2d', gamma, beta, momentum, eps, runningMean, runningVar, { entries: ' (one entry per channel)', paired: true });
    const C = gamma.size;
    this.gamma = gamma;
    this.beta = beta;
    this.momentum = momentum;
    this.eps = eps;
    this.#ownsRunning = runningMean === undefined;
    this.runningMean = runningMean ?? zeros([C]);
    this.runningVar = runningVar ?? ones([C]);
    this.dgamma = empty([C]);
    this.dbeta = empty([C]);
    this.#mean = empty([C]);
    this.#variance = empty([C]);
    this.#unbiased = empty([C]);
    this.params = { gamma, beta };
    this.grads = { gamma: this.dgamma, beta: this.dbeta };
    this.buffers = { runningMean: this.runningMean, runningVar: this.runningVar };
  }

  forward(x: Tensor, train = true): Tensor {
    checkTensor('BatchNorm2d.forward: x', x);
    boolean('BatchNorm2d.forward', 'train', train);
    const C = this.gamma.size;
    const [N, channels, H, W] = x.shape;
    if (x.shape.length !== 4 || channels !== C || !(N >= 1) || !(H >= 1) || !(W >= 1)) {
      throw new ShapeError(`BatchNorm2d.forward: expected x of shape (N, ${C}, H, W) with N, H, W >= 1, got ${formatShape(x.shape)}`);
    }
    const M = N * H * W;
    // NOTE: as PyTorch: one value per channel has no variance to normalize with (nor an unbiased one)
    if (train && M < 2) throw new ShapeError(`BatchNorm2d.forward: training needs more than one value per channel, got x ${formatShape(x.shape)}`);
    const y = this.#out.get(x.shape, x);
    if (!train) {
      batchNorm2dForward(x, this.runningMean, this.runningVar, this.gamma, this.beta, undefined, y, this.eps);
      return y;
    }
    const xn = this.#xn.get(x.shape, x);
    channelStats(x, this.#mean, this.#variance);
    batchNorm2dForward(x, this.#mean, this.#variance, this.gamma, this.beta, xn, y, this.eps);
    updateRunning(this.#mean, this.runningMean, this.momentum);
    updateRunning(this.#variance, this.runningVar, this.momentum, M / (M - 1), this.#unbiased);
    this.#trained = { xn, shape: x.shape };
    return y;
  }

  backward(dout: Tensor): Tensor {
    const state = checkNormBackward('BatchNorm2d', this.#trained, dout);
    const dx = this.#dx.get(dout.shape, dout);
    batchNorm2dBackward(dout, state.xn, this.#variance, this.gamma, dx, this.dgamma, this.dbeta, this.eps);
    return dx;
  }

  dispose(): void {
    for (const t of [this.dgamma, this.dbeta, this.#mean, this.#variance, this.#unbiased]) t.dispose();
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

export interface BatchNorm2dSpec {
  kind: 'batchNorm2d';
  momentum?: number;
  eps?: number;
}

/** Per-channel batch normalization of images (gamma has C entries); numbered with batch norms. */
export const batchNorm2dKind: LayerKind<BatchNorm2dSpec, BatchNorm2d> = {
  kind: 'batchNorm2d',
  layerClass: BatchNorm2d,
  numbering: 'batchNorm',
  normalize(where, spec) {
    const s = specOptions(where, spec, { momentum: 0.9, eps: 1e-5 });
    finite(where, 'momentum', s.momentum, 0, 1);
    finite(where, 'eps', s.eps, Number.MIN_VALUE, 1, true);
    return s as BatchNorm2dSpec;
  },
  outputShape: (where, _spec, input) => images(where, input),
  tensors(_spec, input) {
    const c = [input[0]];
    return { params: { gamma: c, beta: c }, buffers: { runningMean: c, runningVar: c } };
  },
  create: (spec, input) => new BatchNorm2d(ones([input[0]]), zeros([input[0]]), { momentum: spec.momentum, eps: spec.eps }),
  // ONNX's BatchNormalization is per channel (axis 1) already
  onnx(layer, x, c) {
    if (x.shape.length !== 3 || x.shape[0] !== layer.gamma.size) {
      throw new ShapeError(`${c.where}: expects images (${layer.gamma.size}, H, W) per sample, got ${formatShape(x.shape)} from the layer before`);
    }
    const inputs = [x.name, c.weight(layer.gamma, 'gamma'), c.weight(layer.beta, 'beta'), c.weight(layer.runningMean, 'runningMean'), c.weight(layer.runningVar, 'runningVar')];
    return { name: c.graph.node('BatchNormalization', inputs, [attribute.float('epsilon', layer.eps)]), shape: x.shape };
  },
  pytorch: {
    // PyTorch's momentum weighs the batch: 1 − m
    module: (l) => {
      const s = l.spec as BatchNorm2dSpec;
      return `nn.BatchNorm2d(${l.input[0]}, eps=${s.eps}, momentum=${pyRounded(1 - s.momentum!)})`;
    },
    keys: { gamma: 'weight', beta: 'bias', runningMean: 'running_mean', runningVar: 'running_var' },
  },
};
