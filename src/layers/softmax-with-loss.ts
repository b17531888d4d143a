// Softmax followed by the cross-entropy loss, as one layer: its backward is simply (y - t) / N.
import { kernels } from '../backend/runtime.js';
import { checkLabels } from '../labels.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import { checkTargets, type TargetForm } from './targets.js';
import { backwardState, type LossLayer } from './loss.js';
import { ShapeError } from '../errors.js';

/**
 * Softmax and the cross-entropy loss as one layer, as in the book: `forward(x, t)` returns the
 * mean loss `-Σ log(y[i, tᵢ] + 1e-7) / N` for labels `t` given as classes `(N)` or one-hot rows
 * `(N, C)`; `backward(dout = 1)` returns `dout · (y − onehot(t)) / N`.
 */
export class SoftmaxWithLoss implements LossLayer {
  readonly #y = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #state: { y: Tensor; t: Tensor; form: TargetForm } | undefined;
  /** The mean loss of the last forward. */
  loss = NaN;

  /** Targets are class indices (N) or one-hot rows (N, C). */
  checkTargets(caller: string, t: unknown, n: number, classes: number): void {
    checkTargets(caller, 'softmax-cross-entropy', t, n, classes);
  }

  /** Softmax of the scores x (N, C) and the mean cross-entropy against t. */
  forward(x: Tensor, t: Tensor): number {
    checkTensor('SoftmaxWithLoss.forward: x', x);
    if (x.shape.length !== 2 || x.shape[0] === 0 || x.shape[1] === 0) {
      throw new ShapeError(`SoftmaxWithLoss.forward: x must be (N, C) scores with N, C >= 1, got ${formatShape(x.shape)}`);
    }
    const [n, classes] = x.shape;
    const form = checkTargets('SoftmaxWithLoss.forward', 'softmax-cross-entropy', t, n, classes);
    const y = this.#y.get(x.shape, x, t);
    const k = kernels();
    k.f32_softmax_fwd(x.offset, y.offset, n, classes);
    const sum = form === 'indices'
      ? k.f32_xent_labels_fwd(y.offset, t.offset, n, classes)
      : k.f32_xent_onehot_fwd(y.offset, t.offset, n, classes);
    this.#state = { y, t, form };
    this.loss = sum / n;
    return this.loss;
  }

  /** (y - onehot(t))·dout / N, in the shape of x. */
  backward(dout = 1): Tensor {
    const state = backwardState('SoftmaxWithLoss', this.#state, dout, 'labels');
    const { y, t } = state;
    const [n, classes] = y.shape;
    // NOTE: checked again: the kernel writes dx at each label's column, and t may have been
    // written since forward (a label out of range would write outside dx)
    const form = checkLabels('SoftmaxWithLoss.backward', t, n, classes);
    const dx = this.#dx.get(y.shape);
    const k = kernels();
    if (form === 'indices') k.f32_softmax_xent_labels_bwd(y.offset, t.offset, dx.offset, n, classes, dout / n);
    else k.f32_softmax_xent_onehot_bwd(y.offset, t.offset, dx.offset, n, classes, dout / n);
    return dx;
  }

  /** The softmax output of the last forward (owned by the layer). */
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
