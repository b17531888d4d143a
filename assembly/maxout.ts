// Maxout over groups of k consecutive channels (byte offsets). x is (outer, k, S) row-major: outer
// = N·G groups of k pieces, each piece S floats (the spatial size; 1 for a dense (N, F) input).
// y (outer, S): y[o, s] = max over p of x[o, p, s]; argmax (i32, outer·S) = that p.
// Outputs must not overlap inputs.
//
// NOTE: np.argmax semantics, as f32_maxpool_fwd: the first maximum in p order wins (only a
// strictly greater value replaces it), and NaN counts as the maximum (the first NaN wins and the
// output is NaN), so a diverging network stays visible.

@inline function off(i: i32): usize { return <usize>i << 2; }

@inline function beats(v: f32, best: f32): bool { return v > best || (v != v && best == best); }
// ¬(v ≤ best) holds when v > best or either is NaN; best == best rules out a NaN best
@inline function beats4(v: v128, best: v128): v128 {
  return v128.andnot(f32x4.eq(best, best), f32x4.le(v, best));
}

// Four positions s at a time across the pieces (contiguous within a piece); the tail one by one,
// with the same comparisons in the same order.
export function f32_maxout_fwd(x: usize, y: usize, argmax: usize, outer: i32, k: i32, S: i32): void {
  for (let o = 0; o < outer; o++) {
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
        if (beats(v, best)) { best = v; at = p; }
      }
      store<f32>(yo + off(s), best);
      store<i32>(ao + off(s), at);
    }
  }
}

// dx[o, p, s] = dy[o, s] where p is argmax[o, s], else 0: each input gets the gradient of the one
// output it can feed (groups do not overlap), so dx is written once, with no zeroing pass.
export function f32_maxout_bwd(dy: usize, argmax: usize, dx: usize, outer: i32, k: i32, S: i32): void {
  for (let o = 0; o < outer; o++) {
    const dyo = dy + <usize>o * off(S), ao = argmax + <usize>o * off(S), dxo = dx + <usize>o * off(k * S);
    for (let p = 0; p < k; p++) {
      const dxp = dxo + off(p * S);
      const vp = i32x4.splat(p);
      let s = 0;
      for (; s + 4 <= S; s += 4) {
        v128.store(dxp + off(s), v128.and(v128.load(dyo + off(s)), i32x4.eq(v128.load(ao + off(s)), vp)));
      }
      for (; s < S; s++) store<f32>(dxp + off(s), load<i32>(ao + off(s)) == p ? load<f32>(dyo + off(s)) : 0);
    }
  }
}
