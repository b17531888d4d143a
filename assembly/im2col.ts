// im2col and its adjoint col2im, the book's common/util.py over NCHW images (byte offsets).
// col is (N·OH·OW, C·FH·FW) row-major: row (n, oy, ox), column (c, ky, kx), and
//   col[(n, oy, ox), (c, ky, kx)] = x[n, c, oy·stride + ky − pad, ox·stride + kx − pad]
// with 0 where that position lies in the padding. OH = 1 + ⌊(H + 2·pad − FH) / stride⌋, likewise
// OW: rows and columns past the last whole window are read by none. A filter larger than the
// padded image gives no rows.
// col and x must not overlap.
//
// A col row holds C·FH runs of FW floats, and each run is FW consecutive floats of one image row
// whatever the stride: those runs are what the SIMD code copies (im2col) or adds (col2im).

@inline function off(i: i32): usize { return <usize>i << 2; }

import { outSize } from './geometry';

// dst[0..n) = src[0..n). NOTE: for n >= 4 the last vector overlaps the previous one instead of
// running a scalar tail; overlapping stores write the same values, and nothing outside the run
// is touched.
@inline function copyRun(src: usize, dst: usize, n: i32): void {
  if (n >= 4) {
    let k = 0;
    for (; k + 8 <= n; k += 8) {
      v128.store(dst + off(k), v128.load(src + off(k)));
      v128.store(dst + off(k), v128.load(src + off(k), 16), 16);
    }
    if (k + 4 <= n) { v128.store(dst + off(k), v128.load(src + off(k))); k += 4; }
    if (k < n) v128.store(dst + off(n - 4), v128.load(src + off(n - 4)));
  } else {
    for (let k = 0; k < n; k++) store<f32>(dst + off(k), load<f32>(src + off(k)));
  }
}

@inline function zeroRun(dst: usize, n: i32): void {
  if (n >= 4) {
    const z = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= n; k += 4) v128.store(dst + off(k), z);
    if (k < n) v128.store(dst + off(n - 4), z);
  } else {
    for (let k = 0; k < n; k++) store<f32>(dst + off(k), 0);
  }
}

// dst[0..n) += src[0..n); the tail is scalar (an overlapping vector would add twice).
@inline function addRun(src: usize, dst: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(dst + off(k), f32x4.add(v128.load(dst + off(k)), v128.load(src + off(k))));
  for (; k < n; k++) store<f32>(dst + off(k), load<f32>(dst + off(k)) + load<f32>(src + off(k)));
}

export function f32_im2col(x: usize, col: usize, N: i32, C: i32, H: i32, W: i32,
                           FH: i32, FW: i32, stride: i32, pad: i32): void {
  const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
  if (OH == 0 || OW == 0) return;
  const plane = off(H * W);
  let dst = col; // col is written front to back
  for (let n = 0; n < N; n++) {
    const img = x + <usize>n * <usize>C * plane;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * stride - pad;
        const inside = ix0 >= 0 && ix0 + FW <= W; // the whole kx run lies in the image row
        for (let c = 0; c < C; c++) {
          const xc = img + <usize>c * plane;
          for (let ky = 0; ky < FH; ky++, dst += off(FW)) {
            const iy = iy0 + ky;
            if (iy < 0 || iy >= H) {
              zeroRun(dst, FW);
            } else if (inside) {
              copyRun(xc + off(iy * W + ix0), dst, FW);
            } else {
              const xr = xc + off(iy * W);
              for (let kx = 0; kx < FW; kx++) {
                const ix = ix0 + kx;
                store<f32>(dst + off(kx), ix >= 0 && ix < W ? load<f32>(xr + off(ix)) : 0);
              }
            }
          }
        }
      }
    }
  }
}

// x = col2im(col): x is zeroed, then every col element is added at its image position (windows
// that overlap add up; padding positions are dropped). The adjoint of f32_im2col:
// ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩. NOTE: additions land in a fixed order (col front to back),
// so the result does not depend on the backend.
export function f32_col2im(col: usize, x: usize, N: i32, C: i32, H: i32, W: i32,
                           FH: i32, FW: i32, stride: i32, pad: i32): void {
  memory.fill(x, 0, <usize>N * <usize>C * off(H * W));
  const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
  if (OH == 0 || OW == 0) return;
  const plane = off(H * W);
  let src = col;
  for (let n = 0; n < N; n++) {
    const img = x + <usize>n * <usize>C * plane;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * stride - pad;
        const inside = ix0 >= 0 && ix0 + FW <= W;
        for (let c = 0; c < C; c++) {
          const xc = img + <usize>c * plane;
          for (let ky = 0; ky < FH; ky++, src += off(FW)) {
            const iy = iy0 + ky;
            if (iy < 0 || iy >= H) continue;
            if (inside) {
              addRun(src, xc + off(iy * W + ix0), FW);
            } else {
              const xr = xc + off(iy * W);
              for (let kx = 0; kx < FW; kx++) {
                const ix = ix0 + kx;
                if (ix >= 0 && ix < W) store<f32>(xr + off(ix), load<f32>(xr + off(ix)) + load<f32>(src + off(kx)));
              }
            }
          }
        }
      }
    }
  }
}

