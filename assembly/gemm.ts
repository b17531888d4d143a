// Single-precision GEMM: C = alpha·op(A)·op(B) + beta·C, row-major, byte offsets.
// op(A) is (M, K): A stored (M, K) with row stride lda, or (K, M) when transA.
// op(B) is (K, N): B stored (K, N) with row stride ldb, or (N, K) when transB.
// C is (M, N) with row stride ldc. beta = 0 never reads C (it may hold NaN garbage).
// `work` is scratch of f32_gemm_workspace_bytes(M, N, K) bytes; it must not overlap A, B or C.
//
// Structure (Goto/BLIS): the micro-kernel computes a TR × TN tile of C in registers over one
// k-block of KC, then scales and merges it into C. It reads TN consecutive floats of op(B) per k:
// when B is not transposed those are already consecutive in B, so full panels are read in place
// (a row stride apart) and only the ragged last panel is packed with zero padding; a transposed B
// is packed per (KC × NC) block into TN-wide panels (SIMD 4×4 transposes). NOTE: packing a
// non-transposed B cost as much as the product itself in a convolution, where each per-sample
// product has few rows of A to reuse it. A is read in place, or packed when B is wide.
//
// Run-time kernel selection: the loop nest exists once per candidate micro-kernel (the nest*
// functions below), and gemm_set_kernel picks one for the module instance for each of two kinds
// of product (init() times them, or takes init({ gemmKernel })). Every candidate sums each element
// of C in the same order (k ascending within the same KC blocks, one accumulator per element, the
// same merge into C), so they give the same bits and the timing can only change the speed.
// NOTE: the candidates are separate functions called through a table, never inlined into one:
// specialisations inside the one big loop-nest function made every product 1.6× slower (V8's
// register allocation of the big function).

// NOTE: a 4 × 8 tile is eight f32x4 accumulators plus two B vectors and one A splat: 11 of the
// 15 xmm registers V8 gives wasm SIMD code; 2 × 16 is eight accumulators, four B vectors and one
// splat (13). 5×8 or 8×8 tiles spill and run at half speed.
const NR_MAX = 16; // the widest candidate tile: packed panels and scratch are sized for it
const TILE_FLOATS = 32; // TR × TN of every candidate: the edge tile's scratch
// NOTE: KC 512 gave +2–4 % at 512³ with FMA (one k-block, no merges into C) and ±1 % elsewhere,
// but the blocking sets the order of each sum: every product with K > 256 would round
// differently, and SCRATCHNET_FMA=0 would no longer reproduce the figures measured so far.
const KC = 256; // a packed panel, KC × 8 or 16 floats = 8 or 16 KiB, stays in L1 while A streams past it
const MC = 128; // rows of A per pass over the panels: MC × KC floats = 128 KiB, stays in L2
const NC = 2048; // columns of B packed at once: at most KC × NC floats = 2 MiB of workspace
// A is packed in panels of 4 rows whatever the tile: a 2-row tile reads half a panel.
const PANEL_ROWS = 4;
// NOTE: read B in place only when few row blocks of A reuse each panel: a packed panel is
// contiguous, while an in-place one strides through memory (and a power-of-two ldb maps its rows
// onto a few cache sets).
const IN_PLACE_MAX_M = 64;
// NOTE: A is packed into 4-row panels when at least 8 panels of B reuse it: the micro-kernel
// then moves one A pointer instead of four, which the FMA kernel, bound by its instruction count,
// turns into +2–3 % at 256³ and 512³ (no change on the narrow Affine shapes). A transposed A's
// tile already reads one pointer, but its rows for one k lie a whole row of A apart from the next
// k's; packed, they are contiguous: +4 % on an Affine's dW (Xᵀ·dY, 4320 × 100 × 100) and on 512³
// with A transposed.
const PACK_A_MIN_N = 64;

@inline function readsBInPlace(transB: i32, M: i32): bool { return !transB && M <= IN_PLACE_MAX_M; }

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

// Bytes of scratch f32_gemm needs, whichever candidate runs: one packed block of op(B), one edge
// tile, and one packed block of A.
export function f32_gemm_workspace_bytes(M: i32, N: i32, K: i32): i32 {
  return (packedBlockFloats(N, K) + TILE_FLOATS + roundUp(min(M, MC), PANEL_ROWS) * min(K, KC)) << 2;
}

@inline function packedBlockFloats(N: i32, K: i32): i32 {
  return min(K, KC) * roundUp(min(N, NC), NR_MAX);
}

