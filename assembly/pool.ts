// Max and average pooling over NCHW images (byte offsets). Each of the N·C planes (H, W) is
// pooled by PH × PW windows at `stride` with `pad`: y is (N, C, OH, OW) with
// OH = 1 + ⌊(H + 2·pad − PH) / stride⌋, likewise OW (rows and columns past the last whole window
// belong to no window: their gradient is 0).
// As in the book's Pooling (im2col with zero padding, then the max or mean of each row), a window
// counts its padding positions as zeros: a partly padded window of negative values has max 0,
// and the mean always divides by PH·PW. (The book's output size ignores pad; ours honours it,
// which gives the same numbers at pad 0.) Outputs must not overlap inputs.
//
// Forward passes run four horizontally adjacent windows as one f32x4 when all four lie wholly
// inside the image; windows touching the padding take the scalar path. Both compute the same
// operations in the same order, so every output gets the same value on either path.

@inline function off(i: i32): usize { return <usize>i << 2; }

import { outSize } from './geometry';

// The output columns [lo, hi) whose windows lie wholly inside the image row.
@inline function insideFrom(pad: i32, stride: i32, OW: i32): i32 { return min((pad + stride - 1) / stride, OW); }
@inline function insideTo(W: i32, PW: i32, stride: i32, pad: i32): i32 {
  const room = W + pad - PW;
  return room < 0 ? 0 : room / stride + 1;
}

// The floats at p, p + s, p + 2s, p + 3s (p a byte offset, s = stride in floats).
// NOTE: stride 2 loads p[0..3] and p[3..6] and picks 0, 2, 4, 6, so it never reads past p[6],
// the last float the four windows own.
@inline function load4(p: usize, stride: i32): v128 {
  if (stride == 1) return v128.load(p);
  if (stride == 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 12), 0, 2, 5, 7);
  const s = off(stride);
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + s));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * s));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * s));
}

// NOTE: np.argmax semantics, as the book's Pooling: the first maximum in (ky, kx) order wins (only
// a strictly greater value replaces it), and NaN counts as the maximum (the first NaN wins and
// the output is NaN), so a diverging network stays visible.
@inline function beats(v: f32, best: f32): bool { return v > best || (v != v && best == best); }
// The same test on four lanes, in two comparisons: ¬(v ≤ best) holds when v > best or either is
// NaN, and best == best rules out a NaN best.
@inline function beats4(v: v128, best: v128): v128 {
  return v128.andnot(f32x4.eq(best, best), f32x4.le(v, best));
}

// a where the mask m is set, else b. m comes from a comparison (each lane all ones or all zeros),
// where relaxed SIMD's lane select is exact, and V8 emits it as one blend instead of three
// logical operations.
@inline function select(a: v128, b: v128, m: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, m);
  return v128.bitselect(a, b, m);
}

