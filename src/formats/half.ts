// IEEE 754 half precision (safetensors F16) and bfloat16 (BF16) from and to float32 bits. Writing
// rounds to nearest, ties to even; reading is exact (every F16 and BF16 value is a float32).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The largest finite half: values from 65520 on round to infinity. */
export const FLOAT16_MAX = 65504;

/** The F16 bits of the float32 nearest to v, rounded to nearest even: ±Infinity beyond the range
 *  (the caller decides whether that is an error), NaN as a quiet NaN, tiny values as subnormals or ±0. */
export function toFloat16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15; // the half's biased exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // a subnormal half: the significand (with its implicit 1) shifted right, rounded
    const shift = 14 - e;
    if (shift > 24) return sign;
    const m = exp === 0 ? mant : mant | 0x800000;
    return sign | roundShift(m, shift); // a carry into 0x400 is the smallest normal, correctly encoded
  }
  // a carry out of the mantissa raises the exponent (and from 0x7bff to 0x7c00: infinity)
  return sign | roundShift((e << 23) | mant, 13);
}

// m >> shift, rounded to nearest, ties to even (shift from 1 to 24)
function roundShift(m: number, shift: number): number {
  const q = m >>> shift;
  const rest = m & ((1 << shift) - 1), half = 1 << (shift - 1);
  return rest > half || (rest === half && (q & 1)) ? q + 1 : q;
}

/** The value of F16 bits, exactly. */
export function fromFloat16Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return (sign ? -1 : 1) * mant * 2 ** -24;
  u32[0] = exp === 0x1f ? sign | 0x7f800000 | (mant << 13) : sign | ((exp - 15 + 127) << 23) | (mant << 13);
  return f32[0];
}

/** The value of BF16 bits (the upper half of a float32), exactly. */
export function fromBfloat16Bits(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0];
}
