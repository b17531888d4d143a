// A residual block (He et al., 2015): out = F(x) + S(x), F a branch of layers and S the shortcut,
// the identity where F keeps the shape, else a projection (a 1×1 convolution with bias and the
// stride that maps x onto F's output). ReLU after the sum is the next layer's job. Backward adds
// the gradient through the branch and the one through the shortcut.
// Tensors are numbered through the branch first (W, b of its conv2d and dense layers, gamma, beta
// of its batch norms, inner residuals depth first), then the projection: a residual over
// [conv2d, batchNorm2d] after one conv2d holds W2, b2, gamma1, beta1, then W3, b3 (the projection).
import { createRng } from '../rng.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape, type Shape } from '../shape.js';
import { add } from '../ops/elementwise.js';
import { LayerBuffer } from './buffer.js';
import type { LayerKind, LayerSpec, PlannedLayer } from './kind.js';
import type { Layer } from './layer.js';
import { images, specOptions } from './spec-checks.js';
import { ShapeError, ValueError } from '../errors.js';

const SHORTCUTS = ['auto', 'identity', 'projection'] as const;
export type Shortcut = (typeof SHORTCUTS)[number];

/** A layer inside a residual, with the kind that made it (for its ONNX nodes) and the network's
 *  names of its tensors. */
export interface ResidualChild {
  layer: Layer;
  kind: LayerKind;
  planned: PlannedLayer;
}

/**
 * out = F(x) + S(x) on images: F the branch's layers, S the identity or a projection (a 1×1
 * convolution). Made by `layers.residual(...)` in a Sequential, which names its tensors.
 */
export class Residual implements Layer {
  readonly branch: readonly ResidualChild[];
  readonly projection: ResidualChild | undefined;
  readonly params: Record<string, Tensor> = {};
  readonly buffers: Record<string, Tensor> = {};
  readonly #order: Layer[]; // the branch as it runs, with the network's joined steps
  readonly #out = new LayerBuffer();
  readonly #dx = new LayerBuffer();
  #input: Tensor | undefined;
  #outShape: Shape | undefined;

  /** `order` runs the branch's layers (the same layers, some joined into one step). */
  constructor(branch: readonly ResidualChild[], projection: ResidualChild | undefined, order: Layer[] = branch.map((c) => c.layer)) {
    this.branch = branch;
    this.projection = projection;
    this.#order = order;
    for (const { layer, planned } of this.#children()) {
      for (const t of planned.params) this.params[t.name] = layer.params[t.local];
      for (const t of planned.buffers) this.buffers[t.name] = layer.buffers![t.local];
    }
    // numerical gradients fix dropout's masks through this
    const stochastic = branch.map((c) => c.layer).filter((l) => l.replayRandomness !== undefined);
    if (stochastic.length) {
      Object.defineProperty(this, 'replayRandomness', {
        get: () => stochastic[0].replayRandomness,
        set: (v: boolean) => { for (const l of stochastic) l.replayRandomness = v; },
      });
    }
  }

  /** The branch as it runs: its layers, with a convolution, the max pooling and ReLU after it
   *  joined into one step (ConvMaxPool) as a network joins them. */
  get steps(): readonly Layer[] {
    return [...this.#order];
  }

  #children(): ResidualChild[] {
    return this.projection ? [...this.branch, this.projection] : [...this.branch];
  }

