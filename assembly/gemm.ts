// Single-precision GEMM: C = alpha·op(A)·op(B) + beta·C, row-major, byte offsets.
// op(A) is (M, K): A stored (M, K) with row stride lda, or (K, M) when transA.
// op(B) is (K, N): B stored (K, N) with row stride ldb, or (N, K) when transB.
// C is (M, N) with row stride ldc. beta = 0 never reads C (it may hold NaN garbage).
// `work` is scratch of f32_gemm_workspace_bytes(M, N, K) bytes; it must not overlap A, B or C.
//
// Structure (Goto/BLIS): the micro-kernel computes an MR × NR tile of C in registers over one
// k-block of KC, then scales and merges it into C. It reads NR = 8 consecutive floats of op(B)
// per k: when B is not transposed those are already consecutive in B, so full panels are read in
// place (a row stride apart) and only the ragged last panel is packed with zero padding; a
// transposed B is packed per (KC × NC) block into NR-wide panels (a SIMD 4×4 transpose). NOTE:
// packing a non-transposed B cost as much as the product itself in a convolution, where each
// per-sample product has few rows of A to reuse it. A is read in place, or packed when B is wide.

// NOTE: MR × NR = 4 × 8 is eight f32x4 accumulators plus two B vectors and one A splat: 11 of the
// 15 xmm registers V8 gives wasm SIMD code. 5×8 or 8×8 tiles spill and run at half speed.
const MR = 4;
const NR = 8;
// NOTE: KC 512 gave +2–4 % at 512³ with FMA (one k-block, no merges into C) and ±1 % elsewhere,
// but the blocking sets the order of each sum: every product with K > 256 would round
// differently, and SCRATCHNET_FMA=0 would no longer reproduce the figures measured so far.
const KC = 256; // a packed panel, KC × NR floats = 8 KiB, stays in L1 while A streams past it
const MC = 128; // rows of A per pass over the panels: MC × KC floats = 128 KiB, stays in L2
const NC = 2048; // columns of B packed at once: at most KC × NC floats = 2 MiB of workspace
// NOTE: read B in place only when few row blocks of A reuse each panel: a packed panel is
// contiguous, while an in-place one strides through memory (and a power-of-two ldb maps its rows
// onto a few cache sets).
const IN_PLACE_MAX_M = 64;
// NOTE: A is packed into MR-row panels when at least 8 panels of B reuse it: the micro-kernel
// then moves one A pointer instead of four, which the FMA kernel, bound by its instruction count,
// turns into +2–3 % at 256³ and 512³ (no change on the narrow Affine shapes). A transposed A's
// tile already reads one pointer, but its rows for one k lie a whole row of A apart from the next
// k's; packed, they are contiguous: +4 % on an Affine's dW (Xᵀ·dY, 4320 × 100 × 100) and on 512³
// with A transposed.
const PACK_A_MIN_N = 64;

import { transpose4x4, transpose4x4Rows } from './shuffle';

@inline function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }
@inline function off(i: i32): usize { return <usize>i << 2; }

// c + a·b. The relaxed-SIMD builds (scratchnet-relaxed*.wasm) fuse it into one instruction, which
// V8 emits as an FMA on x64 and arm64. NOTE: measured on this Xeon, one thread: 512³ 44 → 53 GFLOP/s,
// +15–20 % on every training shape. The micro-kernel is bound by its instruction count, not by the
// multipliers: fusing removes a third of its instructions. The unfused build keeps mul then add.
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// Bytes of scratch f32_gemm needs: one packed block of op(B), one MR × NR edge tile, and one
// packed block of A.
export function f32_gemm_workspace_bytes(M: i32, N: i32, K: i32): i32 {
  return (packedBlockFloats(N, K) + MR * NR + roundUp(min(M, MC), MR) * min(K, KC)) << 2;
}

@inline function packedBlockFloats(N: i32, K: i32): i32 {
  return min(K, KC) * roundUp(min(N, NC), NR);
}

export function f32_gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                         a: usize, lda: i32, b: usize, ldb: i32, beta: f32,
                         c: usize, ldc: i32, work: usize): void {
  gemmRowBias(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work, 0);
}

