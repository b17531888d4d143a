// Whole convolution passes over a range of samples, one sample at a time in the transposed im2col
// layout: col_n (K = C·FH·FW, P = OH·OW) = im2col_t(x_n) stays in cache between the copy and the
// product. Each call gets its own scratch (`col`, then the GEMM workspace right after it), so
// threads run disjoint ranges of the same pass side by side, and a range computes exactly what
// the whole batch would compute for it (bit-identical results with any number of threads).
//
// The f32_conv_maxpool / f32_maxpool_conv passes are the same passes with the max pooling that
// follows the convolution run on each sample's output while it is in cache: the forward pools
// out_n as soon as it is computed, and the backward passes rebuild dout_n from the pooling's
// gradient and argmax in scratch. The convolution's output and its gradient (6.9 MB each for
// SimpleConvNet at batch 100) are never written to memory or read back. The numbers are the same
// as the separate passes': the same kernels run on the same values.
import { field, outSize } from './geometry';
import {
  GEOMETRY_C, GEOMETRY_FH, GEOMETRY_FN, GEOMETRY_FW, GEOMETRY_H, GEOMETRY_PAD, GEOMETRY_POOL_H, GEOMETRY_POOL_PAD, GEOMETRY_POOL_STRIDE,
  GEOMETRY_POOL_W, GEOMETRY_RELU, GEOMETRY_STRIDE, GEOMETRY_W,
} from '../src/backend/conv-layout';
import { f32_col2im_t, f32_im2col_t } from './im2col';
import { f32_gemm, f32_gemm_workspace_bytes, gemmRowBias } from './gemm';
import { f32_maxpool_bwd, f32_maxpool_fwd } from './pool';
import { addChannels, reluKeepingArgmax, storeChannelSums } from './conv-parts';

@inline function off(i: i32): usize { return <usize>i << 2; }

// out_n (FN, P) = W (FN, K) · col_n + b, for the N samples at x; out is (N, FN, OH, OW).
// NOTE: the product adds the bias as it stores its tiles, rather than in a pass of its own.
export function f32_conv_fwd(x: usize, w: usize, b: usize, out: usize, scratch: usize, N: i32, g: usize): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    FH = field(g, GEOMETRY_FH), FW = field(g, GEOMETRY_FW), stride = field(g, GEOMETRY_STRIDE),
    pad = field(g, GEOMETRY_PAD);
  const K = C * FH * FW, P = outSize(H, FH, stride, pad) * outSize(W, FW, stride, pad);
  for (let n = 0; n < N; n++) {
    convSample(x + <usize>n * off(C * H * W), w, b, out + <usize>n * off(FN * P), scratch, C, H, W, FN, FH, FW, stride, pad, K, P);
  }
}

// f32_conv_fwd, then a max pooling of PH × PW at poolStride with poolPad over each sample's output:
// y and argmax (N, FN, PoolH, PoolW) as f32_maxpool_fwd gives them. With relu = 1, then a ReLU
// over y (f32_relu_fwd's values), and argmax −1 where the ReLU's gradient is 0 (y not > 0): the
// pooling's backward then drops those gradients as the ReLU's backward would have zeroed them.
export function f32_conv_maxpool_fwd(x: usize, w: usize, b: usize, y: usize, argmax: usize, scratch: usize, N: i32, g: usize): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    FH = field(g, GEOMETRY_FH), FW = field(g, GEOMETRY_FW), stride = field(g, GEOMETRY_STRIDE),
    pad = field(g, GEOMETRY_PAD), PH = field(g, GEOMETRY_POOL_H), PW = field(g, GEOMETRY_POOL_W),
    poolStride = field(g, GEOMETRY_POOL_STRIDE), poolPad = field(g, GEOMETRY_POOL_PAD), relu = field(g, GEOMETRY_RELU);
  const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
  const K = C * FH * FW, P = OH * OW;
  const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
  const outN = planes(scratch, C, H, W, FN, FH, FW, stride, pad);
  for (let n = 0; n < N; n++) {
    convSample(x + <usize>n * off(C * H * W), w, b, outN, scratch, C, H, W, FN, FH, FW, stride, pad, K, P);
    const o = <usize>n * off(FN * pooled);
    f32_maxpool_fwd(outN, y + o, argmax + o, 1, FN, OH, OW, PH, PW, poolStride, poolPad);
    if (relu) reluKeepingArgmax(y + o, argmax + o, FN * pooled);
  }
}