type LoopNest = (transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32,
                 beta: f32, c: usize, ldc: i32, work: usize, rowBias: usize) => void;

// The candidates, by the id gemm_set_kernel takes (src/backend/kernels.ts, GEMM_KERNELS, names them).
// 0: 4 × 8, the tile tuned on an Intel Xeon. 1: 2 × 16, B read 16 floats wide.
function nest4x8(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32,
                 beta: f32, c: usize, ldc: i32, work: usize, rowBias: usize): void {
  loopNest(4, 8, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work, rowBias);
}
function nest2x16(transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32,
                  beta: f32, c: usize, ldc: i32, work: usize, rowBias: usize): void {
  loopNest(2, 16, transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work, rowBias);
}

// The candidate for products that read B in place (few rows of C: convolutions, Winograd's
// channel sums), and the one for the others. NOTE: they differ by product: on a Zen 4, 2 × 16
// ran a convolution's 30×25·25×576 11 % and a Winograd 32×32·32×256 6 % faster than 4 × 8, and
// TwoLayerNet's 100×784·784×50 12 % slower.
let nestInPlace: LoopNest = nest4x8;
let nestPacked: LoopNest = nest4x8;

@inline function nestOf(id: i32): LoopNest {
  return id == 1 ? nest2x16 : nest4x8;
}

// Selects the candidates (ids above) for this module instance: for the products that read B in
// place, and for the others; false for an unknown id. Every thread's instance must be told the
// same, so that all run the same code.
export function gemm_set_kernel(inPlace: i32, packed: i32): bool {
  if (<u32>inPlace > 1 || <u32>packed > 1) return false;
  nestInPlace = nestOf(inPlace);
  nestPacked = nestOf(packed);
  return true;
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
  const nest = readsBInPlace(transB, M) ? nestInPlace : nestPacked;
  nest(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work, rowBias);
}

// The loop nest around a TR × TN micro-kernel (TR = 4 or 2, TN = 8 or 16, constants at each call
// site).
@inline
function loopNest(TR: i32, TN: i32, transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
                  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize, rowBias: usize): void {
  // op(A)[i, k] sits at a + i·aRow + k·aK bytes
  const aRow: usize = transA ? 4 : off(lda);
  const aK: usize = transA ? off(lda) : 4;
  const tile = work + off(packedBlockFloats(N, K));
  const aPacked = tile + off(TILE_FLOATS);
  const packA = N >= PACK_A_MIN_N;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      const bInPlace = readsBInPlace(transB, M);
      if (!bInPlace || nc % TN) {
        // in place, only the ragged last panel is packed (at its place in the packed block)
        const j0 = bInPlace ? nc - nc % TN : 0;
        if (TN > 8) packB16(transB, b, ldb, pc, kc, jc + j0, nc - j0, work + off(j0 * kc));
        else packB8(transB, b, ldb, pc, kc, jc + j0, nc - j0, work + off(j0 * kc));
      }
      // later k-blocks accumulate onto what the first one wrote
      const betaBlock: f32 = pc == 0 ? beta : 1;
      const biasBlock = pc + kc == K ? rowBias : 0;
      for (let ic = 0; ic < M; ic += MC) {
        const mEnd = min(ic + MC, M);
        if (packA) packAPanels(transA, a, lda, ic, mEnd, M, pc, kc, aPacked);
        for (let jr = 0; jr < nc; jr += TN) {
          const nr = min(TN, nc - jr);
          const inPlace = bInPlace && nr == TN;
          const pb = inPlace ? b + <usize>pc * off(ldb) + off(jc + jr) : work + off(jr * kc);
          const bStep: usize = inPlace ? off(ldb) : <usize>TN << 2;
          for (let i = ic; i < mEnd; i += TR) {
            const mr = min(TR, M - i);
            // Rows past M repeat the last real row, so the micro-kernel never branches; their
            // results are dropped at the store.
            const a0 = a + <usize>i * aRow + <usize>pc * aK;
            const a1 = mr > 1 ? a0 + aRow : a0;
            const a2 = mr > 2 ? a1 + aRow : a1;
            const a3 = mr > 3 ? a2 + aRow : a2;
            const cp = c + off(i * ldc + jc + jr);
            const bias = biasBlock ? biasBlock + off(i) : 0;
            tileKernel(TR, TN, packA, transA, i - ic, kc, aPacked, a0, a1, a2, a3, aK, pb, bStep, cp, ldc, mr, nr, alpha, betaBlock, bias, tile);
          }
        }
      }
    }
  }
}

