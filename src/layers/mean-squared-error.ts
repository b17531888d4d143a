// The book's mean squared error on an identity output, as a loss layer: 0.5·Σ(y − t)² summed over
// the outputs of each sample and averaged over the batch; its backward is (y − t)·dout / N.
// (The book's mean_squared_error function does not divide by N; this layer does, as
// SoftmaxWithLoss does, so both losses scale the same with the batch size.)
import { kernels } from '../backend/runtime.js';
import { checkLabels, type LabelForm } from '../labels.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import { backwardState, type LossLayer } from './loss.js';
import { ShapeError, ValueError } from '../errors.js';

/** Loss layer: identity output with the mean squared error 0.5·Σ(y − t)², summed over each
 *  sample's outputs and averaged over the batch (Sequential's loss 'mean-squared-error'). */
export class MeanSquaredError implements LossLayer {
  readonly #y = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #state: { y: Tensor; t: Tensor; form: LabelForm } | undefined;
  /** The mean loss of the last forward. */
  loss = NaN;

  /** Targets are (N, C) reals or integer labels (N) standing for one-hot rows. */
  checkTargets(caller: string, t: unknown, n: number, outputs: number): void {
    targetForm(caller, t, n, outputs);
  }

  /** The outputs x (N, C) as they are (identity) and the mean loss against t: (N, C) real
   *  targets, or integer labels (N) standing for one-hot rows. */
  forward(x: Tensor, t: Tensor): number {
    checkTensor('MeanSquaredError.forward: x', x);
    if (x.shape.length !== 2 || x.shape[0] === 0 || x.shape[1] === 0) {
      throw new ShapeError(`MeanSquaredError.forward: x must be (N, C) outputs with N, C >= 1, got ${formatShape(x.shape)}`);
    }
    const [n, outputs] = x.shape;
    const form = targetForm('MeanSquaredError.forward', t, n, outputs);
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

function targetForm(caller: string, t: unknown, n: number, outputs: number): LabelForm {
  const targets = checkTensor(`${caller}: t`, t);
  if (targets.shape.length === 2 && (targets.shape[0] !== n || targets.shape[1] !== outputs)) {
    throw new ShapeError(`${caller}: t must be (${n}, ${outputs}) targets like x, or (${n}) labels, got ${formatShape(targets.shape)}`);
  }
  if (targets.shape.length !== 2) return checkLabels(caller, targets, n, outputs);
  // (N, C) targets are any finite values (a regression's), not only one-hot rows
  const data = targets.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new ValueError(`${caller}: t must be finite, got ${data[i]} at flat index ${i}`);
  }
  return 'onehot';
}