@inline function convSample(xN: usize, w: usize, b: usize, outN: usize, scratch: usize, C: i32, H: i32, W: i32,
                            FN: i32, FH: i32, FW: i32, stride: i32, pad: i32, K: i32, P: i32): void {
  f32_im2col_t(xN, scratch, 1, C, H, W, FH, FW, stride, pad);
  gemmRowBias(0, 0, FN, P, K, 1, w, K, scratch, P, 0, outN, P, scratch + off(K * P), b);
}

// dWᵀ (K, FN) columns [f0, f0 + fCount) = Σ_n col_n · dout_n[f0 : f0 + fCount]ᵀ over the N samples,
// and db[f0 : f0 + fCount] = the sums of those channels of dout (f32_sum_channels's value), read
// while dout_n is in cache from the product. Threads split the filters, not the samples, so every
// sum runs over the samples in the same order as on one thread.
export function f32_conv_bwd_filter(x: usize, dout: usize, dwt: usize, db: usize, scratch: usize, N: i32, g: usize, f0: i32, fCount: i32): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    FH = field(g, GEOMETRY_FH), FW = field(g, GEOMETRY_FW), stride = field(g, GEOMETRY_STRIDE),
    pad = field(g, GEOMETRY_PAD);
  filterGradient(x, dout, 0, dwt, db, scratch, N, C, H, W, FN, FH, FW, stride, pad, 0, 0, 0, 0, f0, fCount);
}

// f32_conv_bwd_filter where the convolution was followed by a max pooling (f32_conv_maxpool_fwd):
// dy and argmax are the pooling's, and each sample's dout planes [f0, f0 + fCount) are rebuilt
// from them in scratch.
export function f32_maxpool_conv_bwd_filter(x: usize, dy: usize, argmax: usize, dwt: usize, db: usize, scratch: usize,
                                            N: i32, g: usize, f0: i32, fCount: i32): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    FH = field(g, GEOMETRY_FH), FW = field(g, GEOMETRY_FW), stride = field(g, GEOMETRY_STRIDE),
    pad = field(g, GEOMETRY_PAD), PH = field(g, GEOMETRY_POOL_H), PW = field(g, GEOMETRY_POOL_W),
    poolStride = field(g, GEOMETRY_POOL_STRIDE), poolPad = field(g, GEOMETRY_POOL_PAD);
  filterGradient(x, dy, argmax, dwt, db, scratch, N, C, H, W, FN, FH, FW, stride, pad, PH, PW, poolStride, poolPad, f0, fCount);
}

// dout is the convolution's gradient (argmax = 0), or the pooling's after it (argmax its argmax).
@inline function filterGradient(x: usize, dout: usize, argmax: usize, dwt: usize, db: usize, scratch: usize, N: i32, C: i32, H: i32, W: i32,
                                FN: i32, FH: i32, FW: i32, stride: i32, pad: i32,
                                PH: i32, PW: i32, poolStride: i32, poolPad: i32, f0: i32, fCount: i32): void {
  const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
  const K = C * FH * FW, P = OH * OW;
  const work = scratch + off(K * P);
  // per channel, f32_sum_channels's four lanes and scalar tail, after the GEMM's workspace
  const sums = work + <usize>f32_gemm_workspace_bytes(K, FN, P);
  memory.fill(sums, 0, off(5 * fCount));
  const rebuilt = planes(scratch, C, H, W, FN, FH, FW, stride, pad);
  const pooled = argmax ? outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad) : 0;
  for (let n = 0; n < N; n++) {
    f32_im2col_t(x + <usize>n * off(C * H * W), scratch, 1, C, H, W, FH, FW, stride, pad);
    let doutN = dout + off((n * FN + f0) * P);
    if (argmax) {
      const o = off((n * FN + f0) * pooled);
      f32_maxpool_bwd(dout + o, argmax + o, rebuilt, 1, fCount, OH, OW, PH, PW, poolStride, poolPad);
      doutN = rebuilt;
    }
    const beta: f32 = n > 0 ? 1 : 0;
    f32_gemm(0, 1, K, fCount, P, 1, scratch, P, doutN, P, beta, dwt + off(f0), FN, work);
    addChannels(doutN, P, sums, fCount);
  }
  storeChannelSums(sums, db + off(f0), fCount);
}

// dx_n = col2im_t(Wᵀ (K, FN) · dout_n (FN, P)) for the N samples at dout; dx is (N, C, H, W).
export function f32_conv_bwd_data(w: usize, dout: usize, dx: usize, scratch: usize, N: i32, g: usize): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    FH = field(g, GEOMETRY_FH), FW = field(g, GEOMETRY_FW), stride = field(g, GEOMETRY_STRIDE),
    pad = field(g, GEOMETRY_PAD);
  const P = outSize(H, FH, stride, pad) * outSize(W, FW, stride, pad);
  for (let n = 0; n < N; n++) {
    dataSample(w, dout + <usize>n * off(FN * P), dx + <usize>n * off(C * H * W), scratch, C, H, W, FN, FH, FW, stride, pad, P);
  }
}

