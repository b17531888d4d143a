// The IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): a big-endian header —
// two zero bytes, a type byte, the number of dimensions, then one u32 per dimension — followed
// by the data. Only unsigned bytes (type 0x08) are supported: that is all MNIST uses.

import { describe } from '../shape.js';
import { FileFormatError } from '../errors.js';

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

const hex = (b: number): string => '0x' + b.toString(16).toUpperCase().padStart(2, '0');

/**
 * Parses an IDX file of unsigned bytes. `name` (usually the file name) prefixes error messages.
 * `data` is a view into `bytes`, not a copy.
 */
export function parseIdx(bytes: Uint8Array, name: string): { dims: number[]; data: Uint8Array } {
  const fail = (problem: string): never => {
    throw new FileFormatError(`parseIdx(${name}): ${problem}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 4) fail(`expected at least 4 bytes (the magic number), file has ${bytes.length}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`bad magic number: expected two zero bytes, found ${hex(bytes[0])} ${hex(bytes[1])} (not an IDX file?)`);
  }
  const type = bytes[2];
  if (type !== 0x08) {
    fail(`unsupported data type ${hex(type)} (${TYPE_NAMES[type] ?? 'unknown'}): only 0x08 (unsigned byte) is supported`);
  }
  const ndim = bytes[3];
  if (ndim < 1 || ndim > 4) fail(`expected 1 to 4 dimensions, header declares ${ndim}`);

  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    fail(`truncated header: ${ndim} dimensions need a ${headerBytes}-byte header, file has ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));

  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found !== expected) {
    const declared = ndim === 1 ? `${expected}` : `${dims.join('×')} = ${expected}`;
    fail(`${found < expected ? 'truncated' : 'trailing bytes'}: header declares ${declared} data bytes, ` +
      `file has ${found} after the ${headerBytes}-byte header`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
