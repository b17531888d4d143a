// Basic vector operations on n floats at byte offsets. Outputs may alias inputs.

@inline function off(i: i32): usize { return <usize>i << 2; }

// y[i] = value
export function f32_fill(y: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + off(i), v);
  for (; i < n; i++) store<f32>(y + off(i), value);
}

// y[i] = x[i]; overlapping ranges are copied as if through a temporary (memmove)
export function f32_copy(x: usize, y: usize, n: i32): void {
  memory.copy(y, x, off(n));
}

// y[i] = alpha·x[i]
export function f32_scale(x: usize, y: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + off(i), f32x4.mul(v128.load(x + off(i)), va));
  for (; i < n; i++) store<f32>(y + off(i), load<f32>(x + off(i)) * alpha);
}

// out[i] = y[i] + alpha·x[i]; out is y (in place) or overlaps neither
export function f32_axpy(x: usize, y: usize, out: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(out + off(i), f32x4.add(v128.load(y + off(i)), f32x4.mul(v128.load(x + off(i)), va)));
  }
  for (; i < n; i++) store<f32>(out + off(i), load<f32>(y + off(i)) + load<f32>(x + off(i)) * alpha);
}

// z[i] = x[i]·y[i]; z may alias x or y
export function f32_mul(x: usize, y: usize, z: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(z + off(i), f32x4.mul(v128.load(x + off(i)), v128.load(y + off(i))));
  for (; i < n; i++) store<f32>(z + off(i), load<f32>(x + off(i)) * load<f32>(y + off(i)));
}