// f32_conv_bwd_data where the convolution was followed by a max pooling: dy and argmax are the
// pooling's, and each sample's dout is rebuilt from them in scratch.
export function f32_maxpool_conv_bwd_data(w: usize, dy: usize, argmax: usize, dx: usize, scratch: usize, N: i32, g: usize): void {
  const C = field(g, GEOMETRY_C), H = field(g, GEOMETRY_H), W = field(g, GEOMETRY_W), FN = field(g, GEOMETRY_FN),
    FH = field(g, GEOMETRY_FH), FW = field(g, GEOMETRY_FW), stride = field(g, GEOMETRY_STRIDE),
    pad = field(g, GEOMETRY_PAD), PH = field(g, GEOMETRY_POOL_H), PW = field(g, GEOMETRY_POOL_W),
    poolStride = field(g, GEOMETRY_POOL_STRIDE), poolPad = field(g, GEOMETRY_POOL_PAD);
  const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
  const pooled = outSize(OH, PH, poolStride, poolPad) * outSize(OW, PW, poolStride, poolPad);
  const doutN = planes(scratch, C, H, W, FN, FH, FW, stride, pad);
  for (let n = 0; n < N; n++) {
    const o = <usize>n * off(FN * pooled);
    f32_maxpool_bwd(dy + o, argmax + o, doutN, 1, FN, OH, OW, PH, PW, poolStride, poolPad);
    dataSample(w, doutN, dx + <usize>n * off(C * H * W), scratch, C, H, W, FN, FH, FW, stride, pad, OH * OW);
  }
}

@inline function dataSample(w: usize, doutN: usize, dxN: usize, scratch: usize, C: i32, H: i32, W: i32,
                            FN: i32, FH: i32, FW: i32, stride: i32, pad: i32, P: i32): void {
  const K = C * FH * FW;
  f32_gemm(1, 0, K, P, FN, 1, w, K, doutN, P, 0, scratch, P, scratch + off(K * P));
  f32_col2im_t(scratch, dxN, 1, C, H, W, FH, FW, stride, pad);
}

// Bytes of scratch each call above needs: one sample's col and the largest GEMM workspace.
// NOTE: exact in 64 bits and returned as f64: a col of 2 GiB or more does not fit an i32, and the
// host compares the size with what the memory can hold before it calls a pass (which then
// computes every offset in 32 bits, as they lie inside the scratch it got).
export function f32_conv_scratch_bytes(C: i32, H: i32, W: i32, FN: i32, FH: i32, FW: i32, stride: i32, pad: i32): f64 {
  return <f64>convScratchBytes(C, H, W, FN, FH, FW, stride, pad);
}

// The pooled passes keep one sample's convolution output (FN, P), or its gradient, after the rest.
export function f32_conv_maxpool_scratch_bytes(C: i32, H: i32, W: i32, FN: i32, FH: i32, FW: i32, stride: i32, pad: i32): f64 {
  const P = <i64>outSize(H, FH, stride, pad) * <i64>outSize(W, FW, stride, pad);
  return <f64>(convScratchBytes(C, H, W, FN, FH, FW, stride, pad) + ((<i64>FN * P) << 2));
}

function convScratchBytes(C: i32, H: i32, W: i32, FN: i32, FH: i32, FW: i32, stride: i32, pad: i32): i64 {
  const K = <i64>C * <i64>FH * <i64>FW, P = <i64>outSize(H, FH, stride, pad) * <i64>outSize(W, FW, stride, pad);
  // the GEMM workspaces are bounded by its blocking (a few MiB) once K, P and FN fit an i32
  const Ki = <i32>min(K, <i64>i32.MAX_VALUE), Pi = <i32>min(P, <i64>i32.MAX_VALUE);
  // the filter gradient's channel sums (five floats each) go after its GEMM workspace
  const filterWork = <i64>f32_gemm_workspace_bytes(Ki, FN, Pi) + ((<i64>5 * <i64>FN) << 2);
  const work = max(<i64>max(f32_gemm_workspace_bytes(FN, Pi, Ki), f32_gemm_workspace_bytes(Ki, Pi, FN)), filterWork);
  return ((K * P) << 2) + work;
}

@inline function planes(scratch: usize, C: i32, H: i32, W: i32, FN: i32, FH: i32, FW: i32, stride: i32, pad: i32): usize {
  return scratch + <usize>convScratchBytes(C, H, W, FN, FH, FW, stride, pad);
}