// y = the max of each window; argmax (i32, one per output) = where it came from, as the flat
// index iy·W + ix within the input plane, or −1 when the window's first maximum is padding.
export function f32_maxpool_fwd(x: usize, y: usize, argmax: usize, N: i32, C: i32, H: i32, W: i32,
                                PH: i32, PW: i32, stride: i32, pad: i32): void {
  const OH = outSize(H, PH, stride, pad), OW = outSize(W, PW, stride, pad);
  if (OH == 0 || OW == 0) return;
  if (PH == 2 && PW == 2 && stride == 2 && pad == 0) {
    maxpool2x2Fwd(x, y, argmax, N * C, H, W, OH, OW);
    return;
  }
  const lo = insideFrom(pad, stride, OW), hi = insideTo(W, PW, stride, pad);
  const laneStep = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(stride));
  for (let p = 0; p < N * C; p++) {
    const xp = x + <usize>p * off(H * W);
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      const o = (p * OH + oy) * OW; // output index of (p, oy, 0)
      let ox = 0;
      if (iy0 >= 0 && iy0 + PH <= H) {
        for (; ox < lo; ox++) maxWindow(xp, H, W, iy0, ox * stride - pad, PH, PW, y + off(o + ox), argmax + off(o + ox));
        // the book's 2×2 windows at stride 2: four windows are two rows of 8 floats, split into
        // their even and odd columns; the same comparisons in the same order as the loop below
        if (PH == 2 && PW == 2 && stride == 2) {
          // `at` holds each window's offset of its maximum (0, 1, W or W + 1) until the store
          const right = i32x4.splat(1), below = i32x4.splat(W), belowRight = i32x4.splat(W + 1);
          for (; ox + 4 <= hi; ox += 4) {
            const base = iy0 * W + ox * 2 - pad;
            const r0 = xp + off(base), r1 = r0 + off(W);
            const a0 = v128.load(r0), a1 = v128.load(r0, 16);
            const b0 = v128.load(r1), b1 = v128.load(r1, 16);
            let best = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
            let v = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
            let m = beats4(v, best);
            best = select(v, best, m);
            let at = v128.and(right, m);
            v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
            m = beats4(v, best);
            best = select(v, best, m);
            at = select(below, at, m);
            v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
            m = beats4(v, best);
            best = select(v, best, m);
            at = select(belowRight, at, m);
            v128.store(y + off(o + ox), best);
            v128.store(argmax + off(o + ox), i32x4.add(at, i32x4.add(i32x4.splat(base), laneStep)));
          }
        }
        for (; ox + 4 <= hi; ox += 4) {
          const base = iy0 * W + ox * stride - pad;
          let best = load4(xp + off(base), stride);
          let at = i32x4.add(i32x4.splat(base), laneStep);
          for (let ky = 0; ky < PH; ky++) {
            for (let kx = 0; kx < PW; kx++) {
              if ((ky | kx) == 0) continue;
              const q = base + ky * W + kx;
              const v = load4(xp + off(q), stride);
              const m = beats4(v, best);
              best = select(v, best, m);
              at = select(i32x4.add(i32x4.splat(q), laneStep), at, m);
            }
          }
          v128.store(y + off(o + ox), best);
          v128.store(argmax + off(o + ox), at);
        }
      }
      for (; ox < OW; ox++) maxWindow(xp, H, W, iy0, ox * stride - pad, PH, PW, y + off(o + ox), argmax + off(o + ox));
    }
  }
}

// The book's 2×2 windows at stride 2 without padding: f32_maxpool_fwd's 2×2 loop without its
// per-row set-up (border checks, splats), the same operations on each window; a row's last
// OW mod 4 windows go one at a time, as there. NOTE: SimpleConvNet's pooling (30 planes of 24 × 24
// per sample, one sample at a time in cache) takes 306 µs per 100 samples instead of 465.
function maxpool2x2Fwd(x: usize, y: usize, argmax: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const right = i32x4.splat(1), below = i32x4.splat(W), belowRight = i32x4.splat(W + 1), eight = i32x4.splat(8);
  const grouped = OW & ~3; // windows in whole groups of four, per row
  let yp = y, ap = argmax;
  for (let p = 0; p < planes; p++) {
    const xp = x + <usize>p * off(H * W);
    for (let oy = 0; oy < OH; oy++) {
      let r0 = xp + off(2 * oy * W); // the top row of the next four windows
      // the four windows' top-left pixels, as argmax counts them
      let corner = i32x4.add(i32x4.splat(2 * oy * W), i32x4(0, 2, 4, 6));
      const groupsEnd = yp + off(grouped);
      for (; yp < groupsEnd; yp += 16, ap += 16, r0 += 32) {
        const r1 = r0 + off(W);
        const a0 = v128.load(r0), a1 = v128.load(r0, 16);
        const b0 = v128.load(r1), b1 = v128.load(r1, 16);
        let best = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
        let v = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        let m = beats4(v, best);
        best = select(v, best, m);
        let at = v128.and(right, m);
        v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        m = beats4(v, best);
        best = select(v, best, m);
        at = select(below, at, m);
        v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        m = beats4(v, best);
        best = select(v, best, m);
        at = select(belowRight, at, m);
        v128.store(yp, best);
        v128.store(ap, i32x4.add(at, corner));
        corner = i32x4.add(corner, eight);
      }
      for (let ox = grouped; ox < OW; ox++, yp += 4, ap += 4) maxWindow(xp, H, W, 2 * oy, 2 * ox, 2, 2, yp, ap);
    }
  }
}

