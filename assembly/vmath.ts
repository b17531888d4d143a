// Vector math shared by the kernels that need transcendental functions (f32x4 lanes).

// NOTE: Cephes expf (as in sse_mathfun): range reduction x = n·ln2 + r with ln2 split in two so
// n·ln2 is exact, a degree-6 polynomial for e^r (relative error ~2e-7 over the range), and 2^n
// built in the exponent bits. Inputs are clamped to ±88.376 so 2^n stays a normal float: exp of
// anything above returns 2.4e38 (never inf), below returns 0. NaN propagates.
@inline
export function exp_f32x4(x: v128): v128 {
  x = f32x4.min(x, f32x4.splat(88.3762626647949));
  x = f32x4.max(x, f32x4.splat(-88.3762626647949));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(x, x)), x), f32x4.splat(1.0));
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const pow2n = i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

// Scalar twin for loop tails, so a tail element gets exactly the same value as a vector lane.
@inline
export function exp_f32(x: f32): f32 {
  return f32x4.extract_lane(exp_f32x4(f32x4.splat(x)), 0);
}

// NOTE: Cephes tanhf: an odd polynomial below |x| = 0.625 (where 1 - 2/(e^2x + 1) would lose
// relative precision to cancellation), the exponential form above it.
@inline
export function tanh_f32x4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp_f32x4(f32x4.add(ax, ax));
  const one = f32x4.splat(1.0);
  const large = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(e, one)));
  // copy the sign of x onto the large-|x| branch
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

@inline
export function tanh_f32(x: f32): f32 {
  return f32x4.extract_lane(tanh_f32x4(f32x4.splat(x)), 0);
}
