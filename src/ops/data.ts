// Data preparation on the kernels: affine warps of image batches (augmentation), row gathers
// (mini-batches, shuffles) and bytes turned into floats (MNIST's pixels and labels).
import { allocator, kernels, memoryBuffer } from '../backend/runtime.js';
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

/** Row i of y = row indices[i] of x, for the first `count` rows of y; a row is one sample of x
 *  (x.size / x.shape[0] floats), `indices` the byte offset of `count` int32 values in the memory.
 *  NOTE: the kernel reads row `index` wherever it lies: the caller checked every index is in
 *  [0, x.shape[0]). */
export function gatherRows(x: Tensor, indices: number, count: number, y: Tensor): void {
  kernels().f32_gather_rows(x.offset, indices, y.offset, count, x.size / x.shape[0]!);
}

/** y = bytes / divisor, element for element (y holds bytes.length floats). The bytes are copied
 *  into the memory first, for the kernel to read: a memcpy, far cheaper than converting in JS. */
export function floatsFromBytes(bytes: Uint8Array, y: Tensor, divisor: number): void {
  const n = bytes.length;
  const src = allocator().alloc(n);
  try {
    // NOTE: the view is made after alloc(), which may have grown (and detached) the memory.
    new Uint8Array(memoryBuffer(), src, n).set(bytes);
    kernels().f32_from_u8(src, y.offset, n, divisor);
  } finally {
    allocator().free(src);
  }
}
