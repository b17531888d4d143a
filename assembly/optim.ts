// Optimizer updates, one pass over a whole parameter each: p (params), g (grads) and the state
// vectors are n floats at byte offsets; the updated parameters go to `out`: p itself (in place), or
// n floats that do not overlap any of them (the Trainer keeps p as it was, see src/training/run.ts). The book's rules (common/optimizer.py), eps = 1e-7; state
// values that fall below the smallest normal float32 are stored as 0 (see flush4).

@inline function off(i: i32): usize { return <usize>i << 2; }

// NOTE: float32 values below 2^-126 (subnormals) cost x86 about a hundred times more per operation
// (microcode assists: wasm keeps IEEE subnormals, V8 sets no flush-to-zero). An optimizer's state
// decays into that range when a gradient stays 0 (Adam's v by 0.999 a step: it stays subnormal for
// thousands of steps): 12 % of a SimpleConvNet's Adam state did, and its update went from 0.56 to
// 5.5 ms, a third of a training step. Their effect on a parameter is below 1e-30, so the state keeps
// them as 0. NaN is kept (NaN < x is false), so a divergence stays visible.
const TINY = f32x4.splat(1.17549435e-38); // 2^-126, the smallest normal float32
@inline function flush4(x: v128): v128 { return v128.andnot(x, f32x4.lt(f32x4.abs(x), TINY)); }
@inline function flush(x: f32): f32 { return Mathf.abs(x) < <f32>1.17549435e-38 ? 0 : x; }

// v = m·v - lr·g; p += v
export function f32_momentum_step(p: usize, out: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32): void {
  const vlr = f32x4.splat(lr), vm = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const vv = flush4(f32x4.sub(f32x4.mul(vm, v128.load(v + off(i))), f32x4.mul(vlr, v128.load(g + off(i)))));
    v128.store(v + off(i), vv);
    v128.store(out + off(i), f32x4.add(v128.load(p + off(i)), vv));
  }
  for (; i < n; i++) {
    const vv = flush(momentum * load<f32>(v + off(i)) - lr * load<f32>(g + off(i)));
    store<f32>(v + off(i), vv);
    store<f32>(out + off(i), load<f32>(p + off(i)) + vv);
  }
}

// The book's Nesterov, in its order: p += m²·v; p -= (1 + m)·lr·g; v = m·v - lr·g
export function f32_nesterov_step(p: usize, out: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32): void {
  const m2 = momentum * momentum, glr = (<f32>1 + momentum) * lr;
  const vm = f32x4.splat(momentum), vm2 = f32x4.splat(m2), vglr = f32x4.splat(glr), vlr = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const vv = v128.load(v + off(i)), vg = v128.load(g + off(i));
    const pv = f32x4.sub(f32x4.add(v128.load(p + off(i)), f32x4.mul(vm2, vv)), f32x4.mul(vglr, vg));
    v128.store(out + off(i), pv);
    v128.store(v + off(i), flush4(f32x4.sub(f32x4.mul(vm, vv), f32x4.mul(vlr, vg))));
  }
  for (; i < n; i++) {
    const vv = load<f32>(v + off(i)), vg = load<f32>(g + off(i));
    store<f32>(out + off(i), load<f32>(p + off(i)) + m2 * vv - glr * vg);
    store<f32>(v + off(i), flush(momentum * vv - lr * vg));
  }
}

// h += g²; p -= lr·g / (√h + 1e-7)
export function f32_adagrad_step(p: usize, out: usize, g: usize, h: usize, n: i32, lr: f32): void {
  const vlr = f32x4.splat(lr), eps = f32x4.splat(1e-7);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const vg = v128.load(g + off(i));
    const vh = flush4(f32x4.add(v128.load(h + off(i)), f32x4.mul(vg, vg)));
    v128.store(h + off(i), vh);
    const step = f32x4.div(f32x4.mul(vlr, vg), f32x4.add(f32x4.sqrt(vh), eps));
    v128.store(out + off(i), f32x4.sub(v128.load(p + off(i)), step));
  }
  for (; i < n; i++) {
    const vg = load<f32>(g + off(i));
    const vh = flush(load<f32>(h + off(i)) + vg * vg);
    store<f32>(h + off(i), vh);
    store<f32>(out + off(i), load<f32>(p + off(i)) - lr * vg / (Mathf.sqrt(vh) + <f32>1e-7));
  }
}