// ---- the transposed layout: one (C·FH·FW, OH·OW) block per sample -------------------------------
// f32_im2col_t writes, per sample n, the transpose of f32_im2col's block: col is
// (N, C·FH·FW, OH·OW) row-major, row (c, ky, kx), column (oy, ox), and
//   col[n, (c, ky, kx), (oy, ox)] = x[n, c, oy·stride + ky − pad, ox·stride + kx − pad]
// (0 in the padding). A convolution is then out_n (FN, OH·OW) = W (FN, C·FH·FW) · col_n, a plain
// product that lands in NCHW order. Row (c, ky, kx) is, for each oy, a run of OW floats that at
// stride 1 is a contiguous piece of one image row (clipped at the borders): those are the SIMD
// copies (im2col_t) and adds (col2im_t). Other strides gather one float at a time.
// col and x must not overlap.

// The first output index o with o·stride + k − pad >= 0 (inside the image), clipped to [0, O].
@inline function firstInside(k: i32, stride: i32, pad: i32, O: i32): i32 {
  const d = pad - k;
  return min(d <= 0 ? 0 : (d + stride - 1) / stride, O);
}

// One past the last output index o with o·stride + k − pad <= size − 1, clipped to [lo, O].
@inline function endInside(size: i32, k: i32, stride: i32, pad: i32, O: i32, lo: i32): i32 {
  const d = size - 1 - k + pad;
  return max(min(d < 0 ? 0 : d / stride + 1, O), lo);
}

export function f32_im2col_t(x: usize, col: usize, N: i32, C: i32, H: i32, W: i32,
                             FH: i32, FW: i32, stride: i32, pad: i32): void {
  const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
  if (OH == 0 || OW == 0) return;
  const plane = off(H * W), rowStep = off(stride * W);
  let dst = col; // col is written front to back, one (OH, OW) row of col at a time
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xc = x + (<usize>n * <usize>C + <usize>c) * plane;
      for (let ky = 0; ky < FH; ky++) {
        // output rows [oyLo, oyHi) read image rows; the others lie in the padding
        const oyLo = firstInside(ky, stride, pad, OH), oyHi = endInside(H, ky, stride, pad, OH, oyLo);
        for (let kx = 0; kx < FW; kx++) {
          const oxLo = firstInside(kx, stride, pad, OW), oxHi = endInside(W, kx, stride, pad, OW, oxLo);
          const run = oxHi - oxLo, tail = OW - oxHi;
          zeroRun(dst, oyLo * OW);
          let d = dst + off(oyLo * OW);
          // x[iy, ix] of the first element of the run; only read when the run is not empty
          let s = xc + off((oyLo * stride + ky - pad) * W + oxLo * stride + kx - pad);
          if (stride == 1 && run == OW && OW >= 4) {
            // whole rows (no column in the padding), the last vector overlapping the previous one.
            // NOTE: without copyRun's and zeroRun's branches and tails, SimpleConvNet's 5 × 5
            // filters over 28 × 28 (rows of 24) take 188 µs per 100 samples instead of 260.
            const last: usize = off(OW - 4);
            const dEnd = d + off((oyHi - oyLo) * OW);
            for (; d < dEnd; d += off(OW), s += rowStep) {
              for (let k: usize = 0; k < last; k += 16) v128.store(d + k, v128.load(s + k));
              v128.store(d + last, v128.load(s + last));
            }
          } else if (stride == 1) {
            for (let oy = oyLo; oy < oyHi; oy++, d += off(OW), s += rowStep) {
              zeroRun(d, oxLo);
              copyRun(s, d + off(oxLo), run);
              zeroRun(d + off(oxHi), tail);
            }
          } else {
            for (let oy = oyLo; oy < oyHi; oy++, d += off(OW), s += rowStep) {
              zeroRun(d, oxLo);
              const dr = d + off(oxLo);
              for (let ox = 0; ox < run; ox++) store<f32>(dr + off(ox), load<f32>(s + off(ox * stride)));
              zeroRun(d + off(oxHi), tail);
            }
          }
          zeroRun(d, (OH - oyHi) * OW);
          dst += off(OH * OW);
        }
      }
    }
  }
}

// x = col2im_t(col), the adjoint of f32_im2col_t: x is zeroed, then every col element is added
// at its image position (padding positions are dropped). NOTE: additions land in a fixed order
// (col front to back), so the result does not depend on the backend.
export function f32_col2im_t(col: usize, x: usize, N: i32, C: i32, H: i32, W: i32,
                             FH: i32, FW: i32, stride: i32, pad: i32): void {
  memory.fill(x, 0, <usize>N * <usize>C * off(H * W));
  const OH = outSize(H, FH, stride, pad), OW = outSize(W, FW, stride, pad);
  if (OH == 0 || OW == 0) return;
  const plane = off(H * W), rowStep = off(stride * W);
  let src = col;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xc = x + (<usize>n * <usize>C + <usize>c) * plane;
      for (let ky = 0; ky < FH; ky++) {
        const oyLo = firstInside(ky, stride, pad, OH), oyHi = endInside(H, ky, stride, pad, OH, oyLo);
        for (let kx = 0; kx < FW; kx++) {
          const oxLo = firstInside(kx, stride, pad, OW), oxHi = endInside(W, kx, stride, pad, OW, oxLo);
          const run = oxHi - oxLo;
          let s = src + off(oyLo * OW + oxLo);
          let d = xc + off((oyLo * stride + ky - pad) * W + oxLo * stride + kx - pad);
          if (stride == 1) {
            for (let oy = oyLo; oy < oyHi; oy++, s += off(OW), d += rowStep) addRun(s, d, run);
          } else {
            for (let oy = oyLo; oy < oyHi; oy++, s += off(OW), d += rowStep) {
              for (let ox = 0; ox < run; ox++) {
                const p = d + off(ox * stride);
                store<f32>(p, load<f32>(p) + load<f32>(s + off(ox)));
              }
            }
          }
          src += off(OH * OW);
        }
      }
    }
  }
}
