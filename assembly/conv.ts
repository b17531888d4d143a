// Whole convolution passes over a range of samples, one sample at a time in the transposed im2col
// layout: col_n (K = C·FH·FW, P = OH·OW) = im2col_t(x_n) stays in cache between the copy and the
// product. Each call gets its own scratch (`col`, then the GEMM workspace right after it), so
// threads run disjoint ranges of the same pass side by side, and a range computes exactly what
// the whole batch would compute for it (bit-identical results with any number of threads).
import { outSize } from './geometry';
import { f32_col2im_t, f32_im2col_t } from './im2col';
import { f32_gemm, f32_gemm_workspace_bytes } from './gemm';
import { f32_bias_add_channels } from './bias';

@inline function off(i: i32): usize { return <usize>i << 2; }

// out_n (FN, P) = W (FN, K) · col_n + b, for the N samples at x; out is (N, FN, OH, OW).
// NOTE: the bias is added while out_n is still in cache, not in a pass over the whole batch.
export function f32_conv_fwd(x: usize, w: usize, b: usize, out: usize, scratch: usize, N: i32, C: i32, H: i32, W: i32,
                             FN: i32, FH: i32, FW: i32, stride: i32, pad: i32): void {
  const K = C * FH * FW, P = outSize(H, FH, stride, pad) * outSize(W, FW, stride, pad);
  const work = scratch + off(K * P);
  for (let n = 0; n < N; n++) {
    const outN = out + <usize>n * off(FN * P);
    f32_im2col_t(x + <usize>n * off(C * H * W), scratch, 1, C, H, W, FH, FW, stride, pad);
    f32_gemm(0, 0, FN, P, K, 1, w, K, scratch, P, 0, outN, P, work);
    f32_bias_add_channels(outN, b, outN, 1, FN, P);
  }
}

// dWᵀ (K, FN) columns [f0, f0 + fCount) = Σ_n col_n · dout_n[f0 : f0 + fCount]ᵀ over the N samples,
// added to what dWᵀ holds when `accumulate`, else overwriting it. Threads split the filters, not
// the samples, so every sum runs over the samples in the same order as on one thread.
export function f32_conv_bwd_filter(x: usize, dout: usize, dwt: usize, scratch: usize, N: i32, C: i32, H: i32, W: i32,
                                    FN: i32, FH: i32, FW: i32, stride: i32, pad: i32,
                                    f0: i32, fCount: i32, accumulate: i32): void {
  const K = C * FH * FW, P = outSize(H, FH, stride, pad) * outSize(W, FW, stride, pad);
  const work = scratch + off(K * P);
  for (let n = 0; n < N; n++) {
    f32_im2col_t(x + <usize>n * off(C * H * W), scratch, 1, C, H, W, FH, FW, stride, pad);
    const beta: f32 = n > 0 || accumulate ? 1 : 0;
    f32_gemm(0, 1, K, fCount, P, 1, scratch, P, dout + off((n * FN + f0) * P), P, beta, dwt + off(f0), FN, work);
  }
}

// dx_n = col2im_t(Wᵀ (K, FN) · dout_n (FN, P)) for the N samples at dout; dx is (N, C, H, W).
export function f32_conv_bwd_data(w: usize, dout: usize, dx: usize, scratch: usize, N: i32, C: i32, H: i32, W: i32,
                                  FN: i32, FH: i32, FW: i32, stride: i32, pad: i32): void {
  const K = C * FH * FW, P = outSize(H, FH, stride, pad) * outSize(W, FW, stride, pad);
  const work = scratch + off(K * P);
  for (let n = 0; n < N; n++) {
    f32_gemm(1, 0, K, P, FN, 1, w, K, dout + <usize>n * off(FN * P), P, 0, scratch, P, work);
    f32_col2im_t(scratch, dx + <usize>n * off(C * H * W), 1, C, H, W, FH, FW, stride, pad);
  }
}

// Bytes of scratch each call above needs: one sample's col and the largest GEMM workspace.
export function f32_conv_scratch_bytes(C: i32, H: i32, W: i32, FN: i32, FH: i32, FW: i32, stride: i32, pad: i32): i32 {
  const K = C * FH * FW, P = outSize(H, FH, stride, pad) * outSize(W, FW, stride, pad);
  return ((K * P) << 2) + max(f32_gemm_workspace_bytes(FN, P, K), max(f32_gemm_workspace_bytes(K, FN, P), f32_gemm_workspace_bytes(K, P, FN)));
}
