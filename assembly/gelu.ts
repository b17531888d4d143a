// GELU, the tanh approximation (PyTorch's nn.GELU(approximate='tanh')):
//   y = ½·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
// and its gradient from the forward's input x (a function of x, not of y):
//   dx = dy·(½·(1 + t) + ½·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)),  t = tanh(u).
// x, y, dy, dx are byte offsets of n floats; y may alias x and dx may alias dy. Tails go through
// the same vector code one lane at a time, so every element gets the same value wherever it sits.
import { tanh_f32x4 } from './vmath';

@inline function off(i: i32): usize { return <usize>i << 2; }
@inline function lane0(v: v128): f32 { return f32x4.extract_lane(v, 0); }

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const CUBIC: f32 = 0.044715;

// u = √(2/π)·(x + 0.044715·x³), as x·(√(2/π) + √(2/π)·0.044715·x²)
@inline function inner4(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  return f32x4.mul(f32x4.mul(x, f32x4.splat(SQRT_2_OVER_PI)), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(CUBIC), x2)));
}

@inline function gelu4(x: v128): v128 {
  const half = f32x4.mul(x, f32x4.splat(0.5));
  return f32x4.mul(half, f32x4.add(f32x4.splat(1), tanh_f32x4(inner4(x))));
}

export function f32_gelu_fwd(x: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + off(i), gelu4(v128.load(x + off(i))));
  for (; i < n; i++) store<f32>(y + off(i), lane0(gelu4(f32x4.splat(load<f32>(x + off(i))))));
}

@inline function geluBwd4(x: v128, dy: v128): v128 {
  const one = f32x4.splat(1), half = f32x4.splat(0.5);
  const t = tanh_f32x4(inner4(x));
  const du = f32x4.mul(f32x4.splat(SQRT_2_OVER_PI), f32x4.add(one, f32x4.mul(f32x4.splat(3 * CUBIC), f32x4.mul(x, x))));
  const slope = f32x4.add(f32x4.mul(half, f32x4.add(one, t)), f32x4.mul(f32x4.mul(half, x), f32x4.mul(f32x4.sub(one, f32x4.mul(t, t)), du)));
  return f32x4.mul(dy, slope);
}

export function f32_gelu_bwd(x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dx + off(i), geluBwd4(v128.load(x + off(i)), v128.load(dy + off(i))));
  for (; i < n; i++) {
    store<f32>(dx + off(i), lane0(geluBwd4(f32x4.splat(load<f32>(x + off(i))), f32x4.splat(load<f32>(dy + off(i))))));
  }
}
