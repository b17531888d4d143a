// Winograd F(2×2, 3×3) and F(4×4, 3×3) convolutions on tensors (assembly/winograd.ts,
// assembly/winograd4.ts): the forward pass and the gradients with respect to the input and the
// filters, for 3×3 filters at stride 1. Callers check the shapes; this
// transforms the filters once per call (they change every training step) and cuts the samples
// between the threads, each with its own scratch. NOTE: the results differ from the im2col path's
// in the last bits (a different order of roundings, bounded in assembly/winograd.ts and
// assembly/winograd4.ts), and are the
// same for any number of threads.
import { convGeometry, type JoinedPool } from '../backend/conv-geometry.js';
import { geometryBlock, kernels, runParallel, workspace, type KernelArgs } from '../backend/runtime.js';
import { splitRange, threadsFor } from '../backend/split.js';
import type { Kernels } from '../backend/kernels.js';
import type { Tensor } from '../tensor.js';

// NOTE: below 8 channels in or out, the 16 products are too thin to pay for the transforms: the
// first layer of DeepConvNet (1 → 16 channels, 28×28) took 7.3 ms by Winograd, 1.0 ms by im2col.
const MIN_CHANNELS = 8;

/** The output block of each Winograd tile: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3). */
export type WinogradTile = 2 | 4;

/** Whether a convolution with filters of `wShape` (FN, C, FH, FW) at this stride and pad runs as
 *  Winograd: 3×3 filters, stride 1, pad at most 2 (its dx is a convolution padded by 2 − pad), and
 *  at least MIN_CHANNELS channels in and out. */
export function winogradFits(wShape: readonly number[], stride: number, pad: number): boolean {
  const [FN, C, FH, FW] = wShape;
  return FH === 3 && FW === 3 && stride === 1 && pad <= 2 && FN! >= MIN_CHANNELS && C! >= MIN_CHANNELS;
}

/** The tile for a convolution whose output is OH × OW: F(4×4, 3×3) where it needs fewer
 *  multiplications than F(2×2, 3×3) (36 per 4×4 block against 16 per 2×2 block, ragged blocks
 *  counted whole), else F(2×2). Its rounding errors are larger (assembly/winograd4.ts). */
export function winogradTile(OH: number, OW: number): WinogradTile {
  const blocks = (out: number, m: number) => Math.ceil(out / m);
  return 36 * blocks(OH, 4) * blocks(OW, 4) < 16 * blocks(OH, 2) * blocks(OW, 2) ? 4 : 2;
}

/** out (N, FN, OH, OW) = the convolution of x (N, C, H, W) with W (FN, C, 3, 3), + b (FN). */
export function winogradForward(x: Tensor, W: Tensor, b: Tensor, out: Tensor, pad: number, tile: WinogradTile): void {
  const [N, C, H, Wd] = x.shape as [number, number, number, number];
  const FN = W.shape[0]!, OH = H + 2 * pad - 2, OW = Wd + 2 * pad - 2;
  const parts = plan(W, FN, C, false, tile, N * OH * OW, N, (k) => k.f32_winograd_scratch_bytes(C, H, Wd, FN, pad, tile));
  const g = geometryBlock(convGeometry(C, H, Wd, FN, 3, 3, 1, pad, tile));
  runParallel('f32_winograd_fwd', parts(([n0, count], scratch, u): KernelArgs<'f32_winograd_fwd'> =>
    [x.offset + n0 * C * H * Wd * 4, u, b.offset, out.offset + n0 * FN * OH * OW * 4, scratch, count, g]));
}

/** winogradForward, then the joined max pooling and ReLU: y and argmax as the im2col path's pooled
 *  kernel gives them for the same convolution output. */
export function winogradForwardMaxPool(x: Tensor, W: Tensor, b: Tensor, y: Tensor, argmax: Tensor, pad: number,
                                       pool: JoinedPool, tile: WinogradTile): void {
  const [N, C, H, Wd] = x.shape as [number, number, number, number];
  const FN = W.shape[0]!, pooledBytes = (y.size / N) * 4;
  const parts = plan(W, FN, C, false, tile, N * (H + 2 * pad - 2) * (Wd + 2 * pad - 2), N, (k) => k.f32_winograd_pooled_scratch_bytes(C, H, Wd, FN, pad, tile));
  const g = geometryBlock(convGeometry(C, H, Wd, FN, 3, 3, 1, pad, tile, pool));
  runParallel('f32_winograd_maxpool_fwd', parts(([n0, count], scratch, u): KernelArgs<'f32_winograd_maxpool_fwd'> =>
    [x.offset + n0 * C * H * Wd * 4, u, b.offset, y.offset + n0 * pooledBytes, argmax.offset + n0 * pooledBytes, scratch, count, g]));
}

/** dx (N, C, H, W) of the convolution with W (FN, C, 3, 3) and pad, from dout (N, FN, OH, OW): the
 *  convolution of dout padded by 2 − pad with W rotated 180° and its two channel axes swapped. */
