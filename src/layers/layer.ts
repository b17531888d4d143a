// What every tensor layer offers. A network is a list of these plus a loss layer; its gradient()
// runs backward through them in reverse and reads each layer's grads: no hand-written key lists.
import type { Tensor } from '../tensor.js';

/** What every tensor layer offers: `forward`, `backward`, its parameters and their gradients. */
export interface Layer {
  /** Forward pass; `train` switches Dropout and BatchNormalization between modes. The output
   *  belongs to the layer and stays valid until its next forward. */
  forward(x: Tensor, train?: boolean): Tensor;
  /** Backward pass from the gradient of the output; returns dx (owned by the layer). */
  backward(dout: Tensor): Tensor;
  /** Layers with parameters may offer this: their gradients without dx, for a network's first
   *  layer, whose dx nobody uses (a third of an Affine's or a convolution's backward work). */
  backwardParams?(dout: Tensor): void;
  /** Learnable parameters by their short names (W, b, gamma, beta); shared, not copied. */
  readonly params: Readonly<Record<string, Tensor>>;
  /** Gradients of the parameters, same names, set by backward. */
  readonly grads: Readonly<Record<string, Tensor>>;
  /** State that is not a parameter but is needed to predict (batch-norm running statistics). */
  readonly buffers?: Readonly<Record<string, Tensor>>;
  /** Stochastic layers (Dropout) only: reuse the last random draw while true. */
  replayRandomness?: boolean;
  /** Stochastic layers (Dropout) only: restart the layer's random stream from `seed`, so a
   *  training run (Trainer's `seed`) fixes its masks whatever seed the layer was built with. */
  reseed?(seed: number): void;
  /** Frees the layer's buffers and gradients (not the parameters, which the caller owns). */
  dispose(): void;
}
