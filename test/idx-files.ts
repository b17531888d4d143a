// Synthetic IDX files (the MNIST file format) for the data suites.

/** An IDX file: magic (0, 0, type, ndim), big-endian u32 dims, then `data` (default: i mod 256). */
export function idx(dims: number[], data?: ArrayLike<number>, type = 0x08): Uint8Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * dims.length + (data ? data.length : n));
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  bytes.set(data ?? Array.from({ length: n }, (_, i) => i % 256), 4 + 4 * dims.length);
  return bytes;
}
