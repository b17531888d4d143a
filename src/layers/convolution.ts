// Convolution (cross-correlation, as the book's): W (FN, C, FH, FW), b (FN), output (N, FN, OH, OW).
// im2col, then one matrix product per sample: out_n (FN, OH·OW) = W (FN, C·FH·FW) · col_nᵀ, which
// lands in NCHW order directly, without the book's reshape and transpose of the output.
import { kernels } from '../backend/runtime.js';
import { gemmRaw } from '../ops/gemm.js';
import { outputSize } from '../ops/conv.js';
import { checkTensor, empty, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { Layer } from './layer.js';

export class Convolution implements Layer {
  readonly W: Tensor;
  readonly b: Tensor;
  readonly stride: number;
  readonly pad: number;
  readonly dW: Tensor;
  readonly db: Tensor;
  readonly params: { W: Tensor; b: Tensor };
  readonly grads: { W: Tensor; b: Tensor };
  readonly #col = new LayerBuffer();
  readonly #dcol = new LayerBuffer();
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #cache: { x: Tensor; col: Tensor; OH: number; OW: number } | undefined;

  constructor(W: Tensor, b: Tensor, stride = 1, pad = 0) {
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
  }

  forward(x: Tensor): Tensor {
    checkTensor('Convolution.forward: x', x);
    const [FN, C, FH, FW] = this.W.shape;
    const [OH, OW] = outputSize('Convolution.forward', x.shape, { FH, FW, stride: this.stride, pad: this.pad });
    const [N, CX, H, Wd] = x.shape;
    if (CX !== C) throw new Error(`Convolution.forward: x has ${CX} channels but W ${formatShape(this.W.shape)} expects ${C}`);
    const k = kernels();
    const K = C * FH * FW, P = OH * OW;
    const col = this.#col.get([N * P, K]);
    k.f32_im2col(x.offset, col.offset, N, C, H, Wd, FH, FW, this.stride, this.pad);
    const out = this.#out.get([N, FN, OH, OW]);
    for (let n = 0; n < N; n++) {
      gemmRaw(false, true, FN, P, K, 1, this.W.offset, K, col.offset + n * P * K * 4, K, 0, out.offset + n * FN * P * 4, P);
    }
    k.f32_bias_add_channels(out.offset, this.b.offset, out.offset, N, FN, P);
    this.#cache = { x, col, OH, OW };
    return out;
  }

  backward(dout: Tensor): Tensor {
    const { x, col } = this.#parameterGradients('Convolution.backward', dout);
    const [FN, C, FH, FW] = this.W.shape;
    const [N, , H, Wd] = x.shape;
    const K = C * FH * FW, P = dout.shape[2] * dout.shape[3];
    // dcol_n (OH·OW, K) = dout_nᵀ · W, then col2im adds the columns back into the image
    const dcol = this.#dcol.get(col.shape);
    for (let n = 0; n < N; n++) {
      gemmRaw(true, false, P, K, FN, 1, dout.offset + n * FN * P * 4, P, this.W.offset, K, 0, dcol.offset + n * P * K * 4, K);
    }
    const dx = this.#dx.get(x.shape);
    kernels().f32_col2im(dcol.offset, dx.offset, N, C, H, Wd, FH, FW, this.stride, this.pad);
    return dx;
  }

  /** dW and db only: a network's first layer has no use for dx. */
  backwardParams(dout: Tensor): void {
    this.#parameterGradients('Convolution.backwardParams', dout);
  }

  // dW = Σ_n dout_n (FN, OH·OW) · col_n (OH·OW, K); db = Σ over samples and positions.
  #parameterGradients(caller: string, dout: Tensor) {
    const cache = this.#cache;
    if (!cache || cache.col.disposed) throw new Error(`${caller}: call forward first`);
    checkTensor(`${caller}: dout`, dout);
    const [FN, C, FH, FW] = this.W.shape;
    const N = cache.x.shape[0];
    const expected = [N, FN, cache.OH, cache.OW];
    if (dout.shape.length !== 4 || dout.shape.some((d, i) => d !== expected[i])) {
      throw new Error(`${caller}: dout must be ${formatShape(expected)}, got ${formatShape(dout.shape)}`);
    }
    const K = C * FH * FW, P = cache.OH * cache.OW;
    for (let n = 0; n < N; n++) {
      gemmRaw(false, false, FN, K, P, 1, dout.offset + n * FN * P * 4, P, cache.col.offset + n * P * K * 4, K, n === 0 ? 0 : 1, this.dW.offset, K);
    }
    kernels().f32_sum_channels(dout.offset, this.db.offset, N, FN, P);
    return cache;
  }

  dispose(): void {
    for (const b of [this.#col, this.#dcol, this.#out, this.#dx]) b.dispose();
    this.dW.dispose();
    this.db.dispose();
    this.#cache = undefined;
  }
}
