// Data preparation on the kernels: affine warps of image batches (augmentation).
import { runSamples } from '../backend/split.js';
import type { Tensor } from '../tensor.js';

// NOTE: a value reads four taps where an elementwise pass reads one: counted as four passes (not measured)
const WARP_COST = 4;

/** y[n] = x[n] warped through maps[n] (six floats per sample: source = (a·u + b·v + c, d·u + e·v + f));
 *  x and y (N, C, H, W), maps (N, 6); the caller checked the shapes. Split by samples between threads. */
export function warpAffine(x: Tensor, y: Tensor, maps: Tensor): void {
  const [N, C, H, W] = x.shape;
  const sampleBytes = C * H * W * 4;
  runSamples('f32_warp_affine', N, C * H * W * WARP_COST, (n0, count) =>
    [x.offset + n0 * sampleBytes, y.offset + n0 * sampleBytes, maps.offset + n0 * 24, count, C, H, W]);
}
