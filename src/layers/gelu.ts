// GELU, x·Φ(x), in its tanh approximation: y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), PyTorch's
// nn.GELU(approximate='tanh') (assembly/gelu.ts). Its derivative is a function of x, not of y, so
// the layer keeps its input for backward, where ReLU, sigmoid and tanh keep their output.
import { mapBackward, mapForward } from '../ops/activation.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

/** GELU (tanh approximation, as PyTorch's `nn.GELU(approximate='tanh')`); backward reads the input. */
export class Gelu implements Layer {
  readonly params = {};
  readonly grads = {};
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #x: Tensor | undefined;

  forward(x: Tensor): Tensor {
    checkTensor('Gelu.forward: x', x);
    const y = this.#out.get(x.shape, x);
    mapForward('f32_gelu_fwd', x, y);
    this.#x = x;
    return y;
  }

  backward(dout: Tensor): Tensor {
    const x = this.#x;
    if (!x || x.disposed) throw new ValueError('Gelu.backward: call forward first (or its input was disposed)');
    checkTensor('Gelu.backward: dout', dout);
    if (!sameShape(dout.shape, x.shape)) throw new ShapeError(`Gelu.backward: dout must have the input's shape ${formatShape(x.shape)}, got ${formatShape(dout.shape)}`);
    const dx = this.#dx.get(dout.shape, dout);
    mapBackward('f32_gelu_bwd', x, dout, dx);
    return dx;
  }

  dispose(): void {
    this.#out.dispose();
    this.#dx.dispose();
    this.#x = undefined;
  }
}

/** The spec of gelu(). */
export interface GeluSpec {
  kind: 'gelu';
}

/** GELU in its tanh approximation (PyTorch's nn.GELU(approximate='tanh')). */
export const gelu = (): GeluSpec => ({ kind: 'gelu' });

export const geluKind: LayerKind<GeluSpec, Gelu> = {
  kind: 'gelu',
  layerClass: Gelu,
  normalize: (where, spec) => specOptions(where, spec, {}) as GeluSpec,
  outputShape: (_where, _spec, input) => input,
  create: () => new Gelu(),
  pytorch: { module: () => "nn.GELU(approximate='tanh')" },
  // NOTE: opset 13 has no Gelu: the formula in nodes, ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
  onnx(_layer, x, c) {
    const g = c.graph;
    const constant = (name: string, v: number) => g.floats(name, [], [v]);
    const cube = g.node('Mul', [g.node('Mul', [x.name, x.name]), x.name]);
    const inner = g.node('Add', [x.name, g.node('Mul', [cube, constant('gelu_cubic', 0.044715)])]);
    const t = g.node('Tanh', [g.node('Mul', [inner, constant('gelu_sqrt_2_over_pi', Math.sqrt(2 / Math.PI))])]);
    const half = g.node('Mul', [x.name, constant('gelu_half', 0.5)]);
    return { name: g.node('Mul', [half, g.node('Add', [t, constant('gelu_one', 1)])]), shape: x.shape };
  },
};
