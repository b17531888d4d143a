// Convolution: its geometry, the exported im2col/col2im, and the passes the layers run (im2col +
// GEMM per sample, or Winograd where it fits). The shape checks live here once; the kernels see
// only sizes, and the passes' geometry as a params block.
import { integer } from '../options.js';
import { convGeometry, type ConvGeometry, type JoinedPool } from '../backend/conv-geometry.js';
import { geometryBlock, kernels, runParallel, winogradByDefault, workspace, type KernelArgs } from '../backend/runtime.js';
import { splitRange, threadsFor } from '../backend/split.js';
import {
  winogradBackwardData, winogradBackwardFilter, winogradFits, winogradForward, winogradForwardMaxPool, winogradMaxPoolBackwardData,
  winogradTile, type WinogradTile,
} from './winograd.js';
import { checkTensor, empty, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { ResourceError, ShapeError } from '../errors.js';

const INT32_MAX = 2 ** 31 - 1;

export interface Window {
  FH: number;
  FW: number;
  stride: number;
  pad: number;
}

/** Checks the window against an (N, C, H, W) input and returns [OH, OW] = ⌊(H + 2·pad − FH) / stride⌋ + 1, likewise OW. */
export function outputSize(caller: string, inputShape: readonly number[], { FH, FW, stride, pad }: Window): [number, number] {
  if (inputShape.length !== 4 || inputShape.some((d) => !(d >= 1))) {
    throw new ShapeError(`${caller}: expected an (N, C, H, W) input with every dimension >= 1, got ${formatShape(inputShape)}`);
  }
  for (const [name, v, min] of [['filter height', FH, 1], ['filter width', FW, 1], ['stride', stride, 1], ['pad', pad, 0]] as const) {
    integer(caller, name, v, min);
  }
  const [, , H, W] = inputShape;
  // NOTE: the kernels take 32-bit sizes; larger ones would wrap before any size check
  if (Math.max(H, W) + 2 * pad > INT32_MAX || Math.max(FH, FW, stride) > INT32_MAX) {
    throw new ResourceError(`${caller}: the padded input (${H + 2 * pad}×${W + 2 * pad}), the window (${FH}×${FW}) and the stride (${stride}) must be below 2³¹`);
  }
  if (FH > H + 2 * pad || FW > W + 2 * pad) {
    throw new ShapeError(`${caller}: the ${FH}×${FW} window is larger than the padded ${H + 2 * pad}×${W + 2 * pad} input`);
  }
  // NOTE: floored as the book's `//` and PyTorch: rows and columns past the last whole window
  // (when the stride does not divide H + 2·pad − FH) are covered by no window.
  return [1 + Math.floor((H + 2 * pad - FH) / stride), 1 + Math.floor((W + 2 * pad - FW) / stride)];
}

/** The book's im2col: x (N, C, H, W) → (N·OH·OW, C·FH·FW), rows (n, oy, ox), columns (c, ky, kx). */
export function im2col(x: Tensor, filterH: number, filterW: number, stride = 1, pad = 0): Tensor {
  checkTensor('im2col: x', x);
  const [OH, OW] = outputSize('im2col', x.shape, { FH: filterH, FW: filterW, stride, pad });
  const [N, C, H, W] = x.shape;
  const col = empty([N * OH * OW, C * filterH * filterW]);
  kernels().f32_im2col(x.offset, col.offset, N, C, H, W, filterH, filterW, stride, pad);
  return col;
}

/** The adjoint of im2col: adds each column entry back into its image position. */
export function col2im(col: Tensor, inputShape: readonly number[], filterH: number, filterW: number, stride = 1, pad = 0): Tensor {
  checkTensor('col2im: col', col);
  const [OH, OW] = outputSize('col2im', inputShape, { FH: filterH, FW: filterW, stride, pad });
  const [N, C, H, W] = inputShape;
  if (col.shape.length !== 2 || col.shape[0] !== N * OH * OW || col.shape[1] !== C * filterH * filterW) {
    throw new ShapeError(`col2im: col must be (${N * OH * OW}, ${C * filterH * filterW}) for input ${formatShape(inputShape)}, got ${formatShape(col.shape)}`);
  }
  const x = empty(inputShape);
  kernels().f32_col2im(col.offset, x.offset, N, C, H, W, filterH, filterW, stride, pad);
  return x;
}

/** A convolution as a layer holds it: filters W (FN, C, FH, FW), bias b (FN), stride, pad, and the
 *  algorithm it asks for (Convolution's options; undefined: init()'s default, the tile by shape). */
export type { JoinedPool };

export interface ConvFilters {
  readonly W: Tensor;
  readonly b: Tensor;
  readonly stride: number;
  readonly pad: number;
  readonly winograd?: boolean;
  readonly winogradTile?: WinogradTile;
}

/** A pass of a convolution over x (N, C, H, W), checked against its W: the output's size, the
 *  product's flops, the bytes of one sample of x, and the geometry its kernels read. */
export function convPass(caller: string, conv: ConvFilters, x: Tensor, pool?: JoinedPool) {
  checkTensor(`${caller}: x`, x);
  const [FN, C, FH, FW] = conv.W.shape as [number, number, number, number];
  const [OH, OW] = outputSize(caller, x.shape, { FH, FW, stride: conv.stride, pad: conv.pad });
  const [N, CX, H, W] = x.shape as [number, number, number, number];
  if (CX !== C) throw new ShapeError(`${caller}: x has ${CX} channels but W ${formatShape(conv.W.shape)} expects ${C}`);
  const geometry = convGeometry(C, H, W, FN, FH, FW, conv.stride, conv.pad, 0, pool);
  return { N, FN, OH, OW, flops: 2 * N * FN * C * FH * FW * OH * OW, sampleBytes: C * H * W * 4, geometry };
}

/** Whether the convolution's passes run as Winograd (src/ops/winograd.ts): where its filters fit,
 *  unless the layer's or init()'s `winograd` says otherwise. */
export function usesWinograd(conv: ConvFilters): boolean {
  return (conv.winograd ?? winogradByDefault()) && winogradFits(conv.W.shape, conv.stride, conv.pad);
}

/** The Winograd tile of the convolution's passes over x: the layer's, or by shape. */
export function tileOf(conv: ConvFilters, x: Tensor): WinogradTile {
  return conv.winogradTile ?? winogradTile(x.shape[2]! + 2 * conv.pad - 2, x.shape[3]! + 2 * conv.pad - 2);
}

/** out (N, FN, OH, OW) = the convolution of x with conv's filters, + b: Winograd or im2col + GEMM
 *  per sample (assembly/conv.ts), the samples cut between the threads. */
export function convForward(caller: string, conv: ConvFilters, x: Tensor, out: Tensor): void {
  const { N, FN, OH, OW, flops, sampleBytes, geometry } = convPass(caller, conv, x);
  if (usesWinograd(conv)) {
    winogradForward(x, conv.W, conv.b, out, conv.pad, tileOf(conv, x));
    return;
  }
  const scratch = kernels().f32_conv_scratch_bytes(...scratchArgs(geometry));
  const g = geometryBlock(geometry);
  runParallel('f32_conv_fwd', splitRange(N, threadsFor(flops)).map(([n0, count], thread): KernelArgs<'f32_conv_fwd'> =>
    [x.offset + n0 * sampleBytes, conv.W.offset, conv.b.offset, out.offset + n0 * FN * OH * OW * 4, workspace(scratch, thread, caller), count, g]));
}

/** convForward, then the joined max pooling (and ReLU) on each sample's output while it is in
 *  cache: y and argmax (N, FN, PH, PW) as the separate passes would give them. */
export function convMaxPoolForward(caller: string, conv: ConvFilters, pool: JoinedPool, x: Tensor, y: Tensor, argmax: Tensor): void {
  const { N, flops, sampleBytes, geometry } = convPass(caller, conv, x, pool);
  if (usesWinograd(conv)) {
    winogradForwardMaxPool(x, conv.W, conv.b, y, argmax, conv.pad, pool, tileOf(conv, x));
    return;
  }
  const pooledBytes = (y.size / N) * 4;
  const scratch = kernels().f32_conv_maxpool_scratch_bytes(...scratchArgs(geometry));
  const g = geometryBlock(geometry);
  runParallel('f32_conv_maxpool_fwd', splitRange(N, threadsFor(flops)).map(([n0, count], thread): KernelArgs<'f32_conv_maxpool_fwd'> =>
    [x.offset + n0 * sampleBytes, conv.W.offset, conv.b.offset, y.offset + n0 * pooledBytes, argmax.offset + n0 * pooledBytes,
      workspace(scratch, thread, caller), count, g]));
}

/** The gradient a convolution's backward starts from: its output's, or, with a joined pooling, the
 *  pooling's gradient and argmax (each sample's convolution gradient is rebuilt from them). */
export type ConvGradient = { dout: Tensor } | { dy: Tensor; argmax: Tensor; pool: JoinedPool };

/**
 * The backward passes of `conv` over its input x, per sample: col_n again, dWᵀ (K, FN) += col_n ·
 * dout_nᵀ into `dWt` (K = C·FH·FW) and db += the channel sums of dout_n; with `dx`, dcol_n (K, P) =
 * Wᵀ · dout_n added back into the image by col2im_t. Sets dW (FN, C, FH, FW) and db. With threads,
 * dx splits the samples and dW the filters (at multiples of 8, the GEMM tile's width).
 */
export function convBackward(caller: string, conv: ConvFilters, x: Tensor, from: ConvGradient, dW: Tensor, db: Tensor, dWt: Tensor,
                             dx: Tensor | undefined): void {
  const pooled = 'argmax' in from ? from : undefined;
  const { N, FN, OH, OW, sampleBytes, geometry } = convPass(caller, conv, x, pooled?.pool);
  const grad = pooled ? pooled.dy : (from as { dout: Tensor }).dout;
  if (usesWinograd(conv)) {
    const tile = tileOf(conv, x);
    winogradBackwardFilter(x, grad, dW, db, conv.pad, tile, pooled);
    if (dx && pooled) winogradMaxPoolBackwardData(grad, pooled.argmax, conv.W, dx, conv.pad, pooled.pool, tile);
    else if (dx) winogradBackwardData(grad, conv.W, dx, conv.pad, tile);
    return;
  }
  const K = geometry.C * geometry.FH * geometry.FW;
  const k = kernels();
  const scratch = (pooled ? k.f32_conv_maxpool_scratch_bytes : k.f32_conv_scratch_bytes)(...scratchArgs(geometry));
  const threads = threadsFor(2 * N * FN * K * OH * OW);
  const g = geometryBlock(geometry);
  const filters = splitRange(FN, threads, 8);
  if (pooled) {
    runParallel('f32_maxpool_conv_bwd_filter', filters.map(([f0, count], thread): KernelArgs<'f32_maxpool_conv_bwd_filter'> =>
      [x.offset, grad.offset, pooled.argmax.offset, dWt.offset, db.offset, workspace(scratch, thread, caller), N, g, f0, count]));
  } else {
    runParallel('f32_conv_bwd_filter', filters.map(([f0, count], thread): KernelArgs<'f32_conv_bwd_filter'> =>
      [x.offset, grad.offset, dWt.offset, db.offset, workspace(scratch, thread, caller), N, g, f0, count]));
  }
  if (dx) {
    const samples = splitRange(N, threads);
    const gradBytes = (grad.size / N) * 4;
    if (pooled) {
      runParallel('f32_maxpool_conv_bwd_data', samples.map(([n0, count], thread): KernelArgs<'f32_maxpool_conv_bwd_data'> =>
        [conv.W.offset, grad.offset + n0 * gradBytes, pooled.argmax.offset + n0 * gradBytes, dx.offset + n0 * sampleBytes,
          workspace(scratch, thread, caller), count, g]));
    } else {
      runParallel('f32_conv_bwd_data', samples.map(([n0, count], thread): KernelArgs<'f32_conv_bwd_data'> =>
        [conv.W.offset, grad.offset + n0 * gradBytes, dx.offset + n0 * sampleBytes, workspace(scratch, thread, caller), count, g]));
    }
  }
  k.f32_transpose(dWt.offset, dW.offset, K, FN);
}

// The scratch-size kernels' arguments: the convolution's geometry.
function scratchArgs(g: ConvGeometry): KernelArgs<'f32_conv_scratch_bytes'> {
  return [g.C, g.H, g.W, g.FN, g.FH, g.FW, g.stride, g.pad];
}

