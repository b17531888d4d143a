// Flatten: (N, C, H, W) → (N, C·H·W) in C order, and the gradient back to the input's shape. No
// copy: both are views of the same memory. (Affine and BatchNormalization flatten by themselves;
// this layer makes the step explicit in an architecture.)
import { attribute } from '../io/onnx-layers.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape, sameShape, shapeSize } from '../shape.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

export class Flatten implements Layer {
  readonly params = {};
  readonly grads = {};
  #inputShape: readonly number[] | undefined;
  #views: Tensor[] = []; // the last pass's views, disposed at the next

  forward(x: Tensor): Tensor {
    checkTensor('Flatten.forward: x', x);
    if (x.shape.length < 1) throw new ShapeError(`Flatten.forward: x must be (N, ...), got ${formatShape(x.shape)}`);
    this.#inputShape = x.shape;
    return this.#view(x, [x.shape[0], x.shape[0] ? x.size / x.shape[0] : 0], true);
  }

  backward(dout: Tensor): Tensor {
    const shape = this.#inputShape;
    if (!shape) throw new ValueError('Flatten.backward: call forward first');
    checkTensor('Flatten.backward: dout', dout);
    const expected = [shape[0], shapeSize(shape.slice(1))];
    if (!sameShape(dout.shape, expected)) throw new ShapeError(`Flatten.backward: dout must be ${formatShape(expected)}, got ${formatShape(dout.shape)}`);
    return this.#view(dout, shape, false);
  }

  #view(t: Tensor, shape: readonly number[], forward: boolean): Tensor {
    if (forward) this.dispose();
    const view = t.reshape(shape);
    this.#views.push(view);
    return view;
  }

  dispose(): void {
    for (const v of this.#views) v.dispose();
    this.#views = [];
  }
}

/** The spec of flatten(). */
export interface FlattenSpec {
  kind: 'flatten';
}

export const flattenKind: LayerKind<FlattenSpec, Flatten> = {
  kind: 'flatten',
  layerClass: Flatten,
  normalize: (where, spec) => specOptions(where, spec, {}) as FlattenSpec,
  outputShape: (_where, _spec, input) => [shapeSize(input)],
  create: () => new Flatten(),
  onnx: (_layer, x, c) => ({ name: c.graph.node('Flatten', [x.name], [attribute.int('axis', 1)]), shape: [shapeSize(x.shape)] }),
};
