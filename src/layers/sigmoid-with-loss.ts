// A sigmoid output followed by the binary cross-entropy, as one layer (one unit, or several
// independent ones for multi-label targets): the loss is summed over the units and averaged over
// the batch, and the backward is simply (σ(x) − t)·dout / N.
import { kernels } from '../backend/runtime.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import { checkTargets } from './targets.js';
import { backwardState, type LossLayer } from './loss.js';
import { ShapeError } from '../errors.js';

/** Loss layer: sigmoid output with binary cross-entropy, summed over the units and averaged
 *  over the batch; one unit for two classes, several for multi-label targets (Sequential's loss
 *  'sigmoid-cross-entropy'). */
export class SigmoidWithLoss implements LossLayer {
  readonly #y = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #state: { y: Tensor; t: Tensor } | undefined;
  /** The mean loss of the last forward. */
  loss = NaN;

  /** Targets are (N, C) in [0, 1], or (N) in [0, 1] when C = 1. */
  checkTargets(caller: string, t: unknown, n: number, units: number): void {
    checkTargets(caller, 'sigmoid-cross-entropy', t, n, units);
  }

  /** σ of the scores x (N, C) and the mean binary cross-entropy against t: (N, C) targets in
   *  [0, 1], or (N) labels 0/1 when C = 1.
   *  NOTE: the loss comes from the logits x (softplus(x) − t·x, f32_sigmoid_xent_fwd), not from
   *  σ(x): it stays finite and accurate where σ(x) rounds to 0 or 1 in float32. */
  forward(x: Tensor, t: Tensor): number {
    checkTensor('SigmoidWithLoss.forward: x', x);
    if (x.shape.length !== 2 || x.shape[0] === 0 || x.shape[1] === 0) {
      throw new ShapeError(`SigmoidWithLoss.forward: x must be (N, C) scores with N, C >= 1, got ${formatShape(x.shape)}`);
    }
    const [n, units] = x.shape;
    checkTargets('SigmoidWithLoss.forward', 'sigmoid-cross-entropy', t, n, units);
    const y = this.#y.get(x.shape, x, t);
    const k = kernels();
    k.f32_sigmoid_fwd(x.offset, y.offset, x.size);
    const sum = k.f32_sigmoid_xent_fwd(x.offset, t.offset, x.size);
    this.#state = { y, t };
    this.loss = sum / n;
    return this.loss;
  }

  /** (σ(x) − t)·dout / N, in the shape of x. */
  backward(dout = 1): Tensor {
    const state = backwardState('SigmoidWithLoss', this.#state, dout);
    const { y, t } = state;
    const [n, units] = y.shape;
    const dx = this.#dx.get(y.shape);
    // NOTE: (y − t)·scale elementwise; t (N) labels with one unit lie in memory as its (N, 1) column
    kernels().f32_softmax_xent_onehot_bwd(y.offset, t.offset, dx.offset, n, units, dout / n);
    return dx;
  }

  /** The sigmoid output σ(x) of the last forward (owned by the layer). */
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