// h = d·h + (1 - d)·g²; p -= lr·g / (√h + 1e-7)
export function f32_rmsprop_step(p: usize, out: usize, g: usize, h: usize, n: i32, lr: f32, decay: f32): void {
  const vlr = f32x4.splat(lr), vd = f32x4.splat(decay), v1d = f32x4.splat(<f32>1 - decay), eps = f32x4.splat(1e-7);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const vg = v128.load(g + off(i));
    const vh = flush4(f32x4.add(f32x4.mul(vd, v128.load(h + off(i))), f32x4.mul(v1d, f32x4.mul(vg, vg))));
    v128.store(h + off(i), vh);
    const step = f32x4.div(f32x4.mul(vlr, vg), f32x4.add(f32x4.sqrt(vh), eps));
    v128.store(out + off(i), f32x4.sub(v128.load(p + off(i)), step));
  }
  for (; i < n; i++) {
    const vg = load<f32>(g + off(i));
    const vh = flush(decay * load<f32>(h + off(i)) + (<f32>1 - decay) * (vg * vg));
    store<f32>(h + off(i), vh);
    store<f32>(out + off(i), load<f32>(p + off(i)) - lr * vg / (Mathf.sqrt(vh) + <f32>1e-7));
  }
}

// m += (1 - β1)(g - m); v += (1 - β2)(g² - v); p -= lrT·m / (√v + 1e-7), where the host passes
// the bias-corrected lrT = lr·√(1 - β2ᵗ) / (1 - β1ᵗ)
// NOTE: two vectors a step: V8 rebuilds the loop's vector constants inside it, and one vector a
// step ran 17 cycles where the divide and square root need ~9 (50 000 floats: 59 -> 43 µs).
export function f32_adam_step(p: usize, out: usize, g: usize, m: usize, v: usize, n: i32, lrT: f32, beta1: f32, beta2: f32): void {
  const vlr = f32x4.splat(lrT), vb1 = f32x4.splat(<f32>1 - beta1), vb2 = f32x4.splat(<f32>1 - beta2), eps = f32x4.splat(1e-7);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    adam4(p + off(i), out + off(i), g + off(i), m + off(i), v + off(i), vlr, vb1, vb2, eps);
    adam4(p + off(i + 4), out + off(i + 4), g + off(i + 4), m + off(i + 4), v + off(i + 4), vlr, vb1, vb2, eps);
  }
  if (i + 4 <= n) {
    adam4(p + off(i), out + off(i), g + off(i), m + off(i), v + off(i), vlr, vb1, vb2, eps);
    i += 4;
  }
  for (; i < n; i++) {
    const vg = load<f32>(g + off(i));
    const vm = flush(load<f32>(m + off(i)) + (<f32>1 - beta1) * (vg - load<f32>(m + off(i))));
    const vv = flush(load<f32>(v + off(i)) + (<f32>1 - beta2) * (vg * vg - load<f32>(v + off(i))));
    store<f32>(m + off(i), vm);
    store<f32>(v + off(i), vv);
    store<f32>(out + off(i), load<f32>(p + off(i)) - lrT * vm / (Mathf.sqrt(vv) + <f32>1e-7));
  }
}

// f32_adam_step on the four floats at p, g, m, v, the parameters written at out
@inline function adam4(p: usize, out: usize, g: usize, m: usize, v: usize, vlr: v128, vb1: v128, vb2: v128, eps: v128): void {
  const vg = v128.load(g);
  let vm = v128.load(m);
  let vv = v128.load(v);
  vm = flush4(f32x4.add(vm, f32x4.mul(vb1, f32x4.sub(vg, vm))));
  vv = flush4(f32x4.add(vv, f32x4.mul(vb2, f32x4.sub(f32x4.mul(vg, vg), vv))));
  v128.store(m, vm);
  v128.store(v, vv);
  const step = f32x4.div(f32x4.mul(vlr, vm), f32x4.add(f32x4.sqrt(vv), eps));
  v128.store(out, f32x4.sub(v128.load(p), step));
}
