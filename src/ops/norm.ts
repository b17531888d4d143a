// Per-channel batch normalization and global average pooling: the typed calls of their kernels
// (assembly/batchnorm2d.ts). Callers have checked the shapes; these read the geometry off them.
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
