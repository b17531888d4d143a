// Sequential: a network built from layer specs, its shapes inferred from one sample's input shape.
// The book's networks are presets of it (two-layer-net.ts, multi-layer-net.ts, ...). Parameters
// are named as in the book: W1, b1, W2, ... over dense and conv2d layers in order; gamma1, beta1,
// runningMean1, runningVar1, ... over batch norms in order.
import { kernels } from '../backend/runtime.js';
import type { LayerSpec } from '../layers/kind.js';
import { createRng } from '../rng.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { parameterCount, plan, type Plan, type SequentialOptions } from './architecture.js';
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
    const ctx = { rng, dropoutSeed: () => dropoutSeeds.nextUint32() };
    try {
      for (const l of p.layers) {
        const layer = l.kind.create(l.spec as never, l.input, ctx);
        this.addLayer(layer, Object.fromEntries(l.params.map((t) => [t.local, t.name])),
          Object.fromEntries(l.buffers.map((t) => [t.local, t.name])));
        if (l.kind.numbering === 'weights') this.#decayed.push({ W: layer.params.W, name: l.params.find((t) => t.local === 'W')!.name });
      }
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

  /** A table of the layers, their output shapes and parameter counts. */
  summary(): string {
    const p = this.#plan;
    const rows = [['#', 'layer', 'output shape', 'params'], ['', 'input', formatShape(p.inputShape), '']];
    p.layers.forEach((l, i) => {
      const count = l.params.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
      const names = l.params.length ? ` ${l.params.map((t) => t.name).join(', ')}` : '';
      rows.push([String(i + 1), `${l.spec.kind}${names}`, formatShape(l.output), count ? count.toLocaleString('en-US') : '']);
    });
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
    const k = kernels();
    let squares = 0, absolutes = 0;
    for (const { W } of this.#decayed) {
      if (l2 !== 0) squares += k.f32_sum_squares(W.offset, W.size);
      if (l1 !== 0) absolutes += sumAbs(W.data);
    }
    return 0.5 * l2 * squares + l1 * absolutes;
  }

  // d(0.5·λ2·ΣW²)/dW = λ2·W and d(λ1·Σ|W|)/dW = λ1·sign(W) (0 at 0, as PyTorch's sign), added into each dW
  protected override addPenaltyGradients(grads: Record<string, Tensor>): void {
    const { weightDecayLambda: l2, l1Lambda: l1 } = this.#plan;
    const k = kernels();
    for (const { W, name } of this.#decayed) {
      if (l2 !== 0) k.f32_axpy(W.offset, grads[name].offset, W.size, l2);
      if (l1 !== 0) addSign(W.data, grads[name].data, l1);
    }
  }
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
