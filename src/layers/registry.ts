// Every layer kind a Sequential can be built from, by the name its specs use. Adding a kind is one
// line here; everything else about it lives in its layer file.
import { eluKind, leakyReluKind, reluKind, sigmoidKind, tanhKind } from './activations.js';
import { denseKind } from './affine.js';
import { batchNormKind } from './batch-normalization.js';
import { batchNorm2dKind } from './batch-norm-2d.js';
import { conv2dKind } from './convolution.js';
import { dropoutKind } from './dropout.js';
import { flattenKind } from './flatten.js';
import { geluKind } from './gelu.js';
import { globalAvgPool2dKind } from './global-avg-pool.js';
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';
import { maxoutKind } from './maxout.js';
import { avgPool2dKind, maxPool2dKind } from './pooling.js';
import { residualKind } from './residual.js';

const KINDS: readonly LayerKind<never, never>[] = [
  denseKind, conv2dKind, maxPool2dKind, avgPool2dKind, reluKind, sigmoidKind, tanhKind, leakyReluKind, eluKind,
  maxoutKind, dropoutKind, batchNormKind, batchNorm2dKind, globalAvgPool2dKind, residualKind, flattenKind, geluKind,
] as never;

const BY_NAME = new Map<string, LayerKind>(KINDS.map((k) => [k.kind, k as unknown as LayerKind]));

export const KIND_NAMES: readonly string[] = [...BY_NAME.keys()];

/** The kind a spec names, or undefined. */
export function kindNamed(name: unknown): LayerKind | undefined {
  return typeof name === 'string' ? BY_NAME.get(name) : undefined;
}

/** The kind that creates layers of this class (exactly this class, not a subclass), or undefined. */
export function kindOfLayer(layer: Layer): LayerKind<never, Layer> | undefined {
  for (const k of BY_NAME.values()) if (Object.getPrototypeOf(layer) === k.layerClass.prototype) return k as LayerKind<never, Layer>;
  return undefined;
}
