// Global average pooling: (N, C, H, W) → (N, C), the mean of each channel's H×W plane, as
// PyTorch's AdaptiveAvgPool2d(1) followed by a flatten. The gradient spreads evenly over the plane.
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import { attribute } from '../formats/onnx-layers.js';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../ops/norm.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { images, specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

/** (N, C, H, W) → (N, C): each channel's mean over its H×W positions. */
export class GlobalAvgPool implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #inputShape: readonly number[] | undefined;

  forward(x: Tensor): Tensor {
    checkTensor('GlobalAvgPool.forward: x', x);
    if (x.shape.length !== 4 || x.shape.some((d) => !(d >= 1))) {
      throw new ShapeError(`GlobalAvgPool.forward: expected x of shape (N, C, H, W) with every dimension >= 1, got ${formatShape(x.shape)}`);
    }
    const y = this.#out.get([x.shape[0], x.shape[1]], x);
    globalAvgPoolForward(x, y);
    this.#inputShape = x.shape;
    return y;
  }

  backward(dout: Tensor): Tensor {
    const shape = this.#inputShape;
    if (!shape) throw new ValueError('GlobalAvgPool.backward: call forward first');
    checkTensor('GlobalAvgPool.backward: dout', dout);
    if (!sameShape(dout.shape, shape.slice(0, 2))) {
      throw new ShapeError(`GlobalAvgPool.backward: dout must be ${formatShape(shape.slice(0, 2))}, got ${formatShape(dout.shape)}`);
    }
    const dx = this.#dx.get(shape, dout);
    globalAvgPoolBackward(dout, dx);
    return dx;
  }

  dispose(): void {
    this.#out.dispose();
    this.#dx.dispose();
    this.#inputShape = undefined;
  }
}

export interface GlobalAvgPoolSpec {
  kind: 'globalAvgPool2d';
}

export const globalAvgPool2dKind: LayerKind<GlobalAvgPoolSpec, GlobalAvgPool> = {
  kind: 'globalAvgPool2d',
  layerClass: GlobalAvgPool,
  normalize: (where, spec) => specOptions(where, spec, {}) as GlobalAvgPoolSpec,
  outputShape: (where, _spec, input) => [images(where, input)[0]],
  create: () => new GlobalAvgPool(),
  onnx(_layer, x, c) {
    if (x.shape.length !== 3) throw new ShapeError(`${c.where}: expects images (C, H, W) per sample, got ${formatShape(x.shape)} from the layer before`);
    const pooled = c.graph.node('GlobalAveragePool', [x.name]);
    return { name: c.graph.node('Flatten', [pooled], [attribute.int('axis', 1)]), shape: [x.shape[0]] };
  },
  pytorch: { module: () => 'nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())' },
};