// f32_gemm, then C[i, :] += rowBias[i] for every row (rowBias = 0: none), as the tiles are stored:
// the convolution's bias, added while its output is in registers instead of in a pass of its own.
// NOTE: added with the last k-block, after the rest of the sum, so each element gets exactly the
// value the separate pass gave it.
export function gemmRowBias(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                            a: usize, lda: i32, b: usize, ldb: i32, beta: f32,
                            c: usize, ldc: i32, work: usize, rowBias: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    scaleC(c, ldc, M, N, beta);
    if (rowBias) addRowBias(c, ldc, M, N, rowBias);
    return;
  }
  // op(A)[i, k] sits at a + i·aRow + k·aK bytes
  const aRow: usize = transA ? 4 : off(lda);
  const aK: usize = transA ? off(lda) : 4;
  const tile = work + off(packedBlockFloats(N, K));
  const aPacked = tile + off(MR * NR);
  const packA = N >= PACK_A_MIN_N;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const bInPlace = !transB && M <= IN_PLACE_MAX_M;
      if (!bInPlace) packB(transB, b, ldb, pc, kc, jc, nc, work);
      else if (nc % NR) packB(transB, b, ldb, pc, kc, jc + nc - nc % NR, nc % NR, work + off((nc - nc % NR) * kc));
      // later k-blocks accumulate onto what the first one wrote
      const betaBlock: f32 = pc == 0 ? beta : 1;
      const biasBlock = pc + kc == K ? rowBias : 0;
      for (let ic = 0; ic < M; ic += MC) {
        const mEnd = min(ic + MC, M);
        if (packA) packAPanels(transA, a, lda, ic, mEnd, M, pc, kc, aPacked);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const inPlace = bInPlace && nr == NR;
          const pb = inPlace ? b + <usize>pc * off(ldb) + off(jc + jr) : work + off(jr * kc);
          const bStep: usize = inPlace ? off(ldb) : NR << 2;
          for (let i = ic; i < mEnd; i += MR) {
            const mr = min(MR, M - i);
            // Rows past M repeat the last real row, so the micro-kernel never branches; their
            // results are dropped at the store.
            const a0 = a + <usize>i * aRow + <usize>pc * aK;
            const a1 = mr > 1 ? a0 + aRow : a0;
            const a2 = mr > 2 ? a1 + aRow : a1;
            const a3 = mr > 3 ? a2 + aRow : a2;
            const cp = c + off(i * ldc + jc + jr);
            const bias = biasBlock ? biasBlock + off(i) : 0;
            // A packed panel, like a transposed A's full tile, holds the four rows side by side.
            // A last tile of one or two rows computes only those.
            if (packA) {
              const pa = aPacked + off((i - ic) * kc);
              if (mr > 2) microKernel(true, 4, pa, a1, a2, a3, MR << 2, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, betaBlock, bias, tile);
              else if (mr == 2) microKernel(true, 2, pa, a1, a2, a3, MR << 2, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, betaBlock, bias, tile);
              else microKernel(true, 1, pa, a1, a2, a3, MR << 2, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, betaBlock, bias, tile);
            } else if (transA && mr == MR) {
              microKernel(true, 4, a0, a1, a2, a3, aK, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, betaBlock, bias, tile);
            } else if (mr > 2) {
              microKernel(false, 4, a0, a1, a2, a3, aK, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, betaBlock, bias, tile);
            } else if (mr == 2) {
              microKernel(false, 2, a0, a1, a2, a3, aK, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, betaBlock, bias, tile);
            } else {
              microKernel(false, 1, a0, a1, a2, a3, aK, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, betaBlock, bias, tile);
            }
          }
        }
      }
    }
  }
}

