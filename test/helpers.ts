// Test helpers: raw regions of linear memory (at chosen misalignments) and comparisons.
import { allocator, heapF32 } from '../src/backend/runtime.js';
import { createRng } from '../src/rng.js';

export const rng = createRng(12345);

/** Byte offset of n floats, `misalign` bytes (0, 4, 8 or 12) past a 64-byte boundary. */
export function region(n: number, misalign = 0): number {
  return allocator().alloc(n * 4 + 16) + misalign;
}

export function write(offset: number, values: ArrayLike<number>): void {
  heapF32().set(values, offset >>> 2);
}

export function read(offset: number, n: number): Float32Array {
  return heapF32().slice(offset >>> 2, (offset >>> 2) + n);
}

export function randomValues(n: number, lo = -1, hi = 1): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.uniform();
  return v;
}

/**
 * Asserts |actual - expected| <= abs + rel·|expected| elementwise (NaN must match NaN) and
 * reports the worst element on failure.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs = 0, label = ''): void {
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) {
      throw new Error(`${label}: element ${i}: got ${a}, expected ${e} (tolerance ${abs} + ${rel}·|e|)`);
    }
  }
}

/** Sizes around the SIMD width and the GEMM tile edges, plus one large size. */
export const EDGE_SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 1000];
export const MISALIGNMENTS = [0, 4, 8, 12];

/** The first 33 bytes of a PNG (signature and IHDR) declaring width × height; nothing after. */
export function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA, the CRC left zero: never read
  return bytes;
}

// The same safetensors file with another architecture string in its metadata.
export function rewriteArchitecture(bytes: Uint8Array, architecture: string): Uint8Array {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  header.__metadata__.architecture = architecture;
  const encoded = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + encoded.length + bytes.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(encoded.length), true);
  out.set(encoded, 8);
  out.set(bytes.subarray(8 + length), 8 + encoded.length);
  return out;
}