// One tile of C: the micro-kernel variant for its rows (mr of TR) and A's layout, W columns wide.
@inline
function tileKernel(TR: i32, W: i32, packA: bool, transA: i32, r: i32, kc: i32, aPacked: usize, a0: usize, a1: usize, a2: usize, a3: usize,
                    aK: usize, pb: usize, bStep: usize, cp: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, beta: f32, bias: usize, tile: usize): void {
  // A packed panel, like a transposed A's full tile, holds the rows side by side.
  // A last tile of one or two rows computes only those.
  if (packA) {
    const pa = aPacked + off((r & ~(PANEL_ROWS - 1)) * kc + (r & (PANEL_ROWS - 1)));
    if (TR > 2 && mr > 2) microKernel(true, 4, W, pa, a1, a2, a3, PANEL_ROWS << 2, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, beta, bias, tile);
    else if (mr == 2) microKernel(true, 2, W, pa, a1, a2, a3, PANEL_ROWS << 2, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, beta, bias, tile);
    else microKernel(true, 1, W, pa, a1, a2, a3, PANEL_ROWS << 2, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, beta, bias, tile);
  } else if (transA && mr == TR) {
    microKernel(true, TR, W, a0, a1, a2, a3, aK, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, beta, bias, tile);
  } else if (TR > 2 && mr > 2) {
    microKernel(false, 4, W, a0, a1, a2, a3, aK, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, beta, bias, tile);
  } else if (mr == 2) {
    microKernel(false, 2, W, a0, a1, a2, a3, aK, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, beta, bias, tile);
  } else {
    microKernel(false, 1, W, a0, a1, a2, a3, aK, pb, bStep, kc, cp, off(ldc), mr, nr, alpha, beta, bias, tile);
  }
}

