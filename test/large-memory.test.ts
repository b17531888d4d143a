// Tensors above 2 GiB of linear memory: byte offsets there do not fit a signed 32-bit integer.
// The same training steps run once at the bottom of the memory and once above 2 GiB, on each
// backend, and must give the same bits (an offset computed with a signed shift reads and writes
// elsewhere). Its own file: it grows the memory to about 2.3 GB.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Adam, empty, init, matmul, MultiLayerNetExtend, ones, Relu, setBackend, SimpleConvNet, tensor, threadCount, type Tensor } from '../src/index.js';
import { createRng } from '../src/rng.js';
import { threadsReady } from '../src/backend/runtime.js';

const TWO_GIB = 2 ** 31;

beforeAll(async () => {
  await init({ threads: 2 });
  await threadsReady(); // the kernel threads run the two-thread halves of every comparison
});
afterAll(() => setBackend('wasm'));

/** A few training steps of two small networks (convolution, pooling, affine, batch norm,
 *  dropout, softmax, Adam): their parameters afterwards, copied out, and the lowest offset used. */
function train(): { values: Float32Array[]; offset: number } {
  const rng = createRng(7);
  const x = tensor(Float32Array.from({ length: 4 * 64 }, () => rng.normal()), [4, 1, 8, 8]);
  const t = tensor([0, 2, 1, 2]);
  const conv = new SimpleConvNet({ inputDim: [1, 8, 8], convParam: { filterNum: 4, filterSize: 3, pad: 1, stride: 1 }, hiddenSize: 10, outputSize: 3, seed: 1 });
  const mlp = new MultiLayerNetExtend({ inputSize: 64, hiddenSizeList: [16, 16], outputSize: 3, useBatchnorm: true, useDropout: true, dropoutRatio: 0.2, seed: 2 });
  const xFlat = x.reshape([4, 64]);
  const optimizers = [new Adam({ lr: 0.01 }), new Adam({ lr: 0.01 })];
  for (let step = 0; step < 3; step++) {
    optimizers[0].update(conv.params, conv.gradient(x, t));
    optimizers[1].update(mlp.params, mlp.gradient(xFlat, t));
  }
  const tensors: Tensor[] = [...Object.values(conv.params), ...Object.values(mlp.params), ...Object.values(mlp.buffers), conv.predict(x), mlp.predict(xFlat)];
  const values = tensors.map((p) => p.data.slice());
  const offset = Math.min(x.offset, ...tensors.map((p) => p.offset));
  for (const o of optimizers) o.dispose();
  conv.dispose();
  mlp.dispose();
  x.dispose();
  t.dispose();
  return { values, offset };
}

test('both backends compute above 2 GiB what they compute at the bottom of the memory', () => {
  // the padding comes first, so what runs while it lives is allocated above it
  const padding = empty([(TWO_GIB + 2 ** 24) / 4]);
  const high = { js: run('js'), wasm: run('wasm') };
  padding.dispose();
  const low = { js: run('js'), wasm: run('wasm') }; // in the padding's space
  setBackend('wasm');
  expect(threadCount()).toBe(2);
  for (const backend of ['js', 'wasm'] as const) {
    expect(high[backend].offset, backend).toBeGreaterThan(TWO_GIB);
    expect(low[backend].offset, backend).toBeLessThan(TWO_GIB);
    high[backend].values.forEach((v, i) => expect(new Uint32Array(v.buffer), `${backend}: tensor #${i}`).toEqual(new Uint32Array(low[backend].values[i].buffer)));
  }
});

function run(backend: 'js' | 'wasm'): { values: Float32Array[]; offset: number } {
  setBackend(backend);
  // a tensor's own accessors (fill, clone, data) at its offset
  const a = ones([3]);
  const b = a.clone();
  // a product big enough to be split between the two threads: their arguments carry offsets above 2³¹
  const rng = createRng(5);
  const m = tensor(Float32Array.from({ length: 200 * 200 }, () => rng.normal()), [200, 200]);
  const product = matmul(m, m);
  const relu = new Relu(), activated = relu.forward(product);
  const result = train();
  result.values.push(a.data.slice(), b.data.slice(), product.data.slice(), activated.data.slice());
  result.offset = Math.min(result.offset, a.offset, b.offset, m.offset, product.offset, activated.offset);
  for (const t of [a, b, m, product, relu]) t.dispose();
  return result;
}
