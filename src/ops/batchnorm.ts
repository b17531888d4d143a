// The book's batch normalization over the features of (n, d) rows (assembly/batchnorm.ts): batch
// statistics per feature, the normalization, the running estimates' update, and the backward
// pass. Callers have checked the shapes.
import { kernels } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';

/** The tensors of one batch normalization: its parameters, running estimates and batch statistics (d each). */
export interface BatchNormState {
  gamma: Tensor;
  beta: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  mean: Tensor;
  variance: Tensor;
}

/** Training: the batch's mean and biased variance per feature, y = γ·xn + β with xn kept, and the
 *  running estimates moved: running = m·running + (1 − m)·batch. */
export function batchNormTrain(x: Tensor, s: BatchNormState, xn: Tensor, y: Tensor, eps: number, momentum: number): void {
  const k = kernels();
  const d = s.gamma.size, n = x.size / d;
  k.f32_col_mean_var(x.offset, s.mean.offset, s.variance.offset, n, d);
  k.f32_batchnorm_fwd(x.offset, s.mean.offset, s.variance.offset, s.gamma.offset, s.beta.offset, xn.offset, y.offset, n, d, eps);
  k.f32_ema(s.mean.offset, s.runningMean.offset, d, momentum);
  k.f32_ema(s.variance.offset, s.runningVar.offset, d, momentum);
}

/** Inference: y = γ·(x − running mean)/√(running var + ε) + β. */
export function batchNormInfer(x: Tensor, s: BatchNormState, y: Tensor, eps: number): void {
  const d = s.gamma.size, n = x.size / d;
  kernels().f32_batchnorm_fwd(x.offset, s.runningMean.offset, s.runningVar.offset, s.gamma.offset, s.beta.offset, 0, y.offset, n, d, eps);
}

/** dx, dγ and dβ from dout and the training pass's xn and batch variance. */
export function batchNormBackward(dout: Tensor, xn: Tensor, s: BatchNormState, dx: Tensor, dgamma: Tensor, dbeta: Tensor, eps: number): void {
  const d = s.gamma.size;
  kernels().f32_batchnorm_bwd(dout.offset, xn.offset, s.variance.offset, s.gamma.offset, dx.offset, dgamma.offset, dbeta.offset,
    dout.size / d, d, eps);
}