// One window of a max pool, any part of it in the padding.
function maxWindow(xp: usize, H: i32, W: i32, iy0: i32, ix0: i32, PH: i32, PW: i32, y: usize, argmax: usize): void {
  let best: f32 = 0, at: i32 = -1;
  for (let ky = 0; ky < PH; ky++) {
    const iy = iy0 + ky;
    const rowIn = iy >= 0 && iy < H;
    for (let kx = 0; kx < PW; kx++) {
      const ix = ix0 + kx;
      const inside = rowIn && ix >= 0 && ix < W;
      const v: f32 = inside ? load<f32>(xp + off(iy * W + ix)) : 0;
      if ((ky | kx) == 0 || beats(v, best)) {
        best = v;
        at = inside ? iy * W + ix : -1;
      }
    }
  }
  store<f32>(y, best);
  store<i32>(argmax, at);
}

// dx = 0, then dx[plane, argmax] += dy for every output (overlapping windows add; −1 is dropped).
// The window is the forward's, and so is argmax. NOTE: additions land in output order, so the
// result does not depend on the backend. Each plane is zeroed just before its scatter, while it is
// in cache: one pass over dx's memory instead of two (the book's 2×2 windows at stride 2 over an
// even plane need no zeroing at all: maxpool2x2Bwd).
export function f32_maxpool_bwd(dy: usize, argmax: usize, dx: usize, N: i32, C: i32, H: i32, W: i32,
                                PH: i32, PW: i32, stride: i32, pad: i32): void {
  const OH = outSize(H, PH, stride, pad), OW = outSize(W, PW, stride, pad);
  if (PH == 2 && PW == 2 && stride == 2 && pad == 0 && H == 2 * OH && W == 2 * OW) {
    maxpool2x2Bwd(dy, argmax, dx, N * C, H, W, OH, OW);
    return;
  }
  const outPlane = OH * OW;
  for (let p = 0; p < N * C; p++) {
    const dxp = dx + <usize>p * off(H * W);
    memory.fill(dxp, 0, off(H * W));
    const o = p * outPlane;
    for (let i = 0; i < outPlane; i++) {
      const at = load<i32>(argmax + off(o + i));
      if (at >= 0) store<f32>(dxp + off(at), load<f32>(dxp + off(at)) + load<f32>(dy + off(o + i)));
    }
  }
}

// The book's 2×2 windows at stride 2 without padding tile the plane, so dx is written once, in
// order, with no zeroing pass: each pixel gets 0 + dy where it is its window's argmax, else 0 (the
// scatter's values: 0 + dy turns a −0 into +0). Four windows at a time make two rows of 8 floats.
// (Only for even H and W: an odd plane's last row or column, in no window, would stay unwritten.)
function maxpool2x2Bwd(dy: usize, argmax: usize, dx: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const zero = f32x4.splat(0);
  const evenCols = i32x4(0, 2, 4, 6), right = i32x4.splat(1), below = i32x4.splat(W), belowRight = i32x4.splat(W + 1);
  for (let p = 0; p < planes; p++) {
    const dxp = dx + <usize>p * off(H * W);
    for (let oy = 0; oy < OH; oy++) {
      const o = (p * OH + oy) * OW;
      const row = 2 * oy * W;
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const g = v128.load(dy + off(o + ox));
        // where each window's maximum sits, relative to its top-left pixel
        const at = i32x4.sub(v128.load(argmax + off(o + ox)), i32x4.add(i32x4.splat(row + 2 * ox), evenCols));
        const topLeft = f32x4.add(v128.and(g, i32x4.eq(at, zero)), zero);
        const topRight = f32x4.add(v128.and(g, i32x4.eq(at, right)), zero);
        const bottomLeft = f32x4.add(v128.and(g, i32x4.eq(at, below)), zero);
        const bottomRight = f32x4.add(v128.and(g, i32x4.eq(at, belowRight)), zero);
        const d = dxp + off(row + 2 * ox);
        v128.store(d, v128.shuffle<f32>(topLeft, topRight, 0, 4, 1, 5));
        v128.store(d, v128.shuffle<f32>(topLeft, topRight, 2, 6, 3, 7), 16);
        v128.store(d + off(W), v128.shuffle<f32>(bottomLeft, bottomRight, 0, 4, 1, 5));
        v128.store(d + off(W), v128.shuffle<f32>(bottomLeft, bottomRight, 2, 6, 3, 7), 16);
      }
      for (; ox < OW; ox++) {
        const g = load<f32>(dy + off(o + ox)) + 0;
        const at = load<i32>(argmax + off(o + ox)) - (row + 2 * ox);
        const d = dxp + off(row + 2 * ox);
        store<f32>(d, at == 0 ? g : 0);
        store<f32>(d, at == 1 ? g : 0, 4);
        store<f32>(d + off(W), at == W ? g : 0);
        store<f32>(d + off(W), at == W + 1 ? g : 0, 4);
      }
    }
  }
}

