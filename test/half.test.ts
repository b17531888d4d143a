// Half precision: the F16 and BF16 conversions on known bit patterns (rounding to nearest even,
// infinities, NaN, subnormals), every half value through a round trip, float16 model files (half
// the size, every tensor F16, the same predictions within 1e-2, refused beyond the range), and
// BF16 files read by deserializeModel and loadParams.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  deserializeModel, deserializeParams, init, layers as L, loadMnist, loadModel, loadParams, saveModel, Sequential, serializeModel, type Tensor,
} from '../src/index.js';
import { fromBfloat16Bits, fromFloat16Bits, toFloat16Bits } from '../src/formats/half.js';
import { deserialize, serialize } from '../src/formats/safetensors.js';
import { tempDir } from './scripts.js';

await init();

describe('conversions on known bit patterns', () => {
  test.each([
    [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00],
    [Infinity, 0x7c00], [-Infinity, 0xfc00], [NaN, 0x7e00], [0, 0x0000], [-0, 0x8000],
    [2 ** -14, 0x0400], [2 ** -24, 0x0001], [1023 * 2 ** -24, 0x03ff], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001], [-(2 ** -26), 0x8000],
    [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [1 + 2 ** -11 + 2 ** -20, 0x3c01], [0.1, 0x2e66], [1 / 3, 0x3555], [2 ** -15 + 2 ** -25, 0x0200],
    [1.5 * 2 ** -24, 0x0002], [2.5 * 2 ** -24, 0x0002], [1e-30, 0x0000], [65519.99, 0x7bff],
  ])('float %d → F16 %i (round to nearest even)', (v, bits) => {
    expect(toFloat16Bits(v)).toBe(bits);
  });

  test.each([
    [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14],
    [0x7c00, Infinity], [0xfc00, -Infinity], [0x8000, -0], [0x3555, 0.333251953125], [0x2e66, 0.0999755859375],
  ])('F16 %i → %d', (bits, v) => {
    expect(Object.is(fromFloat16Bits(bits), v)).toBe(true);
  });

  test('F16 NaNs read as NaN; every other half value survives a round trip', () => {
    for (const bits of [0x7e00, 0x7c01, 0xfe00, 0x7fff]) expect(fromFloat16Bits(bits)).toBeNaN();
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff)) continue;
      const back = toFloat16Bits(fromFloat16Bits(h));
      if (back !== h) throw new Error(`0x${h.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });

  test.each([
    [0x3f80, 1], [0xc000, -2], [0x3e00, 0.125], [0x7f80, Infinity], [0xff80, -Infinity], [0x0001, 2 ** -133], [0x8000, -0],
    [0x7f7f, 3.3895313892515355e38], [0x4049, 3.140625],
  ])('BF16 %i → %d', (bits, v) => {
    expect(Object.is(fromBfloat16Bits(bits), v)).toBe(true);
  });
  test('BF16 NaN', () => expect(fromBfloat16Bits(0x7fc0)).toBeNaN());
});

describe('safetensors F16 and BF16', () => {
  test('serialize F16 writes two bytes a value; deserialize reads it back rounded; BF16 bytes read', () => {
    const bytes = serialize({ a: { shape: [2, 2], data: Float32Array.from([1, 0.1, -65504, 2 ** -24]) } }, {}, { dtype: 'F16' });
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));
    expect(header.a).toEqual({ dtype: 'F16', shape: [2, 2], data_offsets: [0, 8] });
    expect(Array.from(deserialize(bytes).arrays.a.data)).toEqual([1, 0.0999755859375, -65504, 2 ** -24]);
    expect(() => serialize({ big: { shape: [3], data: Float32Array.from([1, 2, 70000]) } }, {}, { dtype: 'F16', caller: 'saveModel' }))
      .toThrow("saveModel: 'big' holds 70000 at index 2, beyond float16's range (±65504); nothing was written (save as float32)");
    // a BF16 file, as torch or the safetensors package write one: 1, -2, 0.125 (bits 0x3f80, 0xc000, 0x3e00)
    const bf16 = bf16File({ b: { shape: [3], bits: [0x3f80, 0xc000, 0x3e00] } });
    expect(Array.from(deserialize(bf16).arrays.b.data)).toEqual([1, -2, 0.125]);
    const wrong = bf16File({ b: { shape: [4], bits: [0x3f80, 0xc000, 0x3e00] } });
    expect(() => deserialize(wrong)).toThrow('deserialize: not a valid safetensors file: b: data_offsets [0, 6] hold 6 bytes, shape [4] of BF16 needs 8');
  });
});

// A safetensors file of BF16 tensors given as bit patterns.
function bf16File(tensors: Record<string, { shape: number[]; bits: number[] }>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, { shape, bits }] of Object.entries(tensors)) {
    header[name] = { dtype: 'BF16', shape, data_offsets: [offset, offset + 2 * bits.length] };
    offset += 2 * bits.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const data = new Uint16Array(Object.values(tensors).flatMap((t) => t.bits));
  out.set(new Uint8Array(data.buffer), 8 + json.length);
  return out;
}

// float32 → BF16 bits, rounded to nearest even (as torch's .to(torch.bfloat16))
function toBf16(v: number): number {
  const u = new Uint32Array(Float32Array.of(v).buffer)[0];
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

describe('float16 models', () => {
  const dir = tempDir('half');
  let x: Tensor;
  let net: Sequential;
  beforeAll(async () => {
    ({ xTest: x } = await loadMnist({ flatten: false, trainSize: 1, testSize: 200 }));
    net = new Sequential({
      inputShape: [1, 28, 28], seed: 4,
      layers: [L.conv2d({ filters: 8, kernelSize: 3, pad: 1 }), L.batchNorm2d(), L.relu(), L.maxPool2d({ size: 2 }),
        L.conv2d({ filters: 16, kernelSize: 3 }), L.batchNorm(), L.relu(), L.dense({ units: 64 }), L.relu(), L.dense({ units: 10 })],
    });
    net.predict(x, true).dispose(); // running statistics away from their start
  });

  test('saveModel({ dtype: float16 }): every tensor F16, about half the bytes, predictions within 1e-2; loadModel and loadParams read it', async () => {
    const full = join(dir, 'full.safetensors'), half = join(dir, 'half.safetensors');
    await saveModel(net, full);
    await saveModel(net, half, { dtype: 'float16', metadata: { note: 'half' } });
    const ratio = statSync(half).size / statSync(full).size;
    console.log(`half.test: float16 file ${statSync(half).size} bytes, float32 ${statSync(full).size}: ${ratio.toFixed(3)}`);
    expect(ratio).toBeGreaterThan(0.49);
    expect(ratio).toBeLessThan(0.55);
    const dtypes = Object.entries(JSON.parse(new TextDecoder().decode(headerOf(readFileSync(half)))))
      .filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, (v as { dtype: string }).dtype]);
    expect(dtypes).toHaveLength(Object.keys(net.params).length + Object.keys(net.buffers).length);
    expect(dtypes.every(([, d]) => d === 'F16')).toBe(true);
    const loaded = await loadModel(half);
    const a = net.predict(x), b = loaded.predict(x);
    let worst = 0;
    for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    console.log(`half.test: max |score difference| over 200 images × 10 classes: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-2);
    expect(worst).toBeGreaterThan(0); // rounded, not the same values
    // loadParams reads F16 too: into a fresh network of the same architecture
    const { kind: _, ...arch } = net.architecture;
    const other = new Sequential({ ...arch, seed: 99 });
    await loadParams(other, half);
    const c = other.predict(x);
    expect(c.toArray()).toEqual(b.toArray());
    for (const t of [a, b, c]) t.dispose();
    for (const n of [loaded, other]) n.dispose();
  });

  test('a value beyond float16\'s range refuses the save: no file, an error naming the tensor', async () => {
    const W1 = net.params.W1.data;
    const kept = W1[3];
    W1[3] = 70000;
    const path = join(dir, 'big.safetensors');
    try {
      await expect(saveModel(net, path, { dtype: 'float16' })).rejects.toThrow("saveModel: 'W1' holds 70000 at index 3, beyond float16's range (±65504)");
      expect(() => serializeModel(net, { dtype: 'float16' })).toThrow(/^serializeModel: 'W1' holds 70000/);
      expect(existsSync(path)).toBe(false);
    } finally {
      W1[3] = kept;
    }
  });

  test('a BF16 file (every tensor rounded to bfloat16) loads with deserializeModel and deserializeParams', () => {
    const f32 = deserialize(serializeModel(net));
    const tensors = Object.fromEntries(Object.entries(f32.arrays).map(([k, a]) => [k, { shape: a.shape, bits: Array.from(a.data, toBf16) }]));
    const bytes = bf16File(tensors, { ...f32.metadata });
    const loaded = deserializeModel(bytes);
    const a = net.predict(x), b = loaded.predict(x);
    let worst = 0;
    for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    console.log(`half.test: BF16 file: max |score difference| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(0.1); // 8 bits of mantissa
    expect(Array.from(loaded.params.b1.data)).toEqual(Array.from(net.params.b1.data, (v) => fromBfloat16Bits(toBf16(v))));
    deserializeParams(loaded, bytes);
    for (const t of [a, b]) t.dispose();
    loaded.dispose();
  });

  test('the options object replaced the positional metadata: the old call gets a migration hint', async () => {
    expect(() => serializeModel(net, { iterations: '5' } as never)).toThrow(
      "serializeModel: unknown option 'iterations'; the options are { dtype?, metadata? } (metadata moved into options.metadata: serializeModel(net, { metadata: { iterations: ... } }))");
    await expect(saveModel(net, join(dir, 'x.safetensors'), { dtype: 'half' as never })).rejects.toThrow("saveModel: dtype must be 'float32' or 'float16', got \"half\"");
  });
});

function headerOf(bytes: Uint8Array): Uint8Array {
  return bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)));
}
