// Twin of assembly/conv.ts: the same per-sample passes, built from the twin's own im2col, GEMM
// and bias kernels, so the two backends differ only where those kernels do.
import { biasKernels, sumChannels } from './bias.js';
import { gemmKernels } from './gemm.js';
import { im2colKernels, outSize } from './im2col.js';
import type { Heap, KernelPart } from './part.js';

export function convKernels(heap: Heap) {
  const { f32_gemm: gemm } = gemmKernels(heap);
  const { f32_im2col_t: im2colT, f32_col2im_t: col2imT } = im2colKernels(heap);
  const { f32_bias_add_channels: biasAddChannels } = biasKernels(heap);
  const positions = (H: number, W: number, FH: number, FW: number, stride: number, pad: number) =>
    outSize(H, FH, stride, pad) * outSize(W, FW, stride, pad);
  return {
    f32_conv_fwd(x, w, b, out, scratch, N, C, H, W, FN, FH, FW, stride, pad) {
      const K = C * FH * FW, P = positions(H, W, FH, FW, stride, pad);
      for (let n = 0; n < N; n++) {
        const outN = out + n * FN * P * 4;
        im2colT(x + n * C * H * W * 4, scratch, 1, C, H, W, FH, FW, stride, pad);
        gemm(0, 0, FN, P, K, 1, w, K, scratch, P, 0, outN, P);
        biasAddChannels(outN, b, outN, 1, FN, P);
      }
    },
    f32_conv_bwd_filter(x, dout, dwt, db, scratch, N, C, H, W, FN, FH, FW, stride, pad, f0, fCount) {
      const K = C * FH * FW, P = positions(H, W, FH, FW, stride, pad);
      for (let n = 0; n < N; n++) {
        im2colT(x + n * C * H * W * 4, scratch, 1, C, H, W, FH, FW, stride, pad);
        gemm(0, 1, K, fCount, P, 1, scratch, P, dout + (n * FN + f0) * P * 4, P, n > 0 ? 1 : 0, dwt + f0 * 4, FN);
      }
      sumChannels(heap(), dout, db, N, FN, P, f0, f0 + fCount);
    },
    f32_conv_bwd_data(w, dout, dx, scratch, N, C, H, W, FN, FH, FW, stride, pad) {
      const K = C * FH * FW, P = positions(H, W, FH, FW, stride, pad);
      for (let n = 0; n < N; n++) {
        gemm(1, 0, K, P, FN, 1, w, K, dout + n * FN * P * 4, P, 0, scratch, P);
        col2imT(scratch, dx + n * C * H * W * 4, 1, C, H, W, FH, FW, stride, pad);
      }
    },
    f32_conv_scratch_bytes(C, H, W, FN, FH, FW, stride, pad) {
      return C * FH * FW * positions(H, W, FH, FW, stride, pad) * 4; // the twin's GEMM needs no workspace
    },
  } satisfies KernelPart;
}
