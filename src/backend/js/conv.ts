// Twin of assembly/conv.ts: the same per-sample passes, built from the twin's own im2col, GEMM,
// bias and pooling kernels, so the two backends differ only where those kernels do.
import { readGeometry, type ConvGeometry } from '../conv-geometry.js';
import { biasKernels, sumChannels } from './bias.js';
import { gemmKernels } from './gemm.js';
import { im2colKernels, outSize } from './im2col.js';
import type { Heap, KernelPart } from './part.js';
import { poolKernels } from './pool.js';

export function convKernels(heap: Heap) {
  const { f32_gemm: gemm } = gemmKernels(heap);
  const { f32_im2col_t: im2colT, f32_col2im_t: col2imT } = im2colKernels(heap);
  const { f32_bias_add_channels: biasAddChannels } = biasKernels(heap);
  const { f32_maxpool_fwd: maxpoolFwd, f32_maxpool_bwd: maxpoolBwd } = poolKernels(heap);
  const positions = (H: number, W: number, FH: number, FW: number, stride: number, pad: number) =>
    outSize(H, FH, stride, pad) * outSize(W, FW, stride, pad);
  const geometry = (g: number): ConvGeometry => readGeometry(heap().buffer, g);
  const kernels = {
    f32_conv_fwd(x, w, b, out, scratch, N, g) {
      const { C, H, W, FN, FH, FW, stride, pad } = geometry(g);
      const K = C * FH * FW, P = positions(H, W, FH, FW, stride, pad);
      for (let n = 0; n < N; n++) {
        const outN = out + n * FN * P * 4;
        im2colT(x + n * C * H * W * 4, scratch, 1, C, H, W, FH, FW, stride, pad);
        gemm(0, 0, FN, P, K, 1, w, K, scratch, P, 0, outN, P);
        biasAddChannels(outN, b, outN, 1, FN, P);
      }
    },
    f32_conv_bwd_filter(x, dout, dwt, db, scratch, N, g, f0, fCount) {
      const { C, H, W, FN, FH, FW, stride, pad } = geometry(g);
      const K = C * FH * FW, P = positions(H, W, FH, FW, stride, pad);
      for (let n = 0; n < N; n++) {
        im2colT(x + n * C * H * W * 4, scratch, 1, C, H, W, FH, FW, stride, pad);
        gemm(0, 1, K, fCount, P, 1, scratch, P, dout + (n * FN + f0) * P * 4, P, n > 0 ? 1 : 0, dwt + f0 * 4, FN);
      }
      sumChannels(heap(), dout, db, N, FN, P, f0, f0 + fCount);
    },
    f32_conv_bwd_data(w, dout, dx, scratch, N, g) {
      const { C, H, W, FN, FH, FW, stride, pad } = geometry(g);
      const K = C * FH * FW, P = positions(H, W, FH, FW, stride, pad);
      for (let n = 0; n < N; n++) {
        gemm(1, 0, K, P, FN, 1, w, K, dout + n * FN * P * 4, P, 0, scratch, P);
        col2imT(scratch, dx + n * C * H * W * 4, 1, C, H, W, FH, FW, stride, pad);
      }
    },
    f32_conv_scratch_bytes(C, H, W, FN, FH, FW, stride, pad) {
      return C * FH * FW * positions(H, W, FH, FW, stride, pad) * 4; // the twin's GEMM needs no workspace
    },
    // The pooled passes: one sample's convolution output, or its gradient, goes after the columns.
    f32_conv_maxpool_fwd(x, w, b, y, argmax, scratch, N, g) {
      const { C, H, W, FN, FH, FW, stride, pad, poolH: PH, poolW: PW, poolStride, poolPad, relu } = geometry(g);
      const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
      const outN = scratch + C * FH * FW * OH * OW * 4, pooled = positions(OH, OW, PH, PW, poolStride, poolPad);
      for (let n = 0; n < N; n++) {
        kernels.f32_conv_fwd(x + n * C * H * W * 4, w, b, outN, scratch, 1, g);
        maxpoolFwd(outN, y + n * FN * pooled * 4, argmax + n * FN * pooled * 4, 1, FN, OH, OW, PH, PW, poolStride, poolPad);
      }
      if (!relu) return;
      // the ReLU after the pooling: its values, and no gradient where it gives none
      const h = heap(), arg = new Int32Array(h.buffer, argmax, N * FN * pooled);
      for (let i = 0, o = y >>> 2; i < N * FN * pooled; i++, o++) {
        const v = h[o];
        h[o] = v < 0 ? 0 : v;
        if (!(v > 0)) arg[i] = -1;
      }
    },
    f32_maxpool_conv_bwd_filter(x, dy, argmax, dwt, db, scratch, N, g, f0, fCount) {
      const { C, H, W, FN, FH, FW, stride, pad, poolH: PH, poolW: PW, poolStride, poolPad } = geometry(g);
      const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad), P = OH * OW, K = C * FH * FW;
      const doutN = scratch + K * P * 4, pooled = positions(OH, OW, PH, PW, poolStride, poolPad);
      const sums = new Float64Array(fCount); // f32_conv_bwd_filter's db: one float64 sum per channel, rounded once
      const h = heap();
      for (let n = 0; n < N; n++) {
        const o = (n * FN + f0) * pooled * 4;
        maxpoolBwd(dy + o, argmax + o, doutN, 1, fCount, OH, OW, PH, PW, poolStride, poolPad);
        im2colT(x + n * C * H * W * 4, scratch, 1, C, H, W, FH, FW, stride, pad);
        gemm(0, 1, K, fCount, P, 1, scratch, P, doutN, P, n > 0 ? 1 : 0, dwt + f0 * 4, FN);
        for (let f = 0; f < fCount; f++) for (let i = 0, start = (doutN >>> 2) + f * P; i < P; i++) sums[f] += h[start + i];
      }
      for (let f = 0; f < fCount; f++) h[(db >>> 2) + f0 + f] = sums[f];
    },
    f32_maxpool_conv_bwd_data(w, dy, argmax, dx, scratch, N, g) {
      const { C, H, W, FN, FH, FW, stride, pad, poolH: PH, poolW: PW, poolStride, poolPad } = geometry(g);
      const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
      const doutN = scratch + C * FH * FW * OH * OW * 4, pooled = positions(OH, OW, PH, PW, poolStride, poolPad);
      for (let n = 0; n < N; n++) {
        maxpoolBwd(dy + n * FN * pooled * 4, argmax + n * FN * pooled * 4, doutN, 1, FN, OH, OW, PH, PW, poolStride, poolPad);
        kernels.f32_conv_bwd_data(w, doutN, dx + n * C * H * W * 4, scratch, 1, g);
      }
    },
    f32_conv_maxpool_scratch_bytes(C, H, W, FN, FH, FW, stride, pad) {
      return (C * FH * FW + FN) * positions(H, W, FH, FW, stride, pad) * 4;
    },
  } satisfies KernelPart;
  return kernels;
}
