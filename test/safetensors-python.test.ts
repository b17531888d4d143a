// saveParams writes files that another implementation of the format reads: .ci/read_safetensors.py
// (Python standard library only, written from the format's description) decodes every tensor of
// saved networks and a checkpoint, and its values must equal the network's exactly. The reader
// also has to refuse broken files, or its agreement would prove little.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  Adam, createRng, init, MultiLayerNetExtend, randn, saveParams, SGD, tensor, TwoLayerNet, type Network, type Optimizer, type Tensor,
} from '../src/index.js';
import { tempDir } from './scripts.js';

const reader = fileURLToPath(new URL('../.ci/read_safetensors.py', import.meta.url));

interface Read {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number]; values: (number | boolean)[] | null }>;
}

/** The reader's exit code, its JSON (on success) and its complaint (on failure). */
function python(file: string): { status: number | null; read?: Read; stderr: string } {
  const r = spawnSync('python3', [reader, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, read: r.status === 0 ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

let dir: string;

beforeAll(async () => {
  try {
    execFileSync('python3', ['--version']);
  } catch (e) {
    throw new Error(`these tests need python3 on the PATH to run ${reader} (${(e as Error).message})`);
  }
  await init();
  dir = tempDir('safetensors-python');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A few training steps, so biases and batch-norm statistics are not their initial zeros. */
function train(net: Network, optimizer: Optimizer, inputSize: number): void {
  const rng = createRng(3);
  const x = randn([16, inputSize], rng);
  const t = tensor(Array.from({ length: 16 }, () => rng.int(10)), [16]);
  for (let i = 0; i < 5; i++) optimizer.update(net.params as Record<string, Tensor>, net.gradient(x, t));
  x.dispose();
  t.dispose();
}

/** Saves, reads back with Python, and checks names (in order), shapes and every value. */
async function expectPythonReads(name: string, expected: Record<string, Tensor>, save: (file: string) => Promise<void>): Promise<Read> {
  const file = join(dir, `${name}.safetensors`);
  await save(file);
  const { status, read, stderr } = python(file);
  expect(status, stderr).toBe(0);
  expect(Object.keys(read!.tensors)).toEqual(Object.keys(expected));
  for (const [key, t] of Object.entries(expected)) {
    const got = read!.tensors[key];
    expect(got.dtype, key).toBe('F32');
    expect(got.shape, key).toEqual(t.shape);
    // float32 → Python float → shortest JSON repr → JS number is exact, so equality is bitwise
    expect(got.values, key).toEqual(Array.from(t.data));
  }
  return read!;
}

test('a trained TwoLayerNet reads back in Python value for value', async () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1 });
  train(net, new SGD({ lr: 0.1 }), 784);
  const read = await expectPythonReads('two-layer', net.params, (file) => saveParams(net, file, { note: 'from python' }));
  expect(read.metadata).toEqual({ note: 'from python', format: 'scratchnet', network: 'TwoLayerNet' });
});

test('a MultiLayerNetExtend with batch norm: gammas, betas and running statistics too', async () => {
  const net = new MultiLayerNetExtend({ inputSize: 30, hiddenSizeList: [20, 15], outputSize: 10, useBatchnorm: true, seed: 2 });
  train(net, new SGD({ lr: 0.1 }), 30);
  const expected = { ...net.params, ...net.buffers };
  expect(Object.keys(expected)).toEqual(expect.arrayContaining(['gamma1', 'beta2', 'runningMean1', 'runningVar2']));
  const read = await expectPythonReads('batchnorm', expected, (file) => saveParams(net, file));
  expect(read.metadata.network).toBe('MultiLayerNetExtend');
});

test("a checkpoint's Adam moments and step count", async () => {
  const net = new TwoLayerNet({ inputSize: 12, hiddenSize: 8, outputSize: 10, seed: 3 });
  const adam = new Adam({ lr: 0.01 });
  train(net, adam, 12);
  const moments = Object.fromEntries(Object.entries(adam.exportState().tensors).map(([k, t]) => [`optimizer.${k}`, t]));
  expect(Object.keys(moments)).toHaveLength(8); // m and v of W1, b1, W2, b2
  const read = await expectPythonReads('checkpoint', { ...net.params, ...moments }, (file) => saveParams(net, file, {}, adam));
  expect(read.metadata).toMatchObject({ optimizer: 'Adam', 'optimizer.t': '5' });
});

// --- the reader itself: other writers' choices it must accept, and broken files it must refuse

/** A safetensors file from a header (object, JSON text or bytes) and a byte buffer; `length` overrides N. */
function file(name: string, header: object | string | Uint8Array, buffer: Uint8Array, length?: bigint): string {
  const json = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + buffer.length);
  new DataView(bytes.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(buffer, 8 + json.length);
  return raw(name, bytes);
}

function raw(name: string, bytes: Uint8Array): string {
  const path = join(dir, `${name}.safetensors`);
  writeFileSync(path, bytes);
  return path;
}

test('the reader decodes other dtypes, empty and scalar tensors, an unpadded header and no metadata', () => {
  const buffer = new Uint8Array(8 + 8 + 3 + 2 + 4);
  const view = new DataView(buffer.buffer);
  view.setFloat64(0, -1.5, true); // x: F64 [1]
  view.setInt32(8, -7, true); // k: I32 [2]
  view.setInt32(12, 123456, true);
  buffer.set([0, 1, 1], 16); // mask: BOOL [3]
  view.setUint16(19, 0x3c00, true); // h: F16 [] (1.0)
  view.setFloat32(21, 0.1, true); // f: F32 [1, 1], 4-byte data at an odd offset
  const path = file('dtypes', {
    x: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
    k: { dtype: 'I32', shape: [2], data_offsets: [8, 16] },
    mask: { dtype: 'BOOL', shape: [3], data_offsets: [16, 19] },
    h: { dtype: 'F16', shape: [], data_offsets: [19, 21] },
    f: { dtype: 'F32', shape: [1, 1], data_offsets: [21, 25] },
    none: { dtype: 'F32', shape: [4, 0], data_offsets: [25, 25] },
  }, buffer);
  const { status, read, stderr } = python(path);
  expect(status, stderr).toBe(0);
  expect(read!.metadata).toEqual({});
  expect(Object.fromEntries(Object.entries(read!.tensors).map(([k, t]) => [k, t.values]))).toEqual({
    x: [-1.5], k: [-7, 123456], mask: [false, true, true], h: [1], f: [Math.fround(0.1)], none: [],
  });
});

test('the reader refuses broken files and says why', () => {
  const f32 = (n: number) => new Uint8Array(4 * n);
  const good = { a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] }, b: { dtype: 'F32', shape: [3], data_offsets: [24, 36] } };
  const with_ = (patch: object) => ({ ...good, ...patch });
  expect(python(file('good', good, f32(9))).status).toBe(0);
  const cases: [string, string, RegExp][] = [
    ['short', raw('short', new Uint8Array(5)), /5 bytes: too short/],
    ['truncated', file('truncated', good, f32(8)), /past the 32-byte buffer/],
    ['length', file('length', good, f32(9), 1000n), /runs past the end/],
    ['huge', file('huge', good, f32(9), 1n << 40n), /over the limit/],
    ['array', file('array', '[1, 2]', new Uint8Array(0)), /does not begin with "\{"/],
    ['not-json', file('not-json', '{"a": ', f32(9)), /not JSON/],
    ['not-utf8', file('not-utf8', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), f32(9)), /not UTF-8/], // {"\xff":1}
    ['nan', file('nan', '{"a": NaN}', f32(9)), /NaN, which is not JSON/],
    ['duplicate', file('duplicate', '{"a": {"dtype": "F32", "shape": [9], "data_offsets": [0, 36]}, "a": {"dtype": "F32", "shape": [9], "data_offsets": [0, 36]}}', f32(9)), /duplicate key 'a'/],
    ['metadata', file('metadata', with_({ __metadata__: { epochs: 3 } }), f32(9)), /__metadata__\['epochs'\] is not a string/],
    ['dtype', file('dtype', with_({ b: { dtype: 'F33', shape: [3], data_offsets: [24, 36] } }), f32(9)), /unknown dtype 'F33'/],
    ['shape', file('shape', with_({ b: { dtype: 'F32', shape: [4], data_offsets: [24, 36] } }), f32(9)), /needs 16/],
    ['negative', file('negative', with_({ b: { dtype: 'F32', shape: [3], data_offsets: [-12, 0] } }), f32(9)), /not \[begin, end\]/],
    ['fraction', file('fraction', with_({ b: { dtype: 'F32', shape: [1.5], data_offsets: [24, 36] } }), f32(9)), /not a list of non-negative integers/],
    ['reversed', file('reversed', with_({ b: { dtype: 'F32', shape: [0], data_offsets: [36, 24] } }), f32(9)), /before begin/],
    ['overlap', file('overlap', with_({ b: { dtype: 'F32', shape: [3], data_offsets: [12, 24] } }), f32(9)), /overlaps/],
    ['hole', file('hole', with_({ b: { dtype: 'F32', shape: [3], data_offsets: [28, 40] } }), f32(10)), /hole of 4 bytes/],
    ['trailing', file('trailing', good, f32(10)), /4 bytes after the last tensor/],
    ['extra-key', file('extra-key', with_({ b: { dtype: 'F32', shape: [3], data_offsets: [24, 36], strides: [1] } }), f32(9)), /expected exactly the keys/],
  ];
  for (const [name, path, why] of cases) {
    const { status, stderr } = python(path);
    expect(status, name).toBe(1);
    expect(stderr, name).toMatch(why);
  }
});
