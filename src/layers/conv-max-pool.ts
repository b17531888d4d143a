// A Convolution, the max Pooling after it, and the Relu after that if there is one, run as one
// step (a network runs them so: networks/execution-order.ts). Each sample's convolution output is
// pooled while it is in cache, and the backward rebuilds each sample's convolution gradient from
// the pooling's gradient and argmax, so neither the convolution's output nor its gradient (6.9 MB
// each for SimpleConvNet at batch 100) goes to memory and back. The Relu runs on each sample's
// pooled output; where its gradient is 0 the argmax says "no input" (−1), so the backward needs no
// pass of its own: max pooling then ReLU is max pooling whose windows hold one more value, a zero
// that wins ties. Same kernels' arithmetic, same bits as the three layers one after another
// (test/conv-maxpool.test.ts). The layers keep their parameters and gradients.
import { runParallel, workspace, kernels } from '../backend/runtime.js';
import { splitRange, threadsFor } from '../backend/split.js';
import { outputSize } from '../ops/conv.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import type { Relu } from './activations.js';
import { LayerBuffer } from './buffer.js';
import { winogradForwardMaxPool } from '../ops/winograd.js';
import { convBackward, convPass, tileOf, usesWinograd, type Convolution } from './convolution.js';
import type { Layer } from './layer.js';
import type { Pooling } from './pooling.js';
import { ShapeError, ValueError } from '../errors.js';

export class ConvMaxPool implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly #y = new LayerBuffer();
  readonly #argmax = new LayerBuffer(); // i32 indices (−1: no gradient passes), in a float tensor's bytes
  readonly #dWt = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #cache: { x: Tensor; y: Tensor; argmax: Tensor } | undefined;

  constructor(readonly conv: Convolution, readonly pool: Pooling, readonly relu?: Relu) {}

  forward(x: Tensor): Tensor {
    const caller = 'ConvMaxPool.forward';
    const { N, FN, OH, OW, flops, sampleBytes, geometry } = convPass(caller, this.conv, x);
    const { poolH, poolW, stride, pad } = this.pool;
    const [PH, PW] = outputSize(`${caller} (Pooling)`, [N, FN, OH, OW], { FH: poolH, FW: poolW, stride, pad });
    const y = this.#y.get([N, FN, PH, PW], x);
    const argmax = this.#argmax.get(y.shape, x);
    this.#cache = { x, y, argmax };
    if (usesWinograd(this.conv)) {
      winogradForwardMaxPool(x, this.conv.W, this.conv.b, y, argmax, this.conv.pad, this.pool.window, this.relu !== undefined, tileOf(this.conv, x));
      return y;
    }
    const pooledBytes = FN * PH * PW * 4;
    const scratch = kernels().f32_conv_maxpool_scratch_bytes(...geometry);
    runParallel('f32_conv_maxpool_fwd', splitRange(N, threadsFor(flops)).map(([n0, count], thread) =>
      [x.offset + n0 * sampleBytes, this.conv.W.offset, this.conv.b.offset, y.offset + n0 * pooledBytes, argmax.offset + n0 * pooledBytes,
        workspace(scratch, thread, caller), count, ...geometry, ...this.pool.window, this.relu ? 1 : 0]));
    return y;
  }

  backward(dout: Tensor): Tensor {
    return this.#backward('ConvMaxPool.backward', dout, true)!;
  }

  /** The convolution's dW and db only, for a network's first step. */
  backwardParams(dout: Tensor): void {
    this.#backward('ConvMaxPool.backwardParams', dout, false);
  }

  #backward(caller: string, dout: Tensor, needDx: boolean): Tensor | undefined {
    const cache = this.#cache;
    if (!cache || cache.x.disposed) throw new ValueError(`${caller}: call forward first (or its input was disposed)`);
    checkTensor(`${caller}: dout`, dout);
    if (!sameShape(dout.shape, cache.y.shape)) throw new ShapeError(`${caller}: dout must be ${formatShape(cache.y.shape)}, got ${formatShape(dout.shape)}`);
    const dx = needDx ? this.#dx.get(cache.x.shape, dout) : undefined;
    convBackward(caller, this.conv, cache.x, this.#dWt, dx,
      { filter: 'f32_maxpool_conv_bwd_filter', data: 'f32_maxpool_conv_bwd_data', scratchBytes: 'f32_conv_maxpool_scratch_bytes' },
      [dout, cache.argmax], this.pool.window);
    return dx;
  }

  /** The last forward's argmax: per output, the index of its window's input that won (−1: none). */
  get argmax(): Tensor | undefined {
    return this.#cache?.argmax;
  }

  dispose(): void {
    for (const b of [this.#y, this.#argmax, this.#dWt, this.#dx]) b.dispose();
    this.#cache = undefined;
  }
}
