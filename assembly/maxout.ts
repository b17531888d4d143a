// Maxout over groups of k consecutive channels (byte offsets). x is (outer, k, S) row-major: outer
// = N·G groups of k pieces, each piece S floats (the spatial size; 1 for a dense (N, F) input).
// y (outer, S): y[o, s] = max over p of x[o, p, s]; argmax (i32, outer·S) = that p.
// Outputs must not overlap inputs.
//
// The scalar paths choose with select rather than a branch: which piece wins depends on the data.
//
// NOTE: np.argmax semantics, as f32_maxpool_fwd: the first maximum in p order wins (only a
// strictly greater value replaces it), and NaN counts as the maximum (the first NaN wins and the
// output is NaN), so a diverging network stays visible.

@inline function off(i: i32): usize { return <usize>i << 2; }

// Piece p of four consecutive groups of a dense input (group g is the k floats at base + g·step):
// for k = 2 the even or odd floats of two vectors, otherwise gathered one float at a time.
@inline function piece4(base: usize, step: usize, k: i32, p: i32): v128 {
  if (k == 2) {
    const a = v128.load(base), b = v128.load(base, 16);
    return p == 0 ? v128.shuffle<f32>(a, b, 0, 2, 4, 6) : v128.shuffle<f32>(a, b, 1, 3, 5, 7);
  }
  const q = base + off(p);
  let v = f32x4.splat(load<f32>(q));
  v = f32x4.replace_lane(v, 1, load<f32>(q + step));
  v = f32x4.replace_lane(v, 2, load<f32>(q + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(q + 3 * step));
}

@inline function beats(v: f32, best: f32): bool { return v > best || (v != v && best == best); }
// ¬(v ≤ best) holds when v > best or either is NaN; best == best rules out a NaN best
@inline function beats4(v: v128, best: v128): v128 {
  return v128.andnot(f32x4.eq(best, best), f32x4.le(v, best));
}

// Four positions s at a time across the pieces (contiguous within a piece), or for a dense input
// (S = 1) four groups at a time; the tails one by one, with the same comparisons in the same order.
export function f32_maxout_fwd(x: usize, y: usize, argmax: usize, outer: i32, k: i32, S: i32): void {
  let o = 0;
  if (S == 1) {
    const step = off(k);
    for (; o + 4 <= outer; o += 4) {
      const base = x + <usize>o * step;
      let best = piece4(base, step, k, 0);
      let at = i32x4.splat(0);
      for (let p = 1; p < k; p++) {
        const v = piece4(base, step, k, p);
        const m = beats4(v, best);
        best = v128.bitselect(v, best, m);
        at = v128.bitselect(i32x4.splat(p), at, m);
      }
      v128.store(y + off(o), best);
      v128.store(argmax + off(o), at);
    }
  }
  for (; o < outer; o++) {
    const xo = x + <usize>o * off(k * S), yo = y + <usize>o * off(S), ao = argmax + <usize>o * off(S);
    let s = 0;
    for (; s + 4 <= S; s += 4) {
      let best = v128.load(xo + off(s));
      let at = i32x4.splat(0);
      for (let p = 1; p < k; p++) {
        const v = v128.load(xo + off(p * S + s));
        const m = beats4(v, best);
        best = v128.bitselect(v, best, m);
        at = v128.bitselect(i32x4.splat(p), at, m);
      }
      v128.store(yo + off(s), best);
      v128.store(ao + off(s), at);
    }
    for (; s < S; s++) {
      let best = load<f32>(xo + off(s));
      let at = 0;
      for (let p = 1; p < k; p++) {
        const v = load<f32>(xo + off(p * S + s));
        const m = beats(v, best);
        best = select<f32>(v, best, m);
        at = select<i32>(p, at, m);
      }
      store<f32>(yo + off(s), best);
      store<i32>(ao + off(s), at);
    }
  }
}

// dx[o, p, s] = dy[o, s] where p is argmax[o, s], else 0: each input gets the gradient of the one
// output it can feed (groups do not overlap), so dx is written once, with no zeroing pass (but for
// dense groups of k ≠ 2, zeroed and then scattered).
export function f32_maxout_bwd(dy: usize, argmax: usize, dx: usize, outer: i32, k: i32, S: i32): void {
  let o = 0;
  if (S == 1 && k == 2) {
    // four groups: their gradients masked for piece 0 and for piece 1, interleaved back to pairs
    const one = i32x4.splat(1);
    for (; o + 4 <= outer; o += 4) {
      const g = v128.load(dy + off(o)), at = v128.load(argmax + off(o));
      const first = v128.and(g, i32x4.eq(at, i32x4.splat(0))), second = v128.and(g, i32x4.eq(at, one));
      v128.store(dx + off(2 * o), v128.shuffle<f32>(first, second, 0, 4, 1, 5));
      v128.store(dx + off(2 * o), v128.shuffle<f32>(first, second, 2, 6, 3, 7), 16);
    }
  }
  if (S == 1) {
    // other dense groups: zero the rest of dx, then one store per group (a loop over the k pieces
    // of each group is an order of magnitude slower)
    memory.fill(dx + off(o * k), 0, <usize>(outer - o) * off(k));
    for (; o < outer; o++) store<f32>(dx + off(o * k + load<i32>(argmax + off(o))), load<f32>(dy + off(o)));
    return;
  }
  for (; o < outer; o++) {
    const dyo = dy + <usize>o * off(S), ao = argmax + <usize>o * off(S), dxo = dx + <usize>o * off(k * S);
    for (let p = 0; p < k; p++) {
      const dxp = dxo + off(p * S);
      const vp = i32x4.splat(p);
      let s = 0;
      for (; s + 4 <= S; s += 4) {
        v128.store(dxp + off(s), v128.and(v128.load(dyo + off(s)), i32x4.eq(v128.load(ao + off(s)), vp)));
      }
      for (; s < S; s++) store<f32>(dxp + off(s), select<f32>(load<f32>(dyo + off(s)), 0, load<i32>(ao + off(s)) == p));
    }
  }
}