// `adjacentRows` and `rows` are constants at each inlined call site, so the branches below fold
// away. `adjacentRows` reads the four rows of A as a0 + 0, 4, 8, 12 bytes, moving one pointer
// instead of four. `rows` (1, 2 or 4) is how many rows the tile computes: a convolution's last
// tile of 30 or 25 filters has 2 or 1 (conv forward +8 %, filter gradient +3 %, same bits).
// NOTE: the tile's other accumulators stay 0 and are never stored.
@inline
function microKernel(adjacentRows: bool, rows: i32, a0: usize, a1: usize, a2: usize, a3: usize, aK: usize, pb: usize, bStep: usize, kc: i32,
                     cp: usize, ldcBytes: usize, mr: i32, nr: i32, alpha: f32, beta: f32, bias: usize, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // NOTE: the loop runs on pb alone: one less counter in a loop that is bound by its µop count
  const pbEnd = pb + <usize>kc * bStep;
  for (; pb < pbEnd; pb += bStep) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(a0);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    if (rows > 1) {
      av = adjacentRows ? v128.load32_splat(a0, 4) : v128.load32_splat(a1);
      c10 = madd(av, b0, c10);
      c11 = madd(av, b1, c11);
    }
    if (rows > 2) {
      av = adjacentRows ? v128.load32_splat(a0, 8) : v128.load32_splat(a2);
      c20 = madd(av, b0, c20);
      c21 = madd(av, b1, c21);
      av = adjacentRows ? v128.load32_splat(a0, 12) : v128.load32_splat(a3);
      c30 = madd(av, b0, c30);
      c31 = madd(av, b1, c31);
    }
    a0 += aK;
    if (!adjacentRows) {
      if (rows > 1) a1 += aK;
      if (rows > 2) { a2 += aK; a3 += aK; }
    }
  }
  if (mr == MR && nr == NR) {
    storeRow(cp, c00, c01, alpha, beta, bias);
    storeRow(cp + ldcBytes, c10, c11, alpha, beta, bias ? bias + 4 : 0);
    storeRow(cp + 2 * ldcBytes, c20, c21, alpha, beta, bias ? bias + 8 : 0);
    storeRow(cp + 3 * ldcBytes, c30, c31, alpha, beta, bias ? bias + 12 : 0);
    return;
  }
  // Edge tile: park it in scratch and merge only the rows and columns that exist.
  v128.store(tile, c00, 0); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let r = 0; r < mr; r++) {
    const cr = cp + <usize>r * ldcBytes;
    const tr = tile + off(r * NR);
    for (let j = 0; j < nr; j++) {
      const v = alpha * load<f32>(tr + off(j));
      const merged = beta == 0 ? v : v + beta * load<f32>(cr + off(j));
      store<f32>(cr + off(j), bias ? merged + load<f32>(bias + off(r)) : merged);
    }
  }
}

// Row p of C = alpha·x + beta·C, then + the row's bias (at `bias`, when not 0)
@inline
function storeRow(p: usize, x0: v128, x1: v128, alpha: f32, beta: f32, bias: usize): void {
  if (alpha != 1) {
    const va = f32x4.splat(alpha);
    x0 = f32x4.mul(x0, va);
    x1 = f32x4.mul(x1, va);
  }
  if (beta == 1) {
    x0 = f32x4.add(v128.load(p), x0);
    x1 = f32x4.add(v128.load(p, 16), x1);
  } else if (beta != 0) {
    const vb = f32x4.splat(beta);
    x0 = f32x4.add(f32x4.mul(v128.load(p), vb), x0);
    x1 = f32x4.add(f32x4.mul(v128.load(p, 16), vb), x1);
  }
  if (bias) {
    const b = v128.load32_splat(bias);
    x0 = f32x4.add(x0, b);
    x1 = f32x4.add(x1, b);
  }
  v128.store(p, x0);
  v128.store(p, x1, 16);
}

// Packs op(A)[ic : mEnd, pc : pc + kc] into MR-row panels, k-major: for each k the panel's four
// rows side by side; rows past M repeat the last real row.
function packAPanels(transA: i32, a: usize, lda: i32, ic: i32, mEnd: i32, M: i32, pc: i32, kc: i32, dst: usize): void {
  const ldaBytes = off(lda);
  if (transA) {
    // op(A) rows i..i+3 at k are A[pc + k, i..i+3]: four consecutive floats
    for (let i = ic; i < mEnd; i += MR) {
      const d = dst + off((i - ic) * kc);
      let src = a + <usize>pc * ldaBytes + off(i);
      if (i + MR <= M) {
        for (let k = 0; k < kc; k++, src += ldaBytes) v128.store(d + off(k * MR), v128.load(src));
      } else {
        for (let k = 0; k < kc; k++, src += ldaBytes) {
          for (let r = 0; r < MR; r++) store<f32>(d + off(k * MR + r), load<f32>(src + off(min(i + r, M - 1) - i)));
        }
      }
    }
    return;
  }
  for (let i = ic; i < mEnd; i += MR) {
    const d = dst + off((i - ic) * kc);
    const src = a + <usize>i * ldaBytes + off(pc);
    let k = 0;
    if (i + MR <= M) {
      for (; k + 4 <= kc; k += 4) transpose4x4(src + off(k), ldaBytes, d + off(k * MR), MR << 2);
    }
    for (; k < kc; k++) {
      for (let r = 0; r < MR; r++) {
        const row = min(i + r, M - 1);
        store<f32>(d + off(k * MR + r), load<f32>(a + <usize>row * ldaBytes + off(pc + k)));
      }
    }
  }
}

