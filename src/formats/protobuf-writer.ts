// The protocol buffers wire format (protobuf.dev/programming-guides/encoding), writing side only:
// what an exporter needs to emit a message whose fields it knows. No schema, no reflection: the
// caller writes each field by number, in order, and nests messages through message().
import { ValueError } from '../errors.js';

// Wire types
const VARINT = 0, LENGTH_DELIMITED = 2, FIXED32 = 5;
const utf8 = new TextEncoder();

export class ProtobufWriter {
  #bytes = new Uint8Array(64);
  #length = 0;

  /** An int32, int64 or enum field: a varint; negative numbers as 64-bit two's complement. */
  int(field: number, value: number): this {
    this.#tag(field, VARINT);
    this.#varint(value);
    return this;
  }

  /** A float field: 4 bytes, little-endian. */
  float(field: number, value: number): this {
    this.#tag(field, FIXED32);
    this.#reserve(4);
    new DataView(this.#bytes.buffer).setFloat32(this.#length, value, true);
    this.#length += 4;
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, LENGTH_DELIMITED);
    this.#varint(value.length);
    this.#reserve(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
    return this;
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A repeated int32/int64 field, packed: one length-delimited run of varints (none when empty). */
  packedInts(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const run = new ProtobufWriter();
    for (const v of values) run.#varint(v);
    return this.bytes(field, run.finish());
  }

  /** A message field: `write` fills the nested message. */
  message(field: number, write: (w: ProtobufWriter) => void): this {
    const nested = new ProtobufWriter();
    write(nested);
    return this.bytes(field, nested.finish());
  }

  /** The message's bytes (a copy: the writer may go on). */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }

  #tag(field: number, wire: number): void {
    this.#varint(field * 8 + wire);
  }

  #varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new ValueError(`ProtobufWriter: expected an integer, got ${value}`);
    this.#reserve(10);
    if (value < 0) {
      // 64-bit two's complement: always 10 bytes
      let v = BigInt.asUintN(64, BigInt(value));
      for (let i = 0; i < 9; i++, v >>= 7n) this.#bytes[this.#length++] = Number(v & 0x7fn) | 0x80;
      this.#bytes[this.#length++] = Number(v);
      return;
    }
    // arithmetic, not bit operators, which would cut values above 2³¹
    while (value >= 0x80) {
      this.#bytes[this.#length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#bytes[this.#length++] = value;
  }

  #reserve(n: number): void {
    if (this.#length + n <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + n));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}
