// The relaxed-SIMD build selects lanes with relaxed_laneselect in max pooling, the plain build with
// bitselect: on comparison masks they must agree bit for bit. Both .wasm files run side by side,
// each in a memory of its own, on inputs full of ties and NaN.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { init } from '../src/index.js';
import { createRng } from '../src/rng.js';

await init(); // turns on relaxed SIMD in Node 20

interface PoolExports {
  f32_maxpool_fwd(x: number, y: number, argmax: number, N: number, C: number, H: number, W: number,
                  PH: number, PW: number, stride: number, pad: number): void;
}

async function maxpool(file: string, x: Float32Array, geometry: number[]): Promise<{ y: Float32Array; arg: Int32Array }> {
  const [N, C, H, W, PH, PW, stride, pad] = geometry;
  const OH = Math.floor((H + 2 * pad - PH) / stride) + 1, OW = Math.floor((W + 2 * pad - PW) / stride) + 1;
  const n = N * C * OH * OW, base = 1 << 16;
  const memory = new WebAssembly.Memory({ initial: 16 });
  const bytes = readFileSync(new URL(`../build/${file}`, import.meta.url));
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory, abort: () => { throw new Error('abort'); } } });
  const px = base, py = px + 4 * x.length, pa = py + 4 * n;
  new Float32Array(memory.buffer, px, x.length).set(x);
  (instance.exports as unknown as PoolExports).f32_maxpool_fwd(px, py, pa, N, C, H, W, PH, PW, stride, pad);
  return { y: new Float32Array(memory.buffer, py, n).slice(), arg: new Int32Array(memory.buffer, pa, n).slice() };
}

test('max pooling gives the same values and argmax on the plain and the relaxed-SIMD build', async () => {
  const rng = createRng(7);
  // the 2 × 2 stride-2 path, the general four-window path (3 × 3 at stride 1 and 2), and padding
  for (const geometry of [[2, 3, 8, 24, 2, 2, 2, 0], [1, 2, 9, 17, 3, 3, 1, 0], [2, 2, 11, 19, 3, 3, 2, 1]]) {
    const size = geometry[0] * geometry[1] * geometry[2] * geometry[3];
    // values in {−1, −0.5, −0, 0, 0.5, 1} (ties everywhere) and one NaN in 13
    const x = Float32Array.from({ length: size }, (_, i) => (i % 13 === 5 ? NaN : (rng.int(5) - 2) / 2 * (i % 2 ? 1 : -1)));
    const plain = await maxpool('scratchnet.wasm', x, geometry);
    const relaxed = await maxpool('scratchnet-relaxed.wasm', x, geometry);
    expect(relaxed.arg).toEqual(plain.arg);
    expect(new Uint32Array(relaxed.y.buffer)).toEqual(new Uint32Array(plain.y.buffer));
    expect(plain.y.some(Number.isNaN)).toBe(true);
  }
});
