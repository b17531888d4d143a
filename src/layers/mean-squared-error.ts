// The book's mean squared error on an identity output, as a loss layer: 0.5·Σ(y − t)² summed over
// the outputs of each sample and averaged over the batch; its backward is (y − t)·dout / N.
// (The book's mean_squared_error function does not divide by N; this layer does, as
// SoftmaxWithLoss does, so both losses scale the same with the batch size.)
import { kernels } from '../backend/runtime.js';
import { checkLabels } from '../labels.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import { checkTargets, type TargetForm } from './targets.js';
import { backwardState, type LossLayer } from './loss.js';
import { ShapeError } from '../errors.js';

/** Loss layer: identity output with the mean squared error 0.5·Σ(y − t)², summed over each
 *  sample's outputs and averaged over the batch (Sequential's loss 'mean-squared-error'). */
export class MeanSquaredError implements LossLayer {
  readonly #y = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #state: { y: Tensor; t: Tensor; form: TargetForm } | undefined;
  /** The mean loss of the last forward. */
  loss = NaN;

  /** Targets are reals shaped like the output (N, C), or (N) when C = 1; with C > 1, integer
   *  labels (N) stand for one-hot rows. */
  checkTargets(caller: string, t: unknown, n: number, outputs: number): void {
    checkTargets(caller, 'mean-squared-error', t, n, outputs);
  }

  /** The outputs x (N, C) as they are (identity) and the mean loss against t: (N, C) real
   *  targets, or integer labels (N) standing for one-hot rows. */
  forward(x: Tensor, t: Tensor): number {
    checkTensor('MeanSquaredError.forward: x', x);
    if (x.shape.length !== 2 || x.shape[0] === 0 || x.shape[1] === 0) {
      throw new ShapeError(`MeanSquaredError.forward: x must be (N, C) outputs with N, C >= 1, got ${formatShape(x.shape)}`);
    }
    const [n, outputs] = x.shape;
    const form = checkTargets('MeanSquaredError.forward', 'mean-squared-error', t, n, outputs);
    const y = this.#y.get(x.shape, x, t);
    const k = kernels();
    k.f32_copy(x.offset, y.offset, x.size);
    const sum = form === 'indices' ? k.f32_mse_labels_fwd(y.offset, t.offset, n, outputs) : k.f32_mse_fwd(y.offset, t.offset, y.size);
    this.#state = { y, t, form };
    this.loss = sum / n;
    return this.loss;
  }

  /** (y − t)·dout / N, in the shape of x. */
  backward(dout = 1): Tensor {
    const state = backwardState('MeanSquaredError', this.#state, dout);
    const { y, t, form } = state;
    const [n, outputs] = y.shape;
    // NOTE: labels are checked again: the kernel writes dx at each label's column, and t may have
    // been written since forward (a label out of range would write outside dx)
    if (form === 'indices') checkLabels('MeanSquaredError.backward', t, n, outputs);
    const dx = this.#dx.get(y.shape);
    // NOTE: the softmax layer's backward kernels compute exactly (y − t)·scale, t labels or rows
    const k = kernels();
    if (form === 'indices') k.f32_softmax_xent_labels_bwd(y.offset, t.offset, dx.offset, n, outputs, dout / n);
    else k.f32_softmax_xent_onehot_bwd(y.offset, t.offset, dx.offset, n, outputs, dout / n);
    return dx;
  }

  /** The output of the last forward (a copy of x, owned by the layer). */
  get y(): Tensor | undefined {
    return this.#state?.y;
  }

  /** Frees the layer's buffers. */
  dispose(): void {
    this.#y.dispose();
    this.#dx.dispose();
    this.#state = undefined;
  }
}
