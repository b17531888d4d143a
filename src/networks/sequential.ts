// Sequential: a network built from layer specs, its shapes inferred from one sample's input shape.
// The book's networks are presets of it (two-layer-net.ts, multi-layer-net.ts, ...). Parameters
// are named as in the book: W1, b1, W2, ... over dense and conv2d layers in order; gamma1, beta1,
// runningMean1, runningVar1, ... over batch norms in order.
import { addScaled, sumOfSquares } from '../ops/elementwise.js';
import type { LayerSpec, PlannedLayer } from '../layers/kind.js';
import type { Layer } from '../layers/layer.js';
import { createRng } from '../rng.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parameterCount, plan, type Plan, type SequentialOptions } from './architecture.js';
import { executionOrder } from '../layers/fusion.js';
import { kindOfLayer } from '../layers/registry.js';
import { createLoss, type LossName } from './losses.js';
import { LayerNet } from './network.js';

export type { SequentialOptions } from './architecture.js';

/** What rebuilds a network: its kind ('Sequential' or a preset's class name), the preset's own
 *  options where it is one, and the checked Sequential options (plain JSON, saved with the model). */
export interface Architecture {
  kind: string;
  options?: Record<string, unknown>;
  inputShape: number[];
  layers: LayerSpec[];
  loss: LossName;
  weightDecayLambda: number;
  /** Absent in files written before L1 existed (0). */
  l1Lambda?: number;
  seed?: number;
}

/** A preset's name and constructor options, as its architecture records them. */
export interface Preset {
  name: string;
  options: object;
}

/**
 * A network composed from layer specs, ending in a loss layer:
 * `new Sequential({ inputShape: [784], layers: [layers.dense({ units: 50 }), layers.relu(),
 * layers.dense({ units: 10 })] })`. Parameters are named by kind and position (W1, b1, ...); the
 * book's networks are presets of it. Saved and rebuilt whole by saveModel/loadModel.
 */
export class Sequential extends LayerNet {
  readonly #plan: Plan;
  readonly #preset: Preset | undefined;
  readonly #decayed: { W: Tensor; name: string }[] = [];

  /** Builds the network the options describe; every option and layer is checked before anything
   *  is allocated. (`preset` is for the book's networks, which are built on this class.) */
  constructor(options: SequentialOptions, preset?: Preset) {
    const name = preset?.name ?? 'Sequential';
    const p = plan(name, options);
    super(name, p.inputShape, p.outputs, createLoss(p.loss)!, p.loss);
    this.#plan = p;
    this.#preset = preset;
    const rng = createRng(p.seed);
    // a stream of its own, so adding dropout does not change the initial weights
    const dropoutSeeds = createRng(p.seed === undefined ? undefined : p.seed + 0x9e3779b9);
    const ctx = { rng, dropoutSeed: () => dropoutSeeds.nextUint32(), executionOrder: (layers: readonly Layer[]) => executionOrder(layers, kindOfLayer) };
    try {
      for (const l of p.layers) {
        const layer = l.kind.create(l.spec as never, l.input, ctx, l);
        this.addLayer(layer, Object.fromEntries(l.params.map((t) => [t.local, t.name])),
          Object.fromEntries(l.buffers.map((t) => [t.local, t.name])));
      }
      for (const name of decayedNames(p.layers)) this.#decayed.push({ W: this.params[name], name });
    } catch (e) {
      this.dispose(); // what was allocated so far
      throw e;
    }
    // the layers hold these tensors: a record entry swapped for another would not be what runs
    Object.freeze(this.params);
    Object.freeze(this.buffers);
  }

