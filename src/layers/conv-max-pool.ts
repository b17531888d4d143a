// A Convolution, the max Pooling after it, and the Relu after that if there is one, run as one
// step (a network runs them so: layers/fusion.ts). Each sample's convolution output is
// pooled while it is in cache, and the backward rebuilds each sample's convolution gradient from
// the pooling's gradient and argmax, so neither the convolution's output nor its gradient (6.9 MB
// each for SimpleConvNet at batch 100) goes to memory and back. The Relu runs on each sample's
// pooled output; where its gradient is 0 the argmax says "no input" (−1), so the backward needs no
// pass of its own: max pooling then ReLU is max pooling whose windows hold one more value, a zero
// that wins ties. Same kernels' arithmetic, same bits as the three layers one after another
// (test/conv-maxpool.test.ts). The layers keep their parameters and gradients.
import { convBackward, convMaxPoolForward, outputSize, type JoinedPool } from '../ops/conv.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import type { PoolWindow } from '../ops/pool.js';
import type { ConvFilters } from '../ops/conv.js';
import { LayerBuffer } from './buffer.js';
import type { Layer } from './layer.js';
import { ShapeError, ValueError } from '../errors.js';

/** What the joined step needs of its convolution (a Convolution layer). */
export interface JoinableConvolution extends ConvFilters {
  readonly dW: Tensor;
  readonly db: Tensor;
  outputShape(caller: string, x: Tensor): [number, number, number, number];
}

export class ConvMaxPool implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly #y = new LayerBuffer();
  readonly #argmax = new LayerBuffer(); // i32 indices (−1: no gradient passes), in a float tensor's bytes
  readonly #dWt = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #cache: { x: Tensor; y: Tensor; argmax: Tensor } | undefined;

  constructor(readonly conv: JoinableConvolution, readonly pool: Layer & PoolWindow, readonly relu?: Layer) {}

  forward(x: Tensor): Tensor {
    const caller = 'ConvMaxPool.forward';
    const [N, FN, OH, OW] = this.conv.outputShape(caller, x);
    const { poolH, poolW, stride, pad } = this.pool;
    const [PH, PW] = outputSize(`${caller} (Pooling)`, [N, FN, OH, OW], { FH: poolH, FW: poolW, stride, pad });
    const y = this.#y.get([N, FN, PH, PW], x);
    const argmax = this.#argmax.get(y.shape, x);
    this.#cache = { x, y, argmax };
    convMaxPoolForward(caller, this.conv, this.#joined(), x, y, argmax);
    return y;
  }

  // the pooling and ReLU as the joined kernels take them
  #joined(): JoinedPool {
    const { poolH, poolW, stride, pad } = this.pool;
    return { poolH, poolW, stride, pad, relu: this.relu !== undefined };
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
    const [FN, C, FH, FW] = this.conv.W.shape as [number, number, number, number];
    convBackward(caller, this.conv, cache.x, { dy: dout, argmax: cache.argmax, pool: this.#joined() }, this.conv.dW, this.conv.db,
      this.#dWt.get([C * FH * FW, FN]), dx);
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
