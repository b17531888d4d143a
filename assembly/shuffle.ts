// SIMD data shuffles shared by kernels (not exported from the module).

// Reads 4 rows × 4 floats at s (row stride ss bytes) and writes them transposed at d (row stride
// ds bytes): d row k = s column k.
@inline
export function transpose4x4(s: usize, ss: usize, d: usize, ds: usize): void {
  transpose4x4Rows(s, s + ss, s + 2 * ss, s + 3 * ss, d, ds);
}

// The same for four rows anywhere (s0 … s3; one may repeat another).
@inline
export function transpose4x4Rows(s0: usize, s1: usize, s2: usize, s3: usize, d: usize, ds: usize): void {
  const r0 = v128.load(s0);
  const r1 = v128.load(s1);
  const r2 = v128.load(s2);
  const r3 = v128.load(s3);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(d + ds, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(d + 2 * ds, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(d + 3 * ds, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}
