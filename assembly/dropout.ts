// Dropout masks drawn in wasm from a counter-based generator: element i of a call with key k gets
// u = hash(hash(i ^ k) + k) / 2^32, so a mask depends only on (key, i) and the JS twin draws the
// same one. The host takes a fresh key per call from the layer's seeded generator.

@inline function off(i: i32): usize { return <usize>i << 2; }

// NOTE: "lowbias32" (C. Wellons' hash-prospector): an invertible 32-bit mix with low bias;
// i32x4.mul is the low 32 bits of the product, like Math.imul.
@inline function hash4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(<i32>0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

// The uniform of 4 consecutive elements starting at i, in [0, 1) with 24 random bits.
@inline function uniform4(i: i32, key: v128): v128 {
  const index = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
  const bits = hash4(i32x4.add(hash4(v128.xor(index, key)), key));
  return f32x4.mul(f32x4.convert_i32x4_u(i32x4.shr_u(bits, 8)), f32x4.splat(<f32>1 / <f32>16777216));
}

// Training: mask = u > ratio (1 or 0), y = x·mask (the book's: not rescaled). y may alias x.
export function f32_dropout_fwd(x: usize, mask: usize, y: usize, n: i32, ratio: f32, key: i32): void {
  const vk = i32x4.splat(key), vr = f32x4.splat(ratio), one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const m = v128.and(f32x4.gt(uniform4(i, vk), vr), one);
    v128.store(mask + off(i), m);
    v128.store(y + off(i), f32x4.mul(v128.load(x + off(i)), m));
  }
  // the tail draws the same per-index uniforms as a vector lane would
  for (; i < n; i++) {
    const m = f32x4.extract_lane(uniform4(i, vk), 0) > ratio ? <f32>1 : <f32>0;
    store<f32>(mask + off(i), m);
    store<f32>(y + off(i), load<f32>(x + off(i)) * m);
  }
}