// `adjacentRows`, `rows` and `TN` are constants at each inlined call site, so the
// branches below fold away. `adjacentRows` reads the rows of A as a0 + 0, 4, 8, 12 bytes, moving
// one pointer instead of four. `rows` (1, 2 or 4) is how many rows the tile computes: a
// convolution's last tile of 30 or 25 filters has 2 or 1 (conv forward +8 %, filter gradient +3 %,
// same bits). NOTE: the tile's other accumulators stay 0 and are never stored.
@inline
function microKernel(adjacentRows: bool, rows: i32, TN: i32, a0: usize, a1: usize, a2: usize, a3: usize, aK: usize,
                     pb: usize, bStep: usize, kc: i32, cp: usize, ldcBytes: usize, mr: i32, nr: i32, alpha: f32, beta: f32,
                     bias: usize, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // NOTE: the loop runs on pb alone: one less counter in a loop that is bound by its µop count
  const pbEnd = pb + <usize>kc * bStep;
  for (; pb < pbEnd; pb += bStep) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let b2 = b0, b3 = b1;
    if (TN > 8) {
      b2 = v128.load(pb, 32);
      b3 = v128.load(pb, 48);
    }
    let av = v128.load32_splat(a0);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    if (TN > 8) {
      c02 = madd(av, b2, c02);
      c03 = madd(av, b3, c03);
    }
    if (rows > 1) {
      av = adjacentRows ? v128.load32_splat(a0, 4) : v128.load32_splat(a1);
      c10 = madd(av, b0, c10);
      c11 = madd(av, b1, c11);
      if (TN > 8) {
        c12 = madd(av, b2, c12);
        c13 = madd(av, b3, c13);
      }
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
  if (mr == rows && nr == TN) {
    storeRow(TN, cp, c00, c01, c02, c03, alpha, beta, bias);
    if (rows > 1) storeRow(TN, cp + ldcBytes, c10, c11, c12, c13, alpha, beta, bias ? bias + 4 : 0);
    if (rows > 2) {
      storeRow(TN, cp + 2 * ldcBytes, c20, c21, c20, c21, alpha, beta, bias ? bias + 8 : 0);
      storeRow(TN, cp + 3 * ldcBytes, c30, c31, c30, c31, alpha, beta, bias ? bias + 12 : 0);
    }
    return;
  }
  // Edge tile: park it in scratch (row r at r·TN floats) and merge only the rows and columns
  // that exist.
  v128.store(tile, c00, 0); v128.store(tile, c01, 16);
  if (TN > 8) { v128.store(tile, c02, 32); v128.store(tile, c03, 48); }
  if (rows > 1) {
    v128.store(tile + off(TN), c10, 0); v128.store(tile + off(TN), c11, 16);
    if (TN > 8) { v128.store(tile + off(TN), c12, 32); v128.store(tile + off(TN), c13, 48); }
  }
  if (rows > 2) {
    v128.store(tile, c20, 64); v128.store(tile, c21, 80);
    v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  }
  for (let r = 0; r < mr; r++) {
    const cr = cp + <usize>r * ldcBytes;
    const tr = tile + off(r * TN);
    for (let j = 0; j < nr; j++) {
      const v = alpha * load<f32>(tr + off(j));
      const merged = beta == 0 ? v : v + beta * load<f32>(cr + off(j));
      store<f32>(cr + off(j), bias ? merged + load<f32>(bias + off(r)) : merged);
    }
  }
}

// Row p of C (TN floats) = alpha·x + beta·C, then + the row's bias (at `bias`, when not 0)
@inline
function storeRow(TN: i32, p: usize, x0: v128, x1: v128, x2: v128, x3: v128, alpha: f32, beta: f32, bias: usize): void {
  if (alpha != 1) {
    const va = f32x4.splat(alpha);
    x0 = f32x4.mul(x0, va);
    x1 = f32x4.mul(x1, va);
    if (TN > 8) {
      x2 = f32x4.mul(x2, va);
      x3 = f32x4.mul(x3, va);
    }
  }
  if (beta == 1) {
    x0 = f32x4.add(v128.load(p), x0);
    x1 = f32x4.add(v128.load(p, 16), x1);
    if (TN > 8) {
      x2 = f32x4.add(v128.load(p, 32), x2);
      x3 = f32x4.add(v128.load(p, 48), x3);
    }
  } else if (beta != 0) {
    const vb = f32x4.splat(beta);
    x0 = f32x4.add(f32x4.mul(v128.load(p), vb), x0);
    x1 = f32x4.add(f32x4.mul(v128.load(p, 16), vb), x1);
    if (TN > 8) {
      x2 = f32x4.add(f32x4.mul(v128.load(p, 32), vb), x2);
      x3 = f32x4.add(f32x4.mul(v128.load(p, 48), vb), x3);
    }
  }
  if (bias) {
    const b = v128.load32_splat(bias);
    x0 = f32x4.add(x0, b);
    x1 = f32x4.add(x1, b);
    if (TN > 8) {
      x2 = f32x4.add(x2, b);
      x3 = f32x4.add(x3, b);
    }
  }
  v128.store(p, x0);
  v128.store(p, x1, 16);
  if (TN > 8) {
    v128.store(p, x2, 32);
    v128.store(p, x3, 48);
  }
}

// Packs op(A)[ic : mEnd, pc : pc + kc] into 4-row panels, k-major: for each k the panel's four
// rows side by side; rows past M repeat the last real row.
function packAPanels(transA: i32, a: usize, lda: i32, ic: i32, mEnd: i32, M: i32, pc: i32, kc: i32, dst: usize): void {
  const ldaBytes = off(lda);
  if (transA) {
    // op(A) rows i..i+3 at k are A[pc + k, i..i+3]: four consecutive floats
    for (let i = ic; i < mEnd; i += PANEL_ROWS) {
      const d = dst + off((i - ic) * kc);
      let src = a + <usize>pc * ldaBytes + off(i);
      if (i + PANEL_ROWS <= M) {
        for (let k = 0; k < kc; k++, src += ldaBytes) v128.store(d + off(k * PANEL_ROWS), v128.load(src));
      } else {
        for (let k = 0; k < kc; k++, src += ldaBytes) {
          for (let r = 0; r < PANEL_ROWS; r++) store<f32>(d + off(k * PANEL_ROWS + r), load<f32>(src + off(min(i + r, M - 1) - i)));
        }
      }
    }
    return;
  }
  for (let i = ic; i < mEnd; i += PANEL_ROWS) {
    const d = dst + off((i - ic) * kc);
    const src = a + <usize>i * ldaBytes + off(pc);
    let k = 0;
    if (i + PANEL_ROWS <= M) {
      for (; k + 4 <= kc; k += 4) transpose4x4(src + off(k), ldaBytes, d + off(k * PANEL_ROWS), PANEL_ROWS << 2);
    }
    for (; k < kc; k++) {
      for (let r = 0; r < PANEL_ROWS; r++) {
        const row = min(i + r, M - 1);
        store<f32>(d + off(k * PANEL_ROWS + r), load<f32>(a + <usize>row * ldaBytes + off(pc + k)));
      }
    }
  }
}

// Packs op(B)[pc : pc+kc, jc : jc+nc] into panels of TN columns (8 or 16, a constant at each
// inlined call site), each kc rows of TN floats (k-major). The last panel's missing columns are
// padding, zeros or copies, never stored.
function packB8(transB: i32, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  packB(8, transB, b, ldb, pc, kc, jc, nc, dst);
}
function packB16(transB: i32, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  packB(16, transB, b, ldb, pc, kc, jc, nc, dst);
}

@inline
function packB(TN: i32, transB: i32, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const ldbBytes = off(ldb);
  for (let jr = 0; jr < nc; jr += TN) {
    const nr = min(TN, nc - jr);
    const d = dst + off(jr * kc);
    const j = jc + jr;
    if (!transB) {
      // op(B) row k is B row pc + k: TN contiguous floats per k
      let src = b + <usize>pc * ldbBytes + off(j);
      if (nr == TN) {
        for (let k = 0; k < kc; k++, src += ldbBytes) {
          const dk = d + off(k * TN);
          v128.store(dk, v128.load(src));
          v128.store(dk, v128.load(src, 16), 16);
          if (TN > 8) {
            v128.store(dk, v128.load(src, 32), 32);
            v128.store(dk, v128.load(src, 48), 48);
          }
        }
      } else {
        for (let k = 0; k < kc; k++, src += ldbBytes) {
          const dk = d + off(k * TN);
          for (let q = 0; q < TN; q++) store<f32>(dk + off(q), q < nr ? load<f32>(src + off(q)) : 0);
        }
      }
    } else {
      // op(B) column j + q is B row j + q: transpose 4 × 4 blocks of groups of four rows
      const src = b + <usize>j * ldbBytes + off(pc);
      let k = 0;
      if (nr == TN) {
        for (; k + 4 <= kc; k += 4) {
          const s = src + off(k);
          transpose4x4(s, ldbBytes, d + off(k * TN), TN << 2);
          transpose4x4(s + 4 * ldbBytes, ldbBytes, d + off(k * TN + 4), TN << 2);
          if (TN > 8) {
            transpose4x4(s + 8 * ldbBytes, ldbBytes, d + off(k * TN + 8), TN << 2);
            transpose4x4(s + 12 * ldbBytes, ldbBytes, d + off(k * TN + 12), TN << 2);
          }
        }
      } else {
        // a ragged panel's missing columns repeat its last one (their results are never stored),
        // so its rows transpose the same way (NOTE: a filter gradient packs a 6-column panel per
        // sample: 25×576·576×30 +10 %)
        const last = src + <usize>(nr - 1) * ldbBytes;
        if (TN == 8) {
          const s1 = nr > 1 ? src + ldbBytes : last, s2 = nr > 2 ? src + 2 * ldbBytes : last, s3 = nr > 3 ? src + 3 * ldbBytes : last;
          const s4 = nr > 4 ? src + 4 * ldbBytes : last, s5 = nr > 5 ? src + 5 * ldbBytes : last, s6 = nr > 6 ? src + 6 * ldbBytes : last;
          for (; k + 4 <= kc; k += 4) {
            const sk = off(k), dk = d + off(k * TN);
            transpose4x4Rows(src + sk, s1 + sk, s2 + sk, s3 + sk, dk, TN << 2);
            transpose4x4Rows(s4 + sk, s5 + sk, s6 + sk, last + sk, dk + 16, TN << 2);
          }
        } else {
          // four columns at a time
          const kEnd = kc & ~3;
          for (let q = 0; q < TN; q += 4) {
            const s0 = src + <usize>min(q, nr - 1) * ldbBytes, s1 = src + <usize>min(q + 1, nr - 1) * ldbBytes;
            const s2 = src + <usize>min(q + 2, nr - 1) * ldbBytes, s3 = src + <usize>min(q + 3, nr - 1) * ldbBytes;
            for (let kk = 0; kk < kEnd; kk += 4) transpose4x4Rows(s0 + off(kk), s1 + off(kk), s2 + off(kk), s3 + off(kk), d + off(kk * TN + q), TN << 2);
          }
          k = kEnd;
        }
      }
      for (; k < kc; k++) {
        const dk = d + off(k * TN);
        for (let q = 0; q < TN; q++) store<f32>(dk + off(q), q < nr ? load<f32>(src + <usize>q * ldbBytes + off(k)) : 0);
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