  /** The gradients of the branch's and the projection's parameters, under the network's names. */
  get grads(): Record<string, Tensor> {
    const grads: Record<string, Tensor> = {};
    for (const { layer, planned } of this.#children()) for (const t of planned.params) grads[t.name] = layer.grads[t.local];
    return grads;
  }

  forward(x: Tensor, train = true): Tensor {
    checkTensor('Residual.forward: x', x);
    if (x.shape.length !== 4) throw new ShapeError(`Residual.forward: expected images (N, C, H, W), got ${formatShape(x.shape)}`);
    let f = x;
    for (const layer of this.#order) f = layer.forward(f, train);
    const s = this.projection ? this.projection.layer.forward(x, train) : x;
    if (!sameShape(f.shape, s.shape)) {
      throw new ShapeError(`Residual.forward: the branch gives ${formatShape(f.shape)} but the shortcut ${formatShape(s.shape)}`);
    }
    const y = this.#out.get(f.shape, f, s, x);
    add(f, s, y);
    this.#input = x;
    this.#outShape = y.shape;
    return y;
  }

  backward(dout: Tensor): Tensor {
    const x = this.#input;
    if (!x || x.disposed) throw new ValueError('Residual.backward: call forward first (or its input was disposed)');
    checkTensor('Residual.backward: dout', dout);
    if (!sameShape(dout.shape, this.#outShape!)) throw new ShapeError(`Residual.backward: dout must be ${formatShape(this.#outShape!)}, got ${formatShape(dout.shape)}`);
    let g = dout;
    for (let i = this.#order.length - 1; i >= 0; i--) g = this.#order[i].backward(g);
    const ds = this.projection ? this.projection.layer.backward(dout) : dout;
    const dx = this.#dx.get(x.shape, g, ds, dout);
    add(g, ds, dx);
    return dx;
  }

  /** Gives each stochastic layer of the branch its own seed from one stream seeded by `seed`. */
  reseed(seed: number): void {
    const rng = createRng(seed);
    for (const { layer } of this.branch) layer.reseed?.(rng.nextUint32());
  }

  dispose(): void {
    for (const layer of new Set([...this.#children().map((c) => c.layer), ...this.#order])) layer.dispose();
    this.#out.dispose();
    this.#dx.dispose();
    this.#input = undefined;
  }
}

export interface ResidualSpec {
  kind: 'residual';
  layers: LayerSpec[];
  shortcut?: Shortcut;
}

/** The smallest stride s with ⌈H / s⌉ = OH and ⌈W / s⌉ = OW (a 1×1 window at stride s gives ⌊(H − 1) / s⌋ + 1 rows). */
function projectionStride(input: Shape, output: Shape): number | undefined {
  const [, H, W] = input, [, OH, OW] = output;
  for (let s = 1; s <= Math.max(H, W); s++) if (Math.floor((H - 1) / s) + 1 === OH && Math.floor((W - 1) / s) + 1 === OW) return s;
  return undefined;
}

export const residualKind: LayerKind<ResidualSpec, Residual> = {
  kind: 'residual',
  layerClass: Residual,
  normalize(where, spec) {
    const s = specOptions(where, spec, { layers: undefined as unknown as LayerSpec[], shortcut: 'auto' as Shortcut });
    if (!Array.isArray(s.layers)) throw new ValueError(`${where}: layers must be an array of layer specs (the branch), got ${describe(s.layers)}`);
    if (!SHORTCUTS.includes(s.shortcut as Shortcut)) throw new ValueError(`${where}: shortcut must be one of ${SHORTCUTS.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(s.shortcut)}`);
    return s as ResidualSpec;
  },
  planChildren(where, spec, input, planLayers) {
    images(`${where}, input ${formatShape(input)}`, input);
    const branch = planLayers(`${where}, branch`, spec.layers, input);
    const out = branch.output;
    if (out.length !== 3) throw new ShapeError(`${where}: the branch must give images (C, H, W) to add to its input, got ${formatShape(out)}`);
    const same = sameShape(out, input);
    if (spec.shortcut === 'identity' && !same) {
      throw new ShapeError(`${where}: an identity shortcut needs the branch to keep the shape ${formatShape(input)}, got ${formatShape(out)} (use shortcut 'projection' or 'auto')`);
    }
    const normalized = { ...spec, layers: branch.layers.map((l) => l.spec) };
    if (same && spec.shortcut !== 'projection') return { output: out, children: branch.layers, spec: normalized };
    const stride = projectionStride(input, out);
    if (stride === undefined) throw new ShapeError(`${where}: no stride of a 1×1 convolution maps ${formatShape(input)} onto the branch's ${formatShape(out)}`);
    const projection = planLayers(`${where}, projection`, [{ kind: 'conv2d', filters: out[0], kernelSize: 1, stride }], input).layers[0];
    projection.shortcut = true;
    return { output: out, children: [...branch.layers, projection], spec: normalized };
  },
  create(_spec, _input, ctx, planned) {
    const children = planned!.children!.map((c): ResidualChild => ({ layer: c.kind.create(c.spec as never, c.input, ctx, c), kind: c.kind, planned: c }));
    const projection = children.find((c) => c.planned.shortcut);
    const branch = children.filter((c) => c !== projection);
    const order = ctx.executionOrder?.(branch.map((c) => c.layer));
    return new Residual(branch, projection, order);
  },
  onnx(layer, x, c) {
    if (x.shape.length !== 3) throw new ShapeError(`${c.where}: expects images (C, H, W) per sample, got ${formatShape(x.shape)} from the layer before`);
    let f = x;
    layer.branch.forEach((child, i) => void (f = child.kind.onnx(child.layer as never, f, { ...c, where: `${c.where}, branch layer ${i + 1}` })));
    const s = layer.projection ? layer.projection.kind.onnx(layer.projection.layer as never, x, { ...c, where: `${c.where}, projection` }) : x;
    if (!sameShape(f.shape, s.shape)) throw new ShapeError(`${c.where}: the branch gives ${formatShape(f.shape)} but the shortcut ${formatShape(s.shape)}`);
    return { name: c.graph.node('Add', [f.name, s.name]), shape: f.shape };
  },
  pytorch: {
    module(l, moduleOf) {
      const branch = l.children!.filter((c) => !c.shortcut).map(moduleOf);
      const projection = l.children!.find((c) => c.shortcut);
      return `Residual(nn.Sequential(${branch.join(', ')}), ${projection ? moduleOf(projection) : 'nn.Identity()'})`;
    },
    children(l) {
      const branch = l.children!.filter((c) => !c.shortcut);
      return l.children!.map((c) => [c, c.shortcut ? 'shortcut' : `branch.${branch.indexOf(c)}`]);
    },
  },
};
