// Pooling over windows of each channel (max and average) and maxout over groups of channels: the
// typed calls of their kernels (assembly/pool.ts, assembly/maxout.ts), split by samples between the
// threads. Callers have checked the shapes; x is (N, C, H, W) and y its pooled (N, C, OH, OW).
import { runSamples } from '../backend/split.js';
import type { KernelArgs } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';

/** A pooling window: its size, stride and zero padding. */
export interface PoolWindow {
  readonly poolH: number;
  readonly poolW: number;
  readonly stride: number;
  readonly pad: number;
}

/** y = the windows' maxima; argmax (i32, y's shape) the index in its channel of each one's first maximum. */
export function maxPoolForward(x: Tensor, y: Tensor, argmax: Tensor, w: PoolWindow): void {
  const { N, C, H, W, xFloats, yFloats } = sizes(x, y);
  runSamples('f32_maxpool_fwd', N, xFloats, (n0, count): KernelArgs<'f32_maxpool_fwd'> =>
    [x.offset + 4 * n0 * xFloats, y.offset + 4 * n0 * yFloats, argmax.offset + 4 * n0 * yFloats, count, C, H, W, w.poolH, w.poolW, w.stride, w.pad]);
}

/** dx (x's shape) = each gradient of dout added at its window's argmax, zeros elsewhere. */
export function maxPoolBackward(dout: Tensor, argmax: Tensor, dx: Tensor, w: PoolWindow): void {
  const { N, C, H, W, xFloats, yFloats } = sizes(dx, dout);
  runSamples('f32_maxpool_bwd', N, xFloats, (n0, count): KernelArgs<'f32_maxpool_bwd'> =>
    [dout.offset + 4 * n0 * yFloats, argmax.offset + 4 * n0 * yFloats, dx.offset + 4 * n0 * xFloats, count, C, H, W, w.poolH, w.poolW, w.stride, w.pad]);
}

/** y = the windows' means (padding counts as zeros). */
export function avgPoolForward(x: Tensor, y: Tensor, w: PoolWindow): void {
  const { N, C, H, W, xFloats, yFloats } = sizes(x, y);
  runSamples('f32_avgpool_fwd', N, xFloats, (n0, count): KernelArgs<'f32_avgpool_fwd'> =>
    [x.offset + 4 * n0 * xFloats, y.offset + 4 * n0 * yFloats, count, C, H, W, w.poolH, w.poolW, w.stride, w.pad]);
}

/** dx (x's shape) = each gradient of dout divided evenly over its window. */
export function avgPoolBackward(dout: Tensor, dx: Tensor, w: PoolWindow): void {
  const { N, C, H, W, xFloats, yFloats } = sizes(dx, dout);
  runSamples('f32_avgpool_bwd', N, xFloats, (n0, count): KernelArgs<'f32_avgpool_bwd'> =>
    [dout.offset + 4 * n0 * yFloats, dx.offset + 4 * n0 * xFloats, count, C, H, W, w.poolH, w.poolW, w.stride, w.pad]);
}

/** Maxout: y (N, C/k, ...) = the maximum of each group of k consecutive channels of x (N, C, ...);
 *  argmax (i32, y's shape) the piece that won. */
export function maxoutForward(x: Tensor, y: Tensor, argmax: Tensor, k: number): void {
  const { N, groups, S, xFloats, yFloats } = maxoutSizes(x, y);
  if (N === 0) return;
  runSamples('f32_maxout_fwd', N, xFloats, (n0, count): KernelArgs<'f32_maxout_fwd'> =>
    [x.offset + 4 * n0 * xFloats, y.offset + 4 * n0 * yFloats, argmax.offset + 4 * n0 * yFloats, count * groups, k, S]);
}

/** dx (x's shape) = each gradient of dout at its group's argmax, zeros elsewhere. */
export function maxoutBackward(dout: Tensor, argmax: Tensor, dx: Tensor, k: number): void {
  const { N, groups, S, xFloats, yFloats } = maxoutSizes(dx, dout);
  if (N === 0) return;
  runSamples('f32_maxout_bwd', N, xFloats, (n0, count): KernelArgs<'f32_maxout_bwd'> =>
    [dout.offset + 4 * n0 * yFloats, argmax.offset + 4 * n0 * yFloats, dx.offset + 4 * n0 * xFloats, count * groups, k, S]);
}

// The input's dimensions and the floats of one sample of the input and of the output.
function sizes(x: Tensor, y: Tensor) {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  return { N, C, H, W, xFloats: x.size / N, yFloats: y.size / N };
}

// Maxout's sample count, groups per sample, floats per piece, and floats of one sample in and out.
function maxoutSizes(x: Tensor, y: Tensor) {
  const N = x.shape[0]!;
  const yFloats = N === 0 ? 0 : y.size / N, groups = y.shape[1]!;
  return { N, groups, S: groups === 0 ? 0 : yFloats / groups, xFloats: N === 0 ? 0 : x.size / N, yFloats };
}
