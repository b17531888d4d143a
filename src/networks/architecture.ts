// A Sequential's architecture, checked and sized before anything is allocated: each layer spec
// normalized (defaults filled in, unknown kinds and options refused), its input and output shapes
// inferred from the input shape, and the network's names for its tensors (W1, b1, gamma1, ...).
// Model loading uses the same plan to check a file's tensors before it builds anything.
import { KIND_NAMES, kindNamed } from '../layers/registry.js';
import type { LayerKind, LayerSpec } from '../layers/kind.js';
import { finite } from '../layers/spec-checks.js';
import { options } from '../options.js';
import { checkSeed } from '../rng.js';
import { describe, formatShape, shapeSize, type Shape } from '../shape.js';
import { LOSS_NAMES, type LossName } from './losses.js';
import { ShapeError, ValueError } from '../errors.js';

/** Options of a Sequential: the input shape, the layers and the loss. */
export interface SequentialOptions {
  /** One sample's shape: [784] or [1, 28, 28]. */
  inputShape: readonly number[];
  /** The layers in order, made by `layers.dense(...)`, `layers.relu()`, `layers.conv2d(...)`, .... */
  layers: readonly LayerSpec[];
  /** The loss layer on top; default 'softmax-cross-entropy'. */
  loss?: LossName;
  /** λ of the L2 penalty 0.5·λ·ΣW² over every dense and conv2d weight (biases are not decayed). */
  weightDecayLambda?: number;
  /** λ of the L1 penalty λ·Σ|W| over the same weights; default 0. */
  l1Lambda?: number;
  /** Seed of the initial weights (and, from a stream of its own, of dropout masks). */
  seed?: number;
}

/** One layer of the plan. */
export interface PlannedLayer {
  spec: LayerSpec;
  kind: LayerKind;
  input: Shape;
  output: Shape;
  /** The layer's own tensor names → the network's (W → W2), with their shapes. */
  params: { local: string; name: string; shape: Shape }[];
  buffers: { local: string; name: string; shape: Shape }[];
}

export interface Plan {
  inputShape: Shape;
  layers: PlannedLayer[];
  outputs: number;
  loss: LossName;
  weightDecayLambda: number;
  l1Lambda: number;
  seed: number | undefined;
}

const KEYS = ['inputShape', 'layers', 'loss', 'weightDecayLambda', 'l1Lambda', 'seed'] as const;

// What Keras and PyTorch users type for these options.
const L2 = 'weightDecayLambda (the L2 penalty 0.5·λ·ΣW²)', L1 = 'l1Lambda (the penalty λ·Σ|W|)';
const HINTS: Record<string, string> = {
  input_shape: 'inputShape', inputDim: 'inputShape', inputSize: 'inputShape: [inputSize]',
  weight_decay: L2, l2: L2, kernel_regularizer: `${L2} or ${L1}`, l1: L1, l1_lambda: L1,
  criterion: "loss: 'softmax-cross-entropy' | 'mean-squared-error' | 'sigmoid-cross-entropy'",
  lossFunction: "loss: 'softmax-cross-entropy' | 'mean-squared-error' | 'sigmoid-cross-entropy'",
  optimizer: 'an option of fit() and the Trainer, not of the network',
};

/** Checks every option and layer of a Sequential; allocates nothing. */
export function plan(caller: string, o: SequentialOptions): Plan {
  if (o === null || typeof o !== 'object') throw new ValueError(`${caller}: expected an options object { ${KEYS.join(', ')} }, got ${describe(o)}`);
  const { inputShape, layers, loss = 'softmax-cross-entropy', weightDecayLambda = 0, l1Lambda = 0, seed } = options(caller, o, KEYS, HINTS);
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ValueError(`${caller}: inputShape must be one sample's shape, a non-empty array of positive integers, got ${Array.isArray(inputShape) ? JSON.stringify(inputShape) : describe(inputShape)}`);
  }
  if (!Array.isArray(layers)) throw new ValueError(`${caller}: layers must be an array of layer specs (made by layers.dense(...) etc.), got ${describe(layers)}`);
  if (!LOSS_NAMES.includes(loss)) throw new ValueError(`${caller}: loss must be one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}, got ${describe(loss)}`);
  finite(caller, 'weightDecayLambda', weightDecayLambda, 0);
  finite(caller, 'l1Lambda', l1Lambda, 0);
  checkSeed(caller, seed);
  const counters = { weights: 0, batchNorm: 0 };
  let shape: Shape = Object.freeze([...inputShape]);
  const planned = layers.map((raw, i): PlannedLayer => {
    const kindName = raw !== null && typeof raw === 'object' ? (raw as LayerSpec).kind : undefined;
    const where = `${caller}: layer ${i + 1}${typeof kindName === 'string' ? ` (${kindName})` : ''}`;
    const kind = kindNamed(kindName);
    if (!kind) {
      throw new ValueError(`${where}: expected a layer spec { kind, ... } with kind one of ${KIND_NAMES.join(', ')}, got ` +
        (raw !== null && typeof raw === 'object' ? `kind ${describe(kindName)}` : describe(raw)));
    }
    const spec = kind.normalize(where, raw as unknown as Record<string, unknown>);
    const input = shape;
    const output = Object.freeze([...kind.outputShape(`${where}, input ${formatShape(input)}`, spec, input)]);
    shape = output;
    const tensors = kind.tensors?.(spec, input);
    const index = kind.numbering ? ++counters[kind.numbering] : 0;
    const name = (list: Record<string, Shape> = {}) => Object.entries(list).map(([local, s]) => ({ local, name: `${local}${index}`, shape: s }));
    return { spec, kind, input, output, params: name(tensors?.params), buffers: name(tensors?.buffers) };
  });
  if (shape.length !== 1) {
    throw new ShapeError(`${caller}: the last layer gives ${formatShape(shape)} per sample; the loss needs a vector of scores: ` +
      'end with a dense layer (or flatten)');
  }
  return { inputShape: Object.freeze([...inputShape]), layers: planned, outputs: shape[0], loss, weightDecayLambda, l1Lambda, seed };
}

/** Parameters and buffers of the plan, by the network's names: name → shape. */
export function plannedTensors(p: Plan): Map<string, Shape> {
  const all = new Map<string, Shape>();
  for (const l of p.layers) for (const t of [...l.params, ...l.buffers]) all.set(t.name, t.shape);
  return all;
}

/** The number of parameters (learned values) of the plan. */
export function parameterCount(p: Plan): number {
  return p.layers.reduce((sum, l) => sum + l.params.reduce((s, t) => s + shapeSize(t.shape), 0), 0);
}
