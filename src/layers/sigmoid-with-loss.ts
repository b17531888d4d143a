// A sigmoid output followed by the binary cross-entropy, as one layer (one unit, or several
// independent ones for multi-label targets): the loss is summed over the units and averaged over
// the batch, and the backward is simply (σ(x) − t)·dout / N.
import { kernels } from '../backend/runtime.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import { backwardState, type LossLayer } from './loss.js';
import { ShapeError, ValueError } from '../errors.js';

/** Loss layer: sigmoid output with binary cross-entropy, summed over the units and averaged
 *  over the batch; one unit for two classes, several for multi-label targets (Sequential's loss
 *  'sigmoid-cross-entropy'). */
export class SigmoidWithLoss implements LossLayer {
  readonly #y = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #state: { y: Tensor; t: Tensor } | undefined;
  /** The mean loss of the last forward. */
  loss = NaN;

  /** Targets are (N, C) in [0, 1], or (N) labels 0/1 when C = 1. */
  checkTargets(caller: string, t: unknown, n: number, units: number): void {
    checkBinaryTargets(caller, t, n, units);
  }

  /** Each unit decides "1" where its score is above 0 (σ above ½); a decision is correct where
   *  the target is on the same side of ½. */
  countCorrect(scores: Tensor, t: Tensor): { correct: number; total: number } {
    const x = scores.data, target = t.data;
    let correct = 0;
    for (let i = 0; i < x.length; i++) if ((x[i] > 0) === (target[i] > 0.5)) correct++;
    return { correct, total: x.length };
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
    checkBinaryTargets('SigmoidWithLoss.forward', t, n, units);
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

function checkBinaryTargets(caller: string, t: unknown, n: number, units: number): void {
  const targets = checkTensor(`${caller}: t`, t);
  const { shape } = targets;
  if (shape.length === 1) {
    if (units !== 1) {
      throw new ShapeError(`${caller}: labels t (${shape[0]}) need one output unit, x has ${units}; multi-label targets are (${n}, ${units}) in [0, 1]`);
    }
    if (shape[0] !== n) throw new ShapeError(`${caller}: x has ${n} samples but t has ${shape[0]} labels`);
    const data = targets.data;
    for (let i = 0; i < n; i++) {
      if (data[i] !== 0 && data[i] !== 1) throw new ValueError(`${caller}: labels must be 0 or 1, got ${data[i]} at index ${i}`);
    }
    return;
  }
  if (shape.length !== 2 || shape[0] !== n || shape[1] !== units) {
    throw new ShapeError(`${caller}: t must be (${n}, ${units}) targets in [0, 1]${units === 1 ? ` or (${n}) labels 0/1` : ''}, got ${formatShape(shape)}`);
  }
  const data = targets.data;
  for (let i = 0; i < data.length; i++) {
    if (!(data[i] >= 0 && data[i] <= 1)) throw new ValueError(`${caller}: targets must be in [0, 1], got ${data[i]} at flat index ${i}`);
  }
}
