// The protobuf writer against encodings written out by hand from the wire-format documentation
// (protobuf.dev/programming-guides/encoding; the 150, "testing" and packed examples are its own).
// That what it writes is valid ONNX is test/onnx.test.ts's job (onnxruntime reads every export).
import { expect, test } from 'vitest';
import { ProtobufWriter } from '../src/formats/protobuf-writer.js';

const hex = (w: ProtobufWriter): string => Buffer.from(w.finish()).toString('hex');

test('varints: small, multi-byte, above 2³² and negative (ten bytes of two\'s complement)', () => {
  expect(hex(new ProtobufWriter().int(1, 150))).toBe('089601');
  expect(hex(new ProtobufWriter().int(1, 0))).toBe('0800');
  expect(hex(new ProtobufWriter().int(1, 127).int(1, 128))).toBe('087f' + '088001');
  expect(hex(new ProtobufWriter().int(1, 2 ** 35))).toBe('08' + '8080808080' + '01');
  expect(hex(new ProtobufWriter().int(1, -1))).toBe('08' + 'ff'.repeat(9) + '01');
  expect(hex(new ProtobufWriter().int(1, -2))).toBe('08' + 'fe' + 'ff'.repeat(8) + '01');
  // field numbers above 15 take a two-byte tag (AttributeProto.type is field 20)
  expect(hex(new ProtobufWriter().int(20, 7))).toBe('a00107');
});

test('strings, bytes, floats and packed repeated ints', () => {
  expect(hex(new ProtobufWriter().string(2, 'testing'))).toBe('120774657374696e67');
  expect(hex(new ProtobufWriter().string(2, 'é'))).toBe('1202c3a9'); // UTF-8
  expect(hex(new ProtobufWriter().bytes(9, new Uint8Array([1, 2, 3])))).toBe('4a03010203');
  expect(hex(new ProtobufWriter().float(2, 1))).toBe('150000803f');
  expect(hex(new ProtobufWriter().float(2, -0.5))).toBe('15000000bf');
  expect(hex(new ProtobufWriter().packedInts(4, [3, 270, 86942]))).toBe('2206038e029ea705');
  expect(hex(new ProtobufWriter().packedInts(4, []))).toBe(''); // an empty repeated field is absent
});

test('nested messages are length-prefixed, and a message of 200 bytes takes a two-byte length', () => {
  expect(hex(new ProtobufWriter().message(3, (m) => m.int(1, 150)))).toBe('1a03089601');
  const big = new ProtobufWriter().message(1, (m) => m.bytes(1, new Uint8Array(197))).finish();
  expect([...big.subarray(0, 5)]).toEqual([0x0a, 0xc8, 0x01, 0x0a, 0xc5]); // 200 = c8 01; 197 = c5 01
  expect(big.length).toBe(3 + 200);
});

test('the writer grows past its first buffer and keeps every byte', () => {
  const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 255);
  const out = new ProtobufWriter().int(1, 1).bytes(2, data).finish();
  expect([...out.subarray(0, 5)]).toEqual([0x08, 0x01, 0x12, 0xa0, 0x8d]); // 100000 = a0 8d 06
  expect(out.subarray(6)).toEqual(data);
});

test('a non-integer varint is an error, not a silently truncated number', () => {
  expect(() => new ProtobufWriter().int(1, 1.5)).toThrow(/ProtobufWriter: expected an integer, got 1.5/);
  expect(() => new ProtobufWriter().int(1, 2 ** 60)).toThrow(/expected an integer/);
});
