// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
// header { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__: { string: string } },
// then the raw little-endian data, offsets relative to the end of the header. Writes F32 or F16;
// reads F32, F16 and BF16 into float32 arrays.

import { describe } from '../shape.js';
import { fromBfloat16Bits, fromFloat16Bits, toFloat16Bits } from './half.js';
import { FileFormatError, ShapeError, ValueError } from '../errors.js';

/** A float32 array with its shape (row-major), as a safetensors file stores a tensor. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

const MAX_HEADER = 100_000_000; // the reference implementation's limit

/** How serialize stores the values: 'F32' (float32, as they are) or 'F16' (half precision, rounded
 *  to nearest even; a value beyond its range, ±65504, is an error naming `caller`). */
export interface SerializeOptions {
  dtype?: 'F32' | 'F16';
  caller?: string;
}

/** Encodes float32 arrays by name (in the given order) with optional string metadata. */
export function serialize(arrays: Record<string, NamedArray>, metadata: Record<string, string> = {}, options: SerializeOptions = {}): Uint8Array {
  const { dtype = 'F32', caller = 'serialize' } = options;
  if (dtype !== 'F32' && dtype !== 'F16') throw new ValueError(`${caller}: dtype must be 'F32' or 'F16', got ${describe(dtype)}`);
  // NOTE: records without a prototype here and in deserialize: a tensor may be named `__proto__`
  // or `constructor`, which on a plain object would set its prototype or find Object's
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, { shape, data }] of Object.entries(arrays)) {
    if (name === '__metadata__') throw new ValueError('serialize: "__metadata__" is reserved and cannot name a tensor');
    if (shape.reduce((a, b) => a * b, 1) !== data.length) {
      throw new ShapeError(`serialize: ${name}: shape [${shape.join(', ')}] needs ${shape.reduce((a, b) => a * b, 1)} values, got ${data.length}`);
    }
  }
  const chunks = Object.entries(arrays).map(([name, { data }]) => (dtype === 'F16' ? halves(caller, name, data) : data));
  Object.entries(arrays).forEach(([name, { shape }], i) => {
    header[name] = { dtype, shape, data_offsets: [offset, offset + chunks[i].byteLength] };
    offset += chunks[i].byteLength;
  });
  // NOTE: the header is padded with spaces to a multiple of 8 bytes, so the data that follows
  // stays aligned for readers that map it as float32 arrays.
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const data of chunks) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at); // little-endian hosts only, like wasm
    at += data.byteLength;
  }
  return out;
}

// The F16 bits of each value; a finite value that rounds to infinity is refused, not written.
function halves(caller: string, name: string, data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const h = toFloat16Bits(data[i]);
    if ((h & 0x7c00) === 0x7c00 && Number.isFinite(data[i])) {
      throw new ValueError(`${caller}: '${name}' holds ${data[i]} at index ${i}, beyond float16's range (±65504); nothing was written (save as float32)`);
    }
    out[i] = h;
  }
  return out;
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

// The stored values as float32, from the dtype's bytes (not necessarily aligned).
function decode(dtype: string, bytes: Uint8Array, size: number): Float32Array {
  const data = new Float32Array(size);
  if (dtype === 'F32') {
    new Uint8Array(data.buffer).set(bytes);
    return data;
  }
  const bits = new Uint16Array(size);
  new Uint8Array(bits.buffer).set(bytes);
  const convert = dtype === 'F16' ? fromFloat16Bits : fromBfloat16Bits;
  for (let i = 0; i < size; i++) data[i] = convert(bits[i]);
  return data;
}

/** A decoded safetensors file: its arrays by name and its string metadata. Both records have no
 *  prototype: every key in them came from the file. */
export interface Decoded {
  arrays: Record<string, NamedArray>;
  metadata: Record<string, string>;
}

/** Decodes and validates a safetensors file: every offset, shape and byte range is checked. */
export function deserialize(bytes: Uint8Array, source = 'deserialize'): Decoded {
  const fail = (why: string): never => {
    throw new FileFormatError(`${source}: not a valid safetensors file: ${why}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected bytes (Uint8Array), got ${describe(bytes)}`);
  if (bytes.length < 8) fail(`${bytes.length} bytes is shorter than the 8-byte header length`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    return fail(`the header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = Object.create(null);
  const arrays: Record<string, NamedArray> = Object.create(null);
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object') fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(entry as object)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') fail(`${name}: expected { dtype, shape, data_offsets }`);
    const dtype = e.dtype;
    if (typeof dtype !== 'string' || !Object.hasOwn(BYTES, dtype)) fail(`${name}: dtype ${JSON.stringify(dtype)} is not supported (only F32, F16 and BF16)`);
    const width = BYTES[dtype as string];
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`${name}: shape must be an array of non-negative integers`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      fail(`${name}: data_offsets must be [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== size * width) fail(`${name}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${size * width}`);
    if (end > dataLength) fail(`${name}: data_offsets end ${end} is past the ${dataLength} bytes of data (truncated?)`);
    // copy: the bytes may not be aligned, and the caller may reuse them
    arrays[name] = { shape: shape as number[], data: decode(dtype as string, bytes.subarray(dataStart + begin, dataStart + end), size) };
    ranges.push([begin, end, name]);
  }
  // the spec: the data is covered by the tensors exactly, without holes or overlaps
  ranges.sort((a, b) => a[0] - b[0]);
  let expected = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== expected) fail(`${name}: data_offsets begin at ${begin}, expected ${expected} (hole or overlap)`);
    expected = end;
  }
  if (expected !== dataLength) fail(`${dataLength - expected} bytes of data after the last tensor`);
  return { arrays, metadata };
}
