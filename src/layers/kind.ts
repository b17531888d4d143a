// A layer kind: everything Sequential, saved architectures and the ONNX export need to know about
// one kind of layer, defined next to the layer's math (one `*Kind` per layer file) and listed
// once in registry.ts. Specs are plain JSON objects ({ kind: 'dense', units: 10 }), so a model's
// architecture can be saved and rebuilt.
import type { LayerContext, Value } from '../formats/onnx-layers.js';
import type { Rng } from '../rng.js';
import type { PoolWindow } from '../ops/pool.js';
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
  /** The order layers inside a kind that holds layers (residual) run in, with the joined steps the
   *  network would use (conv + max pooling + ReLU); as listed when absent. */
  executionOrder?(layers: readonly Layer[]): Layer[];
}

/** One layer of a network's plan, checked and sized before anything is allocated. */
export interface PlannedLayer {
  spec: LayerSpec;
  kind: LayerKind;
  input: Shape;
  output: Shape;
  /** The layer's own tensor names → the network's (W → W2), with their shapes. A kind that holds
   *  layers lists theirs under the network's names (local = name). */
  params: { local: string; name: string; shape: Shape }[];
  buffers: { local: string; name: string; shape: Shape }[];
  /** The layers a kind holds (residual: its branch, then its projection), planned. */
  children?: PlannedLayer[];
  /** A layer a residual adds as its projection shortcut (not one of the given specs). */
  shortcut?: boolean;
}

/** Plans a list of specs inside a layer (numbered on from the network's counters); `where` names the
 *  enclosing layer in errors. */
export type PlanLayers = (where: string, specs: unknown, input: Shape) => { layers: PlannedLayer[]; output: Shape };

/** How a kind appears in the Python source of exportPytorch. */
export interface PytorchModule {
  /** The torch.nn module, as Python source; `moduleOf` gives that of a layer the kind holds. */
  module(l: PlannedLayer, moduleOf: (inner: PlannedLayer) => string): string;
  /** The state_dict key (below the module's) of each of the layer's own tensors, by its own name. */
  keys?: Record<string, string>;
  /** Those of the layer's tensors that PyTorch holds transposed (a dense layer's W: nn.Linear's (out, in)). */
  transposed?: readonly string[];
  /** Kinds that hold layers: each child with its key prefix below this module. */
  children?(l: PlannedLayer): [PlannedLayer, string][];
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
  /** The counter that numbers this kind's tensors: kinds that share a counter share a sequence, as
   *  'weights' (W1, b1, W2, … over dense and conv layers in order; the weights weight decay and L1
   *  act on) and 'batchNorm' (gamma1, beta1, runningMean1, … over both batch norms) do; a new name
   *  starts a sequence of its own. None: the layer holds no tensors of its own. */
  readonly numbering?: string;
  /** The spec with its defaults filled in; unknown option names and bad values throw, naming `where`. */
  normalize(where: string, spec: Record<string, unknown>): S;
  /** One sample's output shape for one sample's input shape; throws, naming `where`, if it does not
   *  fit. (Kinds that hold layers give theirs from planChildren instead.) */
  outputShape?(where: string, spec: S, input: Shape): Shape;
  /** The shapes of the layer's parameters and buffers for this input (none when absent). */
  tensors?(spec: S, input: Shape): TensorShapes;
  /** Kinds that hold layers (residual): plans them with `planLayers` (which numbers their tensors on
   *  from the network's counters); returns the output shape, the planned children and the spec with
   *  its children's specs normalized (as the architecture records it). */
  planChildren?(where: string, spec: S, input: Shape, planLayers: PlanLayers): { output: Shape; children: PlannedLayer[]; spec: S };
  /** A new layer for this input shape, its parameters initialized from `ctx`; `planned` is this
   *  layer's plan (kinds that hold layers create their children from it). */
  create(spec: S, input: Shape, ctx: BuildContext, planned?: PlannedLayer): L;
  /** Appends the ONNX nodes that compute the layer's forward(x, train = false); returns their output. */
  onnx(layer: L, x: Value, c: LayerContext): Value;
  /** Its torch.nn module in the PyTorch export. */
  readonly pytorch: PytorchModule;
  /** How a layer of this kind joins its neighbours in a network's run (layers/fusion.ts). */
  readonly fusion?: Fusion<L>;
}

/** A kind's part in the joined steps a network runs (layers/fusion.ts): 'relu' commutes with a max
 *  pooling after it; 'maxPool' is that pooling (`window` gives its window); 'convolution' joins the
 *  max pooling after it, and a ReLU after that, into one step (`join`). */
export type Fusion<L extends Layer> =
  | { readonly role: 'relu' }
  | { readonly role: 'maxPool'; window(layer: L): Layer & PoolWindow }
  | { readonly role: 'convolution'; join(conv: L, pool: Layer & PoolWindow, relu?: Layer): Layer };