// Packs op(B)[pc : pc+kc, jc : jc+nc] into panels of NR columns, each kc rows of NR floats
// (k-major). The last panel's missing columns are padding, zeros or copies, never stored.
function packB(transB: i32, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const ldbBytes = off(ldb);
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const d = dst + off(jr * kc);
    const j = jc + jr;
    if (!transB) {
      // op(B) row k is B row pc + k: NR contiguous floats per k
      let src = b + <usize>pc * ldbBytes + off(j);
      if (nr == NR) {
        for (let k = 0; k < kc; k++, src += ldbBytes) {
          const dk = d + off(k * NR);
          v128.store(dk, v128.load(src));
          v128.store(dk, v128.load(src, 16), 16);
        }
      } else {
        for (let k = 0; k < kc; k++, src += ldbBytes) {
          const dk = d + off(k * NR);
          for (let q = 0; q < NR; q++) store<f32>(dk + off(q), q < nr ? load<f32>(src + off(q)) : 0);
        }
      }
    } else {
      // op(B) column j + q is B row j + q: transpose 4 × 4 blocks of two groups of four rows
      const src = b + <usize>j * ldbBytes + off(pc);
      let k = 0;
      if (nr == NR) {
        for (; k + 4 <= kc; k += 4) {
          const s = src + off(k);
          transpose4x4(s, ldbBytes, d + off(k * NR), NR << 2);
          transpose4x4(s + 4 * ldbBytes, ldbBytes, d + off(k * NR + 4), NR << 2);
        }
      } else {
        // a ragged panel's missing columns repeat its last one (their results are never stored),
        // so its rows transpose the same way (NOTE: a filter gradient packs a 6-column panel per
        // sample: 25×576·576×30 +10 %). Separate from the loop above, which this slows by 4 %.
        const last = src + <usize>(nr - 1) * ldbBytes;
        const s1 = nr > 1 ? src + ldbBytes : last, s2 = nr > 2 ? src + 2 * ldbBytes : last, s3 = nr > 3 ? src + 3 * ldbBytes : last;
        const s4 = nr > 4 ? src + 4 * ldbBytes : last, s5 = nr > 5 ? src + 5 * ldbBytes : last, s6 = nr > 6 ? src + 6 * ldbBytes : last;
        for (; k + 4 <= kc; k += 4) {
          const sk = off(k), dk = d + off(k * NR);
          transpose4x4Rows(src + sk, s1 + sk, s2 + sk, s3 + sk, dk, NR << 2);
          transpose4x4Rows(s4 + sk, s5 + sk, s6 + sk, last + sk, dk + 16, NR << 2);
        }
      }
      for (; k < kc; k++) {
        const dk = d + off(k * NR);
        for (let q = 0; q < NR; q++) store<f32>(dk + off(q), q < nr ? load<f32>(src + <usize>q * ldbBytes + off(k)) : 0);
      }
    }
  }
}

// C[i, :] += bias[i]
function addRowBias(c: usize, ldc: i32, M: i32, N: i32, bias: usize): void {
  for (let i = 0; i < M; i++) {
    const cr = c + off(i * ldc);
    const b = load<f32>(bias + off(i));
    for (let j = 0; j < N; j++) store<f32>(cr + off(j), load<f32>(cr + off(j)) + b);
  }
}

// C = beta·C (the K = 0 product)
function scaleC(c: usize, ldc: i32, M: i32, N: i32, beta: f32): void {
  for (let i = 0; i < M; i++) {
    const cr = c + off(i * ldc);
    for (let j = 0; j < N; j++) store<f32>(cr + off(j), beta == 0 ? 0 : beta * load<f32>(cr + off(j)));
  }
}
