// Saving and loading parameters as safetensors: round trips, an independent reading of the bytes
// against the spec, and bad files that change nothing.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  deserialize, deserializeParams, init, loadParams, MultiLayerNetExtend, saveParams, serialize, serializeParams, tensor, TwoLayerNet,
} from '../src/index.js';
import { randomValues } from './helpers.js';

await init();
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-io-'));
const x = () => tensor(randomValues(3 * 6), [3, 6]);

test('a TwoLayerNet saved and loaded into a differently seeded one predicts the same', async () => {
  const a = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 1 });
  const b = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 2 });
  const path = join(dir, 'two.safetensors');
  await saveParams(a, path);
  const input = x();
  expect(b.predict(input).toArray()).not.toEqual(a.predict(input).toArray());
  await loadParams(b, path);
  expect(b.predict(input).toArray()).toEqual(a.predict(input).toArray());
  expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]); // no temporary left behind
});

test('batch-norm running statistics travel with the parameters', () => {
  const make = (seed: number) => new MultiLayerNetExtend({ inputSize: 6, hiddenSizeList: [5], outputSize: 3, useBatchnorm: true, seed });
  const a = make(1);
  a.gradient(x(), tensor([0, 1, 2])); // a training pass moves the running statistics
  const b = make(2);
  deserializeParams(b, serializeParams(a));
  expect(Object.keys(b.buffers)).toEqual(['runningMean1', 'runningVar1']);
  expect(b.buffers.runningMean1.toArray()).toEqual(a.buffers.runningMean1.toArray());
  const input = x();
  expect(b.predict(input).toArray()).toEqual(a.predict(input).toArray());
});

test('the bytes follow the safetensors spec, read here independently of the library', () => {
  const net = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 1 });
  const bytes = serializeParams(net);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const n = Number(view.getBigUint64(0, true));
  expect(n % 8).toBe(0);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  expect(header.__metadata__).toEqual({ format: 'scratchnet', network: 'TwoLayerNet' });
  expect(header.W1).toEqual({ dtype: 'F32', shape: [6, 4], data_offsets: [0, 96] });
  const [begin, end] = header.b2.data_offsets;
  const b2 = Array.from({ length: (end - begin) / 4 }, (_, i) => view.getFloat32(8 + n + begin + 4 * i, true));
  expect(b2).toEqual(net.params.b2.toArray());
  expect(bytes.length).toBe(8 + n + (6 * 4 + 4 + 4 * 3 + 3) * 4);
});

// The file with 2^32 added to its header length: the same low 32 bits.
function withHighLengthBytes(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[4] = 1;
  return copy;
}

describe('bad files are clear errors that leave the network as it was', () => {
  const net = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 1 });
  const good = serializeParams(net);
  const before = () => Object.values(net.params).map((p) => p.toArray());
  const original = before();

  test.each([
    ['truncated data', good.subarray(0, good.length - 4), /data_offsets end \d+ is past the \d+ bytes of data \(truncated\?\)/],
    ['a truncated header', good.subarray(0, 20), /header length \d+ runs past the end of the 20-byte file/],
    ['too short', good.subarray(0, 5), /5 bytes is shorter than the 8-byte header length/],
    ['trailing bytes', new Uint8Array([...good, 0, 0, 0, 0]), /4 bytes of data after the last tensor/],
    // the length is 64 bits: a reader of its low 32 bits alone would take this file for the good one
    ['a header length with its high bytes set', withHighLengthBytes(good), /header length 4294967\d+ runs past the end/],
  ])('%s', (_, bytes, message) => {
    expect(() => deserializeParams(net, bytes as Uint8Array)).toThrow(message);
    expect(before()).toEqual(original);
  });

  test('another architecture, a missing or extra tensor, another network class', () => {
    const bigger = new TwoLayerNet({ inputSize: 6, hiddenSize: 5, outputSize: 3 });
    expect(() => deserializeParams(net, serializeParams(bigger))).toThrow("deserializeParams: 'W1' is [6, 5] in the file but [6, 4] in the TwoLayerNet");
    const arrays = deserialize(good).arrays;
    const { b2: _, ...missing } = arrays;
    expect(() => deserializeParams(net, serialize(missing))).toThrow(/the file has no 'b2'/);
    expect(() => deserializeParams(net, serialize({ ...arrays, W9: { shape: [1], data: new Float32Array(1) } }))).toThrow(/the file has 'W9', which the TwoLayerNet does not/);
    expect(() => deserializeParams(net, serialize(arrays, { network: 'SimpleConvNet' }))).toThrow('deserializeParams: the file holds a SimpleConvNet, not a TwoLayerNet');
    expect(before()).toEqual(original);
  });

  test('files: a missing file and a corrupt one name the path', async () => {
    await expect(loadParams(net, join(dir, 'nope.safetensors'))).rejects.toThrow(/loadParams: could not read .*nope.safetensors/);
    const corrupt = join(dir, 'corrupt.safetensors');
    writeFileSync(corrupt, new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32, 1]));
    await expect(loadParams(net, corrupt)).rejects.toThrow(/loadParams\(.*corrupt.safetensors\): not a valid safetensors file/);
    await expect(saveParams(net, join(dir, 'no-such-dir', 'x.safetensors'))).rejects.toThrow(/saveParams: could not write/);
    expect(before()).toEqual(original);
    expect(readFileSync(corrupt).length).toBe(17);
  });
});