  /** The architecture, as saveModel stores it and loadModel rebuilds it (a fresh copy). */
  get architecture(): Architecture {
    const p = this.#plan;
    const arch: Architecture = {
      kind: this.#preset?.name ?? 'Sequential',
      inputShape: [...p.inputShape],
      layers: p.layers.map((l) => structuredClone(l.spec)),
      loss: p.loss,
      weightDecayLambda: p.weightDecayLambda,
    };
    if (p.l1Lambda !== 0) arch.l1Lambda = p.l1Lambda;
    if (this.#preset) arch.options = structuredClone(this.#preset.options) as Record<string, unknown>;
    if (p.seed !== undefined) arch.seed = p.seed;
    return arch;
  }

  /** λ of the weight-decay penalty. */
  get weightDecayLambda(): number {
    return this.#plan.weightDecayLambda;
  }

  /** λ of the L1 penalty. */
  get l1Lambda(): number {
    return this.#plan.l1Lambda;
  }

  /** A table of the layers, their output shapes and parameter counts; the layers a residual holds
   *  are indented below it (2.1, 2.2, …; its projection shortcut as 2.s). */
  summary(): string {
    const p = this.#plan;
    const rows = [['#', 'layer', 'output shape', 'params'], ['', 'input', formatShape(p.inputShape), '']];
    const addRows = (list: readonly PlannedLayer[], prefix: string, indent: string) => list.forEach((l, i) => {
      const count = l.params.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
      const own = l.children ? [] : l.params;
      const names = own.length ? ` ${own.map((t) => t.name).join(', ')}` : '';
      const number = prefix + (l.shortcut ? 's' : String(i + 1));
      rows.push([number, `${indent}${l.spec.kind}${names}`, formatShape(l.output), count ? count.toLocaleString('en-US') : '']);
      if (l.children) addRows(l.children, `${number}.`, `${indent}  `);
    });
    addRows(p.layers, '', '');
    rows.push(['', `loss: ${p.loss}`, '', '']);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
    const total = `${parameterCount(p).toLocaleString('en-US')} parameters`;
    return [`${this.architecture.kind}: ${formatShape(p.inputShape)} → ${formatShape([p.outputs])}`, line(rows[0]),
      ...rows.slice(1).map(line), total].join('\n');
  }

  // 0.5·λ2·ΣW² (the book's weight decay) + λ1·Σ|W| over every dense and conv2d weight
  protected override penalty(): number {
    const { weightDecayLambda: l2, l1Lambda: l1 } = this.#plan;
    if (l2 === 0 && l1 === 0) return 0;
    let squares = 0, absolutes = 0;
    for (const { W } of this.#decayed) {
      if (l2 !== 0) squares += sumOfSquares(W);
      if (l1 !== 0) absolutes += sumAbs(W.data);
    }
    return 0.5 * l2 * squares + l1 * absolutes;
  }

  // d(0.5·λ2·ΣW²)/dW = λ2·W and d(λ1·Σ|W|)/dW = λ1·sign(W) (0 at 0, as PyTorch's sign), added into each dW
  protected override addPenaltyGradients(grads: Record<string, Tensor>): void {
    const { weightDecayLambda: l2, l1Lambda: l1 } = this.#plan;
    for (const { W, name } of this.#decayed) {
      if (l2 !== 0) addScaled(W, grads[name], l2);
      if (l1 !== 0) addSign(W.data, grads[name].data, l1);
    }
  }
}

// The names of the dense and conv2d weights (W1, W2, …) wherever they stand, for weight decay.
function decayedNames(list: readonly PlannedLayer[]): string[] {
  return list.flatMap((l) => l.children ? decayedNames(l.children)
    : l.kind.numbering === 'weights' ? l.params.filter((t) => t.local === 'W').map((t) => t.name) : []);
}

// NOTE: L1 runs in plain JS over the weights (no kernel): one pass per weight per step, like the
// optimizer's update, and it is off (λ = 0) unless asked for.
function sumAbs(w: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += Math.abs(w[i]);
  return sum;
}

function addSign(w: Float32Array, dw: Float32Array, lambda: number): void {
  for (let i = 0; i < w.length; i++) dw[i] += lambda * Math.sign(w[i]);
}
