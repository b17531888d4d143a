// Winograd F(2×2, 3×3) convolutions on tensors (assembly/winograd.ts): the forward pass and the
// gradient with respect to the input, for 3×3 filters at stride 1. Callers check the shapes; this
// transforms the filters once per call (they change every training step) and cuts the samples
// between the threads, each with its own scratch. NOTE: the results differ from the im2col path's
// in the last bits (a different order of roundings, bounded in assembly/winograd.ts), and are the
// same for any number of threads.
import { kernels, runParallel, workspace } from '../backend/runtime.js';
import { splitRange, threadsFor } from '../backend/split.js';
import type { Tensor } from '../tensor.js';

/** Whether a convolution with filters of `wShape` (FN, C, FH, FW) at this stride and pad runs as
 *  Winograd: 3×3 filters, stride 1, pad at most 2 (its dx is a convolution padded by 2 − pad). */
export function winogradFits(wShape: readonly number[], stride: number, pad: number): boolean {
  return wShape[2] === 3 && wShape[3] === 3 && stride === 1 && pad <= 2;
}

/** out (N, FN, OH, OW) = the convolution of x (N, C, H, W) with W (FN, C, 3, 3), + b (FN). */
export function winogradForward(x: Tensor, W: Tensor, b: Tensor, out: Tensor, pad: number): void {
  const [N, C, H, Wd] = x.shape;
  convolve(x.offset, W.offset, b.offset, out.offset, N, C, H, Wd, W.shape[0], pad, false);
}

/** dx (N, C, H, W) of the convolution with W (FN, C, 3, 3) and pad, from dout (N, FN, OH, OW): the
 *  convolution of dout padded by 2 − pad with W rotated 180° and its two channel axes swapped. */
export function winogradBackwardData(dout: Tensor, W: Tensor, dx: Tensor, pad: number): void {
  const [N, FN, OH, OW] = dout.shape;
  convolve(dout.offset, W.offset, 0, dx.offset, N, FN, OH, OW, W.shape[1], 2 - pad, true);
}

// out (N, FO, ·, ·) from x (N, CI, H, W); flip: W is (CI, FO, 3, 3) and enters rotated, else (FO, CI, 3, 3).
function convolve(x: number, w: number, b: number, out: number, N: number, CI: number, H: number, W: number,
                  FO: number, pad: number, flip: boolean): void {
  const k = kernels();
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const scratch = Math.ceil(k.f32_winograd_scratch_bytes(CI, H, W, FO, pad) / 64) * 64;
  const ranges = splitRange(N, threadsFor(2 * N * FO * CI * 9 * OH * OW));
  // the transformed filters go after the calling thread's scratch: every thread reads them
  const scratches = ranges.map((_, thread) => workspace(thread === 0 ? scratch + 64 * FO * CI : scratch, thread));
  const u = scratches[0]! + scratch;
  k.f32_winograd_filter(w, u, flip ? CI : FO, flip ? FO : CI, +flip);
  runParallel('f32_winograd_fwd', ranges.map(([n0, count], thread) =>
    [x + n0 * CI * H * W * 4, u, b, out + n0 * FO * OH * OW * 4, scratches[thread]!, count, CI, H, W, FO, pad]));
}
