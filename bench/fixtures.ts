// Shared by the benchmark suites: random data at the book's training shapes, the raw kernels of
// both backends, and one training step of each network.
import {
  Adam, createRng, DeepConvNet, empty, MiniBatches, SGD, SimpleConvNet, tensor, TwoLayerNet,
  type BackendName, type Kernels, type Tensor,
} from 'scratchnet';
import type * as Geometry from '../dist/backend/conv-geometry.js';
import type * as Runtime from '../dist/backend/runtime.js';

export const rng = createRng(0);

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export const randomArray = (n: number, scale = 1) => Float32Array.from({ length: n }, () => scale * rng.normal());

export const randomTensor = (shape: number[], scale = 1): Tensor => tensor(randomArray(size(shape), scale), shape);

/** MNIST-like samples: 784 pixels in [0, 1), 80 % of them 0, and labels 0–9 (a step's cost does
 *  not depend on the values). */
export function mnistLike(n: number): { x: Float32Array; labels: Int32Array; onehot: Float32Array } {
  const x = Float32Array.from({ length: n * 784 }, () => (rng.uniform() < 0.8 ? 0 : rng.uniform()));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const onehot = Float32Array.from({ length: n * 10 }, (_, i) => (labels[Math.floor(i / 10)] === i % 10 ? 1 : 0));
  return { x, labels, onehot };
}

// SimpleConvNet's shapes with batch 100: input, 30 filters of 5×5, convolution output.
export const CONV_IN = [100, 1, 28, 28];
export const CONV_W = [30, 1, 5, 5];
export const CONV_OUT = [100, 30, 24, 24];
export const CONV_FLOPS = 2 * size(CONV_OUT) * size(CONV_W.slice(1)); // one product (forward, dx or dW)

/** The three products of TwoLayerNet's first Affine layer (784-50, batch 100): X·W, dY·Wᵀ, Xᵀ·dY
 *  as [label, a's shape, b's shape, transA, transB]. */
export const AFFINE_GEMMS: [string, [number, number], [number, number], boolean, boolean][] = [
  ['X·W (100×784 · 784×50)', [100, 784], [784, 50], false, false],
  ['dY·Wᵀ (100×50 · (784×50)ᵀ)', [100, 50], [784, 50], false, true],
  ['Xᵀ·dY ((100×784)ᵀ · 100×50)', [100, 784], [100, 50], true, false],
];

/** Both backends' raw kernels (byte offsets in, as src/backend/kernels.ts declares). The bench
 *  imports the library's runtime module itself, the instance 'scratchnet' uses: it is not part of
 *  the public API. */
export async function rawKernels(): Promise<Record<BackendName, Kernels>> {
  const runtime = (await import(new URL('../../dist/backend/runtime.js', import.meta.url).href)) as typeof Runtime;
  return { wasm: runtime.backendKernels('wasm'), js: runtime.backendKernels('js') };
}

/** Resolves once the kernel threads init() started take work: init() does not wait for them, and
 *  a benchmark of two threads must not time the calling thread alone. */
export async function threadsReady(): Promise<void> {
  const runtime = (await import(new URL('../../dist/backend/runtime.js', import.meta.url).href)) as typeof Runtime;
  await runtime.threadsReady();
}

/** A writer of a convolution pass's geometry into the kernels' params block (the runtime's, as
 *  rawKernels); it returns the block's offset, for a raw call of a convolution kernel. */
export async function geometryWriter(): Promise<(...args: Parameters<typeof Geometry.convGeometry>) => number> {
  const runtime = (await import(new URL('../../dist/backend/runtime.js', import.meta.url).href)) as typeof Runtime;
  const geometry = (await import(new URL('../../dist/backend/conv-geometry.js', import.meta.url).href)) as typeof Geometry;
  return (...args) => runtime.geometryBlock(geometry.convGeometry(...args));
}

/** Bytes of linear memory, as a float tensor of at least that size (for kernels' u8 or i32 data). */
export const scratch = (bytes: number): Tensor => empty([Math.max(1, Math.ceil(bytes / 4))]);

/** One TwoLayerNet training iteration (784-50-10, batch 100 drawn with createRng(2) from 1000
 *  samples, SGD 0.1). */
export function twoLayerNetStep(data = mnistLike(1000)): () => void {
  const { x, onehot } = data;
  const n = data.labels.length;
  const network = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1 });
  const optimizer = new SGD({ lr: 0.1 });
  const batches = new MiniBatches(tensor(x, [n, 784]), tensor(onehot, [n, 10]), 100, createRng(2));
  return () => {
    const [xb, tb] = batches.sample();
    optimizer.update(network.params, network.gradient(xb, tb));
  };
}

/** One SimpleConvNet training iteration (the book's: conv 30×5×5 - ReLU - pool - 100 - ReLU - 10,
 *  batch 100 of `images` (100×1×28×28) with labels i mod 10, Adam 0.001). */
export function simpleConvNetStep(images = randomArray(size(CONV_IN))): () => void {
  const x = tensor(images, CONV_IN);
  const t = tensor(Array.from({ length: 100 }, (_, i) => i % 10));
  const net = new SimpleConvNet({ seed: 1 });
  const adam = new Adam({ lr: 0.001 });
  return () => adam.update(net.params, net.gradient(x, t));
}

/** One DeepConvNet training iteration (the book's ch. 8 network, batch `batch`, Adam). */
export function deepConvNetStep(batch = 100): () => void {
  const { x, labels } = mnistLike(batch);
  const xs = tensor(x, [batch, 1, 28, 28]);
  const t = tensor(labels);
  const net = new DeepConvNet({ seed: 1 });
  const adam = new Adam({ lr: 0.001 });
  return () => adam.update(net.params, net.gradient(xs, t));
}
