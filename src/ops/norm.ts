// Batch normalization: the book's over the features of (n, d) rows (assembly/batchnorm.ts, also the
// data's standardization), and per channel with global average pooling (assembly/batchnorm2d.ts):
// the typed calls of their kernels.
// Callers have checked the shapes; these read the geometry off them.
// NOTE: single-threaded: each pass reads its tensor once or twice (memory-bound, about a tenth of a
// convolution's time on the same activation), so a hand-off to a thread would not pay for itself
// at MNIST sizes.
import { kernels } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';

/** (N, C, H, W) as [N, C, H·W]. */
function geometry(x: Tensor): [number, number, number] {
  const [N, C, H, W] = x.shape;
  return [N, C, H * W];
}

/** Per channel of x (N, C, H, W): the batch mean and the biased variance over N, H and W. */
export function channelStats(x: Tensor, mean: Tensor, variance: Tensor): void {
  kernels().f32_bn2d_stats(x.offset, mean.offset, variance.offset, ...geometry(x));
}

/** y = gamma·(x − mean)/√(variance + eps) + beta per channel; xn (the normalized x) is kept if given. */
export function batchNorm2dForward(x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, beta: Tensor,
                                   xn: Tensor | undefined, y: Tensor, eps: number): void {
  kernels().f32_bn2d_fwd(x.offset, mean.offset, variance.offset, gamma.offset, beta.offset, xn?.offset ?? 0, y.offset, ...geometry(x), eps);
}

/** dx, dgamma and dbeta from dy and the forward pass's xn and batch variance, one channel at a time. */
export function batchNorm2dBackward(dy: Tensor, xn: Tensor, variance: Tensor, gamma: Tensor, dx: Tensor,
                                    dgamma: Tensor, dbeta: Tensor, eps: number): void {
  kernels().f32_bn2d_bwd(dy.offset, xn.offset, variance.offset, gamma.offset, dx.offset, dgamma.offset, dbeta.offset, ...geometry(dy), eps);
}

/** running = m·running + (1 − m)·scale·batch (scale turns a biased variance into the unbiased one). */
export function updateRunning(batch: Tensor, running: Tensor, momentum: number, scale = 1, scratch?: Tensor): void {
  const k = kernels();
  let source = batch;
  if (scale !== 1) {
    k.f32_scale(batch.offset, scratch!.offset, batch.size, scale);
    source = scratch!;
  }
  k.f32_ema(source.offset, running.offset, running.size, momentum);
}

/** y (N, C) = the mean of each H×W plane of x (N, C, H, W). */
export function globalAvgPoolForward(x: Tensor, y: Tensor): void {
  const [N, C, HW] = geometry(x);
  kernels().f32_gap_fwd(x.offset, y.offset, N * C, HW);
}

/** dx (N, C, H, W): each plane gets its mean's gradient dy (N, C) divided by H·W. */
export function globalAvgPoolBackward(dy: Tensor, dx: Tensor): void {
  const [N, C, HW] = geometry(dx);
  kernels().f32_gap_bwd(dy.offset, dx.offset, N * C, HW);
}

/** The tensors of one batch normalization: its parameters, running estimates and batch statistics (d each). */
export interface BatchNormState {
  gamma: Tensor;
  beta: Tensor;
  runningMean: Tensor;
  runningVar: Tensor;
  mean: Tensor;
  variance: Tensor;
}

/** Per feature of x, read as rows of mean.size features: the mean and the biased variance over the rows. */
export function columnMeanVar(x: Tensor, mean: Tensor, variance: Tensor): void {
  const d = mean.size;
  kernels().f32_col_mean_var(x.offset, mean.offset, variance.offset, x.size / d, d);
}

/** y = γ·(x − mean)/√(variance + ε) + β per feature of x, read as rows of mean.size features; xn
 *  (the normalized x) is kept if given. */
export function normalizeColumns(x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, beta: Tensor,
                                 xn: Tensor | undefined, y: Tensor, eps: number): void {
  const d = mean.size;
  kernels().f32_batchnorm_fwd(x.offset, mean.offset, variance.offset, gamma.offset, beta.offset, xn?.offset ?? 0, y.offset, x.size / d, d, eps);
}

/** Training: the batch's mean and biased variance per feature, y = γ·xn + β with xn kept, and the
 *  running estimates moved: running = m·running + (1 − m)·batch. */
export function batchNormTrain(x: Tensor, s: BatchNormState, xn: Tensor, y: Tensor, eps: number, momentum: number): void {
  columnMeanVar(x, s.mean, s.variance);
  normalizeColumns(x, s.mean, s.variance, s.gamma, s.beta, xn, y, eps);
  const k = kernels();
  k.f32_ema(s.mean.offset, s.runningMean.offset, s.mean.size, momentum);
  k.f32_ema(s.variance.offset, s.runningVar.offset, s.variance.size, momentum);
}

/** Inference: y = γ·(x − running mean)/√(running var + ε) + β. */
export function batchNormInfer(x: Tensor, s: BatchNormState, y: Tensor, eps: number): void {
  normalizeColumns(x, s.runningMean, s.runningVar, s.gamma, s.beta, undefined, y, eps);
}

/** dx, dγ and dβ from dout and the training pass's xn and batch variance. */
export function batchNormBackward(dout: Tensor, xn: Tensor, s: BatchNormState, dx: Tensor, dgamma: Tensor, dbeta: Tensor, eps: number): void {
  const d = s.gamma.size;
  kernels().f32_batchnorm_bwd(dout.offset, xn.offset, s.variance.offset, s.gamma.offset, dx.offset, dgamma.offset, dbeta.offset,
    dout.size / d, d, eps);
}
