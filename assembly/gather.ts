// Data movement for mini-batches and datasets.

@inline function off(i: i32): usize { return <usize>i << 2; }

// dst[r] = src[indices[r]] for r < n: rows of `cols` floats; indices are i32 at a byte offset.
// The book's x_train[batch_mask]. The host checks every index against the source's row count.
export function f32_gather_rows(src: usize, indices: usize, dst: usize, n: i32, cols: i32): void {
  const rowBytes = off(cols);
  for (let r = 0; r < n; r++) {
    memory.copy(dst + <usize>r * rowBytes, src + <usize>load<i32>(indices + off(r)) * rowBytes, rowBytes);
  }
}

// dst[i] = src[i] / divisor for n unsigned bytes at src (pixels to floats; 255 normalizes).
// NOTE: a division, not a multiplication by 1/255, so values equal numpy's x / 255 bit for bit.
export function f32_from_u8(src: usize, dst: usize, n: i32, divisor: f32): void {
  const vd = f32x4.splat(divisor);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const bytes = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(bytes);
    const hi = i16x8.extend_high_i8x16_u(bytes);
    const d = dst + off(i);
    v128.store(d, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), vd));
    v128.store(d, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), vd), 16);
    v128.store(d, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), vd), 32);
    v128.store(d, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), vd), 48);
  }
  for (; i < n; i++) store<f32>(dst + off(i), <f32>load<u8>(src + <usize>i) / divisor);
}
