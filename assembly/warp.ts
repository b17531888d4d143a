// Affine warps of images for data augmentation: each sample of x (N, C, H, W) is resampled through
// its own map, bilinear, with zeros outside the image.

@inline function off(i: i32): usize { return <usize>i << 2; }

// The value of plane p (H×W) at integer (row, col), 0 outside.
@inline function pixel(p: usize, row: i32, col: i32, H: i32, W: i32): f32 {
  return <u32>row < <u32>H && <u32>col < <u32>W ? load<f32>(p + off(row * W + col)) : 0;
}

// y[n, c, v, u] = x[n, c] bilinearly sampled at (sx, sy) = (a·u + b·v + c, d·u + e·v + f), where
// maps holds the six floats (a, b, c, d, e, f) of each sample n, in pixel units (pixel centres at
// integers). x and y must not overlap.
export function f32_warp_affine(x: usize, y: usize, maps: usize, N: i32, C: i32, H: i32, W: i32): void {
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    const m = maps + off(n * 6);
    const a = load<f32>(m), b = load<f32>(m, 4), c = load<f32>(m, 8);
    const d = load<f32>(m, 12), e = load<f32>(m, 16), f = load<f32>(m, 20);
    for (let v = 0; v < H; v++) {
      for (let u = 0; u < W; u++) {
        const sx = a * <f32>u + b * <f32>v + c, sy = d * <f32>u + e * <f32>v + f;
        const fx0 = Mathf.floor(sx), fy0 = Mathf.floor(sy);
        const wx = sx - fx0, wy = sy - fy0;
        // NOTE: far outside, the float → int conversion saturates; the bounds test then reads 0
        const x0 = <i32>fx0, y0 = <i32>fy0;
        for (let ch = 0; ch < C; ch++) {
          const p = x + off((n * C + ch) * plane);
          const top = pixel(p, y0, x0, H, W) * (1 - wx) + pixel(p, y0, x0 + 1, H, W) * wx;
          const bottom = pixel(p, y0 + 1, x0, H, W) * (1 - wx) + pixel(p, y0 + 1, x0 + 1, H, W) * wx;
          store<f32>(y + off((n * C + ch) * plane + v * W + u), top * (1 - wy) + bottom * wy);
        }
      }
    }
  }
}
