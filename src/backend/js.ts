// The pure-JS twin of the wasm kernels: plain loops over the same linear memory, one function
// per wasm export with the same arguments. It is the oracle the wasm kernels are tested against
// and the "pure JavaScript" baseline the benchmarks compare with, so it is written for clarity
// first and decent speed second (good loop order, no allocation per call).
// Arithmetic runs in float64 and rounds once when stored.
import type { Kernels } from './kernels.js';

export function createJsKernels(heap: () => Float32Array): Kernels {
  let gemmRow = new Float64Array(0); // one row of C accumulated in float64

  const argmaxRow = (h: Float32Array, start: number, cols: number): number => {
    let best = 0;
    for (let c = 1; c < cols; c++) if (h[start + c] > h[start + best]) best = c;
    return best;
  };

  return {
    f32_fill(y, n, value) {
      heap().fill(value, y >> 2, (y >> 2) + n);
    },
    f32_copy(x, y, n) {
      heap().copyWithin(y >> 2, x >> 2, (x >> 2) + n);
    },
    f32_scale(x, y, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = x >> 2, o = y >> 2, end = i + n; i < end; i++, o++) h[o] = h[i] * a;
    },
    f32_axpy(x, y, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      const xi = x >> 2, yi = y >> 2;
      for (let i = 0; i < n; i++) h[yi + i] += a * h[xi + i];
    },
    f32_bias_add_rows(x, b, y, rows, cols) {
      const h = heap();
      const xi = x >> 2, bi = b >> 2, yi = y >> 2;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) h[yi + r * cols + c] = h[xi + r * cols + c] + h[bi + c];
      }
    },
    f32_sum_rows(x, out, rows, cols) {
      const h = heap();
      const xi = x >> 2, oi = out >> 2;
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += h[xi + r * cols + c];
        h[oi + c] = s;
      }
    },
    f32_relu_fwd(x, y, n) {
      const h = heap();
      for (let i = x >> 2, o = y >> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = v < 0 ? 0 : v;
      }
    },
    f32_relu_bwd(y, dy, dx, n) {
      const h = heap();
      for (let i = 0, yi = y >> 2, gi = dy >> 2, di = dx >> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = yv > 0 ? g : 0;
      }
    },
    f32_sigmoid_fwd(x, y, n) {
      const h = heap();
      for (let i = x >> 2, o = y >> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = 1 / (1 + Math.exp(-v));
      }
    },
    f32_sigmoid_bwd(y, dy, dx, n) {
      const h = heap();
      for (let i = 0, yi = y >> 2, gi = dy >> 2, di = dx >> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = g * (1 - yv) * yv;
      }
    },
    f32_tanh_fwd(x, y, n) {
      const h = heap();
      for (let i = x >> 2, o = y >> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = Math.tanh(v);
      }
    },
    f32_tanh_bwd(y, dy, dx, n) {
      const h = heap();
      for (let i = 0, yi = y >> 2, gi = dy >> 2, di = dx >> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = g * (1 - yv * yv);
      }
    },
    f32_leaky_relu_fwd(x, y, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = x >> 2, o = y >> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = v > 0 ? v : a * v;
      }
    },
    f32_leaky_relu_bwd(y, dy, dx, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = 0, yi = y >> 2, gi = dy >> 2, di = dx >> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = yv > 0 ? g : a * g;
      }
    },
    f32_elu_fwd(x, y, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = x >> 2, o = y >> 2, end = i + n; i < end; i++, o++) {
        const v = h[i];
        h[o] = v > 0 ? v : a * (Math.exp(v) - 1);
      }
    },
    f32_elu_bwd(y, dy, dx, n, alpha) {
      const h = heap();
      const a = Math.fround(alpha);
      for (let i = 0, yi = y >> 2, gi = dy >> 2, di = dx >> 2; i < n; i++) {
        const yv = h[yi + i], g = h[gi + i];
        h[di + i] = yv > 0 ? g : g * (yv + a);
      }
    },
    f32_softmax_fwd(x, y, rows, cols) {
      const h = heap();
      for (let r = 0; r < rows; r++) {
        const xr = (x >> 2) + r * cols, yr = (y >> 2) + r * cols;
        let m = -Infinity;
        for (let c = 0; c < cols; c++) m = Math.max(m, h[xr + c]);
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += Math.exp(h[xr + c] - m);
        for (let c = 0; c < cols; c++) h[yr + c] = Math.exp(h[xr + c] - m) / sum;
      }
    },
    f32_xent_labels_fwd(y, t, rows, cols) {
      const h = heap();
      let loss = 0;
      for (let r = 0; r < rows; r++) loss -= Math.log(h[(y >> 2) + r * cols + h[(t >> 2) + r]] + 1e-7);
      return loss;
    },
    f32_xent_onehot_fwd(y, t, rows, cols) {
      const h = heap();
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        loss -= Math.log(h[(y >> 2) + r * cols + argmaxRow(h, (t >> 2) + r * cols, cols)] + 1e-7);
      }
      return loss;
    },
    f32_softmax_xent_labels_bwd(y, t, dx, rows, cols, scale) {
      const h = heap();
      const s = Math.fround(scale);
      for (let r = 0; r < rows; r++) {
        const label = h[(t >> 2) + r];
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          h[(dx >> 2) + i] = (h[(y >> 2) + i] - (c === label ? 1 : 0)) * s;
        }
      }
    },
    f32_softmax_xent_onehot_bwd(y, t, dx, rows, cols, scale) {
      const h = heap();
      const s = Math.fround(scale);
      for (let i = 0; i < rows * cols; i++) h[(dx >> 2) + i] = (h[(y >> 2) + i] - h[(t >> 2) + i]) * s;
    },
    f32_argmax_rows(x, out, rows, cols) {
      const h = heap();
      for (let r = 0; r < rows; r++) h[(out >> 2) + r] = argmaxRow(h, (x >> 2) + r * cols, cols);
    },
    f32_gather_rows(src, indices, dst, n, cols) {
      const h = heap();
      const idx = new Int32Array(h.buffer, indices, n);
      for (let r = 0; r < n; r++) {
        const from = (src >> 2) + idx[r] * cols;
        h.copyWithin((dst >> 2) + r * cols, from, from + cols);
      }
    },
    f32_from_u8(src, dst, n, divisor) {
      const h = heap();
      const bytes = new Uint8Array(h.buffer, src, n);
      const d = Math.fround(divisor);
      for (let i = 0, o = dst >> 2; i < n; i++) h[o + i] = bytes[i] / d;
    },
    f32_gemm_workspace_bytes() {
      return 0;
    },
    f32_gemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) {
      const h = heap();
      const A = a >> 2, B = b >> 2, C = c >> 2;
      const al = Math.fround(alpha), be = Math.fround(beta);
      if (gemmRow.length < N) gemmRow = new Float64Array(N);
      const acc = gemmRow;
      for (let i = 0; i < M; i++) {
        if (transB) {
          // both operands contiguous along k: a dot product per element
          for (let j = 0; j < N; j++) {
            let s = 0;
            const bj = B + j * ldb;
            if (transA) for (let k = 0; k < K; k++) s += h[A + k * lda + i] * h[bj + k];
            else for (let k = 0, ai = A + i * lda; k < K; k++) s += h[ai + k] * h[bj + k];
            acc[j] = s;
          }
        } else {
          // row i of C accumulates a(i, k) times row k of B: unit stride innermost
          acc.fill(0, 0, N);
          for (let k = 0; k < K; k++) {
            const aik = transA ? h[A + k * lda + i] : h[A + i * lda + k];
            const bk = B + k * ldb;
            for (let j = 0; j < N; j++) acc[j] += aik * h[bk + j];
          }
        }
        const ci = C + i * ldc;
        for (let j = 0; j < N; j++) h[ci + j] = al * acc[j] + (be === 0 ? 0 : be * h[ci + j]);
      }
    },
  };
}