export function winogradBackwardData(dout: Tensor, W: Tensor, dx: Tensor, pad: number, tile: WinogradTile): void {
  const [N, FN, OH, OW] = dout.shape as [number, number, number, number];
  const C = W.shape[1]!, [, , H, Wd] = dx.shape as [number, number, number, number];
  const parts = plan(W, C, FN, true, tile, N * H * Wd, N, (k) => k.f32_winograd_scratch_bytes(FN, OH, OW, C, 2 - pad, tile));
  // NOTE: the geometry of the convolution that gives dx: FN channels in, C out, padded by 2 − pad
  const g = geometryBlock(convGeometry(FN, OH, OW, C, 3, 3, 1, 2 - pad, tile));
  runParallel('f32_winograd_fwd', parts(([n0, count], scratch, u): KernelArgs<'f32_winograd_fwd'> =>
    [dout.offset + n0 * FN * OH * OW * 4, u, 0, dx.offset + n0 * C * H * Wd * 4, scratch, count, g]));
}

/** dx of winogradForwardMaxPool's convolution, from the pooling's dy and argmax (`pool` as there). */
export function winogradMaxPoolBackwardData(dy: Tensor, argmax: Tensor, W: Tensor, dx: Tensor, pad: number, pool: JoinedPool,
                                           tile: WinogradTile): void {
  const [N, C, H, Wd] = dx.shape as [number, number, number, number];
  const FN = W.shape[0]!, OH = H + 2 * pad - 2, OW = Wd + 2 * pad - 2, pooledBytes = (dy.size / N) * 4;
  const parts = plan(W, C, FN, true, tile, N * H * Wd, N, (k) => k.f32_winograd_pooled_scratch_bytes(FN, OH, OW, C, 2 - pad, tile));
  const g = geometryBlock(convGeometry(C, H, Wd, FN, 3, 3, 1, pad, tile, pool));
  runParallel('f32_maxpool_winograd_bwd_data', parts(([n0, count], scratch, u): KernelArgs<'f32_maxpool_winograd_bwd_data'> =>
    [u, dy.offset + n0 * pooledBytes, argmax.offset + n0 * pooledBytes, dx.offset + n0 * C * H * Wd * 4, scratch, count, g]));
}

/** dW (FN, C, 3, 3) and db (FN) of the convolution of x (N, C, H, W) with pad, by the tile, from its gradient
 *  dout (N, FN, OH, OW); or, with `pooled`, from the gradient and argmax of the max pooling (`pool`)
 *  that followed it. The threads split the filters, at multiples of 8 (the GEMM tile's width). */
export function winogradBackwardFilter(x: Tensor, dout: Tensor, dW: Tensor, db: Tensor, pad: number, tile: WinogradTile,
                                       pooled?: { argmax: Tensor; pool: JoinedPool }): void {
  const k = kernels();
  const [N, C, H, Wd] = x.shape as [number, number, number, number];
  const FN = dW.shape[0]!, OH = H + 2 * pad - 2, OW = Wd + 2 * pad - 2;
  const scratch = k.f32_winograd_bwd_filter_scratch_bytes(C, H, Wd, FN, pad, tile);
  const ranges = splitRange(FN, threadsFor(2 * N * FN * C * 9 * OH * OW), 8);
  const g = geometryBlock(convGeometry(C, H, Wd, FN, 3, 3, 1, pad, tile, pooled?.pool));
  if (pooled) {
    runParallel('f32_maxpool_winograd_bwd_filter', ranges.map(([f0, count], thread): KernelArgs<'f32_maxpool_winograd_bwd_filter'> =>
      [x.offset, dout.offset, pooled.argmax.offset, dW.offset, db.offset, workspace(scratch, thread), N, g, f0, count]));
  } else {
    runParallel('f32_winograd_bwd_filter', ranges.map(([f0, count], thread): KernelArgs<'f32_winograd_bwd_filter'> =>
      [x.offset, dout.offset, dW.offset, db.offset, workspace(scratch, thread), N, g, f0, count]));
  }
}

// Cuts N samples between the threads worth using for a convolution of FO × CI channels and
// `outputs` output positions in all, gives each its scratch, and transforms the filters (flip: for
// dx) once, after the calling thread's scratch, where every thread reads them. Returns a builder of
// each range's arguments.
function plan(W: Tensor, FO: number, CI: number, flip: boolean, tile: WinogradTile, outputs: number, N: number, scratchBytes: (k: Kernels) => number) {
  const k = kernels();
  const scratch = Math.ceil(scratchBytes(k) / 64) * 64;
  // NOTE: the im2col path's flops: the threshold (src/backend/split.ts) is calibrated on those
  const ranges = splitRange(N, threadsFor(2 * FO * CI * 9 * outputs));
  const planes = tile === 4 ? 36 : 16;
  const scratches = ranges.map((_, thread) => workspace(thread === 0 ? scratch + 4 * planes * FO * CI : scratch, thread));
  const u = scratches[0]! + scratch;
  // NOTE: an entry of U took about 73 ns here, the time of 3 600 flops of a product (the unit of
  // threadsFor); DeepConvNet's 64 × 64 filters took 0.12 ms on one thread
  const entries = FO * CI;
  runParallel('f32_winograd_filter', splitRange(entries, threadsFor(3600 * entries), 4).map(([e0, count]): KernelArgs<'f32_winograd_filter'> =>
    [W.offset, u, flip ? CI : FO, flip ? FO : CI, +flip, tile, e0, count]));
  const parts = <A>(args: (range: [number, number], scratch: number, u: number) => A): A[] =>
    ranges.map((range, thread) => args(range, scratches[thread]!, u));
  return parts;
}
