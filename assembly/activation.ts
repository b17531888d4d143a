// Elementwise activations, forward and backward. x, y, dy, dx are byte offsets of n floats;
// y may alias x and dx may alias dy. Backward passes take the forward output y, which carries
// all they need: y > 0 exactly where x > 0 (for alpha >= 0), and each derivative is a function
// of y. Tails go through the same vector code one lane at a time, so every element gets the
// same value wherever it sits.
import { exp_f32x4, tanh_f32x4 } from './vmath';

@inline function off(i: i32): usize { return <usize>i << 2; }
@inline function lane0(v: v128): f32 { return f32x4.extract_lane(v, 0); }

// NOTE: pmax(x, 0) is `x < 0 ? 0 : x`: NaN passes through (a diverging net stays visible) and
// it compiles to maxps without the NaN fix-up that f32x4.max needs (about 2x faster).
@inline function relu4(x: v128): v128 { return f32x4.pmax(x, f32x4.splat(0)); }
export function f32_relu_fwd(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + off(i), relu4(v128.load(x + off(i))));
  for (; i < n; i++) store<f32>(y + off(i), lane0(relu4(f32x4.splat(load<f32>(x + off(i))))));
}

// dx = y > 0 ? dy : 0 (ReLU'(0) = 0)
@inline function reluBwd4(y: v128, dy: v128): v128 { return v128.and(dy, f32x4.gt(y, f32x4.splat(0))); }
export function f32_relu_bwd(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dx + off(i), reluBwd4(v128.load(y + off(i)), v128.load(dy + off(i))));
  for (; i < n; i++) store<f32>(dx + off(i), load<f32>(y + off(i)) > 0 ? load<f32>(dy + off(i)) : 0);
}

// y = 1 / (1 + e^-x)
@inline function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp_f32x4(f32x4.neg(x))));
}
export function f32_sigmoid_fwd(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + off(i), sigmoid4(v128.load(x + off(i))));
  for (; i < n; i++) store<f32>(y + off(i), lane0(sigmoid4(f32x4.splat(load<f32>(x + off(i))))));
}

// dx = dy · (1 - y) · y
@inline function sigmoidBwd4(y: v128, dy: v128): v128 {
  return f32x4.mul(f32x4.mul(dy, f32x4.sub(f32x4.splat(1), y)), y);
}
export function f32_sigmoid_bwd(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dx + off(i), sigmoidBwd4(v128.load(y + off(i)), v128.load(dy + off(i))));
  for (; i < n; i++) {
    store<f32>(dx + off(i), lane0(sigmoidBwd4(f32x4.splat(load<f32>(y + off(i))), f32x4.splat(load<f32>(dy + off(i))))));
  }
}

export function f32_tanh_fwd(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + off(i), tanh_f32x4(v128.load(x + off(i))));
  for (; i < n; i++) store<f32>(y + off(i), lane0(tanh_f32x4(f32x4.splat(load<f32>(x + off(i))))));
}

// dx = dy · (1 - y²)
@inline function tanhBwd4(y: v128, dy: v128): v128 {
  return f32x4.mul(dy, f32x4.sub(f32x4.splat(1), f32x4.mul(y, y)));
}
export function f32_tanh_bwd(y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dx + off(i), tanhBwd4(v128.load(y + off(i)), v128.load(dy + off(i))));
  for (; i < n; i++) {
    store<f32>(dx + off(i), lane0(tanhBwd4(f32x4.splat(load<f32>(y + off(i))), f32x4.splat(load<f32>(dy + off(i))))));
  }
}

// y = x > 0 ? x : alpha·x
@inline function leakyRelu4(x: v128, alpha: v128): v128 {
  return v128.bitselect(x, f32x4.mul(x, alpha), f32x4.gt(x, f32x4.splat(0)));
}
export function f32_leaky_relu_fwd(x: usize, y: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + off(i), leakyRelu4(v128.load(x + off(i)), va));
  for (; i < n; i++) store<f32>(y + off(i), lane0(leakyRelu4(f32x4.splat(load<f32>(x + off(i))), va)));
}

// dx = y > 0 ? dy : alpha·dy
@inline function leakyReluBwd4(y: v128, dy: v128, alpha: v128): v128 {
  return v128.bitselect(dy, f32x4.mul(dy, alpha), f32x4.gt(y, f32x4.splat(0)));
}
export function f32_leaky_relu_bwd(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dx + off(i), leakyReluBwd4(v128.load(y + off(i)), v128.load(dy + off(i)), va));
  for (; i < n; i++) {
    store<f32>(dx + off(i), lane0(leakyReluBwd4(f32x4.splat(load<f32>(y + off(i))), f32x4.splat(load<f32>(dy + off(i))), va)));
  }
}

// y = x > 0 ? x : alpha·(e^x - 1)
@inline function elu4(x: v128, alpha: v128): v128 {
  const neg = f32x4.mul(alpha, f32x4.sub(exp_f32x4(x), f32x4.splat(1)));
  return v128.bitselect(x, neg, f32x4.gt(x, f32x4.splat(0)));
}
export function f32_elu_fwd(x: usize, y: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + off(i), elu4(v128.load(x + off(i)), va));
  for (; i < n; i++) store<f32>(y + off(i), lane0(elu4(f32x4.splat(load<f32>(x + off(i))), va)));
}

// dx = y > 0 ? dy : dy·(y + alpha), since d/dx alpha·(e^x - 1) = alpha·e^x = y + alpha
@inline function eluBwd4(y: v128, dy: v128, alpha: v128): v128 {
  return v128.bitselect(dy, f32x4.mul(dy, f32x4.add(y, alpha)), f32x4.gt(y, f32x4.splat(0)));
}
export function f32_elu_bwd(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dx + off(i), eluBwd4(v128.load(y + off(i)), v128.load(dy + off(i)), va));
  for (; i < n; i++) {
    store<f32>(dx + off(i), lane0(eluBwd4(f32x4.splat(load<f32>(y + off(i))), f32x4.splat(load<f32>(dy + off(i))), va)));
  }
}