// y = (sum of the window's in-image values) / (PH·PW), summed in (ky, kx) order.
export function f32_avgpool_fwd(x: usize, y: usize, N: i32, C: i32, H: i32, W: i32,
                                PH: i32, PW: i32, stride: i32, pad: i32): void {
  const OH = outSize(H, PH, stride, pad), OW = outSize(W, PW, stride, pad);
  if (OH == 0 || OW == 0) return;
  const lo = insideFrom(pad, stride, OW), hi = insideTo(W, PW, stride, pad);
  const area = <f32>(PH * PW);
  const varea = f32x4.splat(area);
  for (let p = 0; p < N * C; p++) {
    const xp = x + <usize>p * off(H * W);
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      const o = (p * OH + oy) * OW;
      let ox = 0;
      if (iy0 >= 0 && iy0 + PH <= H) {
        for (; ox < lo; ox++) avgWindow(xp, H, W, iy0, ox * stride - pad, PH, PW, area, y + off(o + ox));
        for (; ox + 4 <= hi; ox += 4) {
          const base = iy0 * W + ox * stride - pad;
          let sum = f32x4.splat(0);
          for (let ky = 0; ky < PH; ky++) {
            for (let kx = 0; kx < PW; kx++) sum = f32x4.add(sum, load4(xp + off(base + ky * W + kx), stride));
          }
          v128.store(y + off(o + ox), f32x4.div(sum, varea));
        }
      }
      for (; ox < OW; ox++) avgWindow(xp, H, W, iy0, ox * stride - pad, PH, PW, area, y + off(o + ox));
    }
  }
}

function avgWindow(xp: usize, H: i32, W: i32, iy0: i32, ix0: i32, PH: i32, PW: i32, area: f32, y: usize): void {
  let sum: f32 = 0;
  for (let ky = 0; ky < PH; ky++) {
    const iy = iy0 + ky;
    if (iy < 0 || iy >= H) continue;
    for (let kx = 0; kx < PW; kx++) {
      const ix = ix0 + kx;
      if (ix >= 0 && ix < W) sum += load<f32>(xp + off(iy * W + ix));
    }
  }
  store<f32>(y, sum / area);
}

// dx = 0, then each window adds dy / (PH·PW) to each of its in-image positions: the adjoint of
// f32_avgpool_fwd. Scalar: a scatter of a few floats per window.
export function f32_avgpool_bwd(dy: usize, dx: usize, N: i32, C: i32, H: i32, W: i32,
                                PH: i32, PW: i32, stride: i32, pad: i32): void {
  memory.fill(dx, 0, <usize>N * <usize>C * off(H * W));
  const OH = outSize(H, PH, stride, pad), OW = outSize(W, PW, stride, pad);
  if (OH == 0 || OW == 0) return;
  const area = <f32>(PH * PW);
  for (let p = 0; p < N * C; p++) {
    const dxp = dx + <usize>p * off(H * W);
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * stride - pad;
        const g = load<f32>(dy + off((p * OH + oy) * OW + ox)) / area;
        for (let ky = 0; ky < PH; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < PW; kx++) {
            const ix = ix0 + kx;
            if (ix >= 0 && ix < W) store<f32>(dxp + off(iy * W + ix), load<f32>(dxp + off(iy * W + ix)) + g);
          }
        }
      }
    }
  }
}
