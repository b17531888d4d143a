// Convolution (cross-correlation, as the book's): W (FN, C, FH, FW), b (FN), output (N, FN, OH, OW).
// The book's im2col + one matrix product, done one sample at a time in the transposed layout:
// col_n (C·FH·FW, OH·OW) = im2col_t(x_n), then out_n (FN, OH·OW) = W (FN, C·FH·FW) · col_n + b lands
// in NCHW order directly, without the book's reshape and transpose (assembly/conv.ts). NOTE: a
// sample's col (under 1 MiB for these networks) stays in cache between im2col and the product; the
// whole batch's col (45 MB for DeepConvNet's second layer) would be written to memory and read
// back, and the backward pass rebuilds col_n rather than keeping it.
// With threads, the forward pass and dx split the samples, dW splits the filters.
import { kernels, runParallel, workspace } from '../backend/runtime.js';
import { splitRange, threadsFor } from '../backend/split.js';
import { outputSize } from '../ops/conv.js';
import {
  winogradBackwardData, winogradBackwardFilter, winogradFits, winogradForward, winogradForwardMaxPool, winogradMaxPoolBackwardData,
} from '../ops/winograd.js';
import { options } from '../options.js';
import { winogradByDefault } from '../backend/runtime.js';
import { checkTensor, empty, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { Layer } from './layer.js';
import type { Pooling } from './pooling.js';

export interface ConvolutionOptions {
  /** Run the forward pass and the gradients as Winograd F(2×2, 3×3) where it fits (3×3 filters, stride 1, pad
   *  at most 2, 8 channels or more in and out): fewer multiplications, results that differ from the im2col path's in the last bits
   *  (src/ops/winograd.ts). Default: init()'s `winograd`. */
  winograd?: boolean;
}

export class Convolution implements Layer {
  readonly W: Tensor;
  readonly b: Tensor;
  readonly stride: number;
  readonly pad: number;
  readonly dW: Tensor;
  readonly db: Tensor;
  readonly params: { W: Tensor; b: Tensor };
  readonly grads: { W: Tensor; b: Tensor };
  readonly #dWt = new LayerBuffer(); // dWᵀ (K, FN), accumulated over the samples
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #cache: { x: Tensor; OH: number; OW: number; pool?: Pooling } | undefined;
  /** ConvolutionOptions.winograd; undefined follows init()'s. */
  winograd: boolean | undefined;

  constructor(W: Tensor, b: Tensor, stride = 1, pad = 0, convOptions?: ConvolutionOptions) {
    const { winograd } = options('Convolution', convOptions, ['winograd']);
    if (winograd !== undefined && typeof winograd !== 'boolean') throw new Error(`Convolution: winograd must be true or false, got ${String(winograd)}`);
    checkTensor('Convolution: W', W);
    checkTensor('Convolution: b', b);
    if (W.shape.length !== 4) throw new Error(`Convolution: W must be 4-D (FN, C, FH, FW), got ${formatShape(W.shape)}`);
    if (b.shape.length !== 1 || b.size !== W.shape[0]) {
      throw new Error(`Convolution: b must be (${W.shape[0]},) to match W ${formatShape(W.shape)}, got ${formatShape(b.shape)}`);
    }
    for (const [name, v, min] of [['stride', stride, 1], ['pad', pad, 0]] as const) {
      if (!Number.isInteger(v) || v < min) throw new Error(`Convolution: ${name} must be an integer >= ${min}, got ${String(v)}`);
    }
    this.W = W;
    this.b = b;
    this.stride = stride;
    this.pad = pad;
    this.dW = empty(W.shape);
    this.db = empty(b.shape);
    this.params = { W, b };
    this.grads = { W: this.dW, b: this.db };
    this.winograd = winograd;
  }

  // Whether the passes run as Winograd (forward, dx, dW and db) or as im2col + GEMM.
  #usesWinograd(): boolean {
    return (this.winograd ?? winogradByDefault()) && winogradFits(this.W.shape, this.stride, this.pad);
  }

  forward(x: Tensor): Tensor {
    const { N, FN, OH, OW, flops, sampleBytes } = this.#input('Convolution.forward', x);
    const out = this.#out.get([N, FN, OH, OW]);
    this.#cache = { x, OH, OW };
    if (this.#usesWinograd()) {
      winogradForward(x, this.W, this.b, out, this.pad);
      return out;
    }
    const { geometry, scratch } = this.#pass(x);
    runParallel('f32_conv_fwd', splitRange(N, threadsFor(flops)).map(([n0, count], thread) =>
      [x.offset + n0 * sampleBytes, this.W.offset, this.b.offset, out.offset + n0 * FN * OH * OW * 4, workspace(scratch, thread), count, ...geometry]));
    return out;
  }

  /** forward, then `pool` over its output (and, with `relu`, a ReLU over the pooled output): what
   *  the layers give, in one pass per sample that pools the convolution's output while it is in
   *  cache instead of writing it out (a network runs a Convolution followed by a max Pooling this
   *  way: execution-order.ts). Returns the pooling's output, which this overwrites; backwardMaxPool
   *  takes its gradient (the ReLU's folded in: no gradient passes where it gave 0). */
  forwardMaxPool(x: Tensor, pool: Pooling, relu = false): Tensor {
    const { N, FN, OH, OW, flops, sampleBytes } = this.#input('Convolution.forwardMaxPool', x);
    const { y, argmax } = pool.fusedOutputs([N, FN, OH, OW]);
    const pooledBytes = (y.size / N) * 4;
    this.#cache = { x, OH, OW, pool };
    if (this.#usesWinograd()) {
      winogradForwardMaxPool(x, this.W, this.b, y, argmax, this.pad, pool.window, relu);
      return y;
    }
    const { geometry, scratch } = this.#pass(x, true);
    runParallel('f32_conv_maxpool_fwd', splitRange(N, threadsFor(flops)).map(([n0, count], thread) =>
      [x.offset + n0 * sampleBytes, this.W.offset, this.b.offset, y.offset + n0 * pooledBytes, argmax.offset + n0 * pooledBytes,
        workspace(scratch, thread), count, ...geometry, ...pool.window, relu ? 1 : 0]));
    return y;
  }

  // Checks x against W; the output's size, the product's flops and the bytes of one sample of x.
  #input(caller: string, x: Tensor): { N: number; FN: number; OH: number; OW: number; flops: number; sampleBytes: number } {
    checkTensor(`${caller}: x`, x);
    const [FN, C, FH, FW] = this.W.shape;
    const [OH, OW] = outputSize(caller, x.shape, { FH, FW, stride: this.stride, pad: this.pad });
    const [N, CX, H, Wd] = x.shape;
    if (CX !== C) throw new Error(`${caller}: x has ${CX} channels but W ${formatShape(this.W.shape)} expects ${C}`);
    return { N, FN, OH, OW, flops: 2 * N * FN * C * FH * FW * OH * OW, sampleBytes: C * H * Wd * 4 };
  }

  // The arguments every pass of assembly/conv.ts takes after the sample count, and the bytes of
  // scratch each thread needs for them (the pooled passes keep a sample's output there too).
  #pass(x: Tensor, pooled = false): { geometry: number[]; scratch: number } {
    const [FN, C, FH, FW] = this.W.shape;
    const [, , H, W] = x.shape;
    const geometry = [C, H, W, FN, FH, FW, this.stride, this.pad] as const;
    const k = kernels();
    const scratch = pooled ? k.f32_conv_maxpool_scratch_bytes(...geometry) : k.f32_conv_scratch_bytes(...geometry);
    return { geometry: [...geometry], scratch };
  }

  backward(dout: Tensor): Tensor {
    return this.#backward('Convolution.backward', dout, true)!;
  }

  /** dW and db only: a network's first layer has no use for dx. */
  backwardParams(dout: Tensor): void {
    this.#backward('Convolution.backwardParams', dout, false);
  }

  /** The backward of forwardMaxPool, from the gradient of the pooling's output: dx (or, with
   *  needDx false, only dW and db), each sample's convolution gradient rebuilt in scratch. */
  backwardMaxPool(dout: Tensor, needDx: boolean): Tensor | undefined {
    return this.#backward('Convolution.backwardMaxPool', dout, needDx, true);
  }

  // Per sample: col_n again, dWᵀ (K, FN) += col_n · dout_nᵀ (packing only dout_n, FN × P, not col_n)
  // and db += the channel sums of dout_n; for dx, dcol_n (K, P) = Wᵀ · dout_n, added back into
  // the image by col2im_t. After forwardMaxPool, dout is the pooling's gradient, and the passes
  // start each sample by rebuilding dout_n from it and the pooling's argmax.
  #backward(caller: string, dout: Tensor, needDx: boolean, pooled = false): Tensor | undefined {
    const cache = this.#cache;
    if (!cache || cache.x.disposed) throw new Error(`${caller}: call ${pooled ? 'forwardMaxPool' : 'forward'} first (or its input was disposed)`);
    if (pooled !== (cache.pool !== undefined)) {
      throw new Error(`${caller}: the last forward pass was ${pooled ? 'forward' : 'forwardMaxPool'}; use ${pooled ? 'backward' : 'backwardMaxPool'}`);
    }
    checkTensor(`${caller}: dout`, dout);
    const [FN, C, FH, FW] = this.W.shape;
    const { x, OH, OW, pool } = cache;
    const [N, , H, Wd] = x.shape;
    const argmax = pool?.fusedArgmax(caller);
    const expected = argmax ? argmax.shape : [N, FN, OH, OW];
    if (dout.shape.length !== 4 || dout.shape.some((d, i) => d !== expected[i])) {
      throw new Error(`${caller}: dout must be ${formatShape(expected)}, got ${formatShape(dout.shape)}`);
    }
    const k = kernels();
    const K = C * FH * FW, sampleBytes = C * H * Wd * 4, doutBytes = (dout.size / N) * 4;
    const { geometry, scratch } = this.#pass(x, pooled);
    const threads = threadsFor(2 * N * FN * K * OH * OW);
    // the pooled passes read the pooling's gradient and argmax in place of dout
    const from = argmax ? [dout.offset, argmax.offset] : [dout.offset];
    const window = pool ? pool.window : [];
    const winograd = this.#usesWinograd();
    if (winograd) {
      winogradBackwardFilter(x, dout, this.dW, this.db, this.pad, argmax ? { argmax, window } : undefined);
    } else {
      const dWt = this.#dWt.get([K, FN]);
      // NOTE: filters are cut at multiples of 8, the GEMM tile's width
      runParallel(pool ? 'f32_maxpool_conv_bwd_filter' : 'f32_conv_bwd_filter', splitRange(FN, threads, 8).map(([f0, count], thread) =>
        [x.offset, ...from, dWt.offset, this.db.offset, workspace(scratch, thread), N, ...geometry, ...window, f0, count]));
      k.f32_transpose(dWt.offset, this.dW.offset, K, FN);
    }
    let dx: Tensor | undefined;
    if (needDx && winograd) {
      dx = this.#dx.get(x.shape);
      if (argmax) winogradMaxPoolBackwardData(dout, argmax, this.W, dx, this.pad, window);
      else winogradBackwardData(dout, this.W, dx, this.pad);
    } else if (needDx) {
      const out = this.#dx.get(x.shape);
      runParallel(pool ? 'f32_maxpool_conv_bwd_data' : 'f32_conv_bwd_data', splitRange(N, threads).map(([n0, count], thread) =>
        [this.W.offset, ...from.map((offset) => offset + n0 * doutBytes), out.offset + n0 * sampleBytes, workspace(scratch, thread), count, ...geometry, ...window]));
      dx = out;
    }
    return dx;
  }

  dispose(): void {
    for (const b of [this.#dWt, this.#out, this.#dx]) b.dispose();
    this.dW.dispose();
    this.db.dispose();
    this.#cache = undefined;
  }
}
