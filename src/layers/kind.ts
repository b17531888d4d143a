// A layer kind: everything Sequential, saved architectures and the ONNX export need to know about
// one kind of layer, defined next to the layer's math (one `*Kind` per layer file) and listed
// once in registry.ts. Specs are plain JSON objects ({ kind: 'dense', units: 10 }), so a model's
// architecture can be saved and rebuilt.
import type { LayerContext, Value } from '../formats/onnx-layers.js';
import type { Rng } from '../rng.js';
import type { Shape } from '../shape.js';
import type { Layer } from './layer.js';

/** A layer spec: the kind's name and its options (plain JSON). */
export interface LayerSpec {
  kind: string;
}

/** What a kind's create() draws its parameters from. */
export interface BuildContext {
  /** The initial weights' stream, drawn in layer order. */
  readonly rng: Rng;
  /** A seed per stochastic layer, from a stream of its own (adding dropout leaves the weights alone). */
  dropoutSeed(): number;
}

/** The tensors a layer of this kind holds for an input shape, by the layer's own names (W, b, gamma, ...). */
export interface TensorShapes {
  params: Record<string, Shape>;
  buffers?: Record<string, Shape>;
}

export interface LayerKind<S extends LayerSpec = LayerSpec, L extends Layer = Layer> {
  readonly kind: S['kind'];
  /** The layer class this kind creates (how the ONNX export finds a layer's kind). */
  readonly layerClass: abstract new (...args: never[]) => L;
  /** How the network numbers this kind's tensors: 'weights' (W1, b1, W2, ... over dense and conv
   *  layers in order), 'batchNorm' (gamma1, beta1, runningMean1, ...), or none. */
  readonly numbering?: 'weights' | 'batchNorm';
  /** The spec with its defaults filled in; unknown option names and bad values throw, naming `where`. */
  normalize(where: string, spec: Record<string, unknown>): S;
  /** One sample's output shape for one sample's input shape; throws, naming `where`, if it does not fit. */
  outputShape(where: string, spec: S, input: Shape): Shape;
  /** The shapes of the layer's parameters and buffers for this input (none when absent). */
  tensors?(spec: S, input: Shape): TensorShapes;
  /** A new layer for this input shape, its parameters initialized from `ctx`. */
  create(spec: S, input: Shape, ctx: BuildContext): L;
  /** Appends the ONNX nodes that compute the layer's forward(x, train = false); returns their output. */
  onnx(layer: L, x: Value, c: LayerContext): Value;
}
