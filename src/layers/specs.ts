// The `layers` namespace: one factory per layer kind, each returning the plain JSON spec a
// Sequential is built from (and a saved architecture holds). Options are checked when the network
// is built, where errors can name the layer's position and the shapes around it.
import type { ActivationSpec, AlphaSpec } from './activations.js';
import type { DenseSpec } from './affine.js';
import type { BatchNormSpec } from './batch-normalization.js';
import type { BatchNorm2dSpec } from './batch-norm-2d.js';
import type { Conv2dSpec } from './convolution.js';
import type { DropoutSpec } from './dropout.js';
import type { FlattenSpec } from './flatten.js';
import type { GlobalAvgPoolSpec } from './global-avg-pool.js';
import type { MaxoutSpec } from './maxout.js';
import type { PoolSpec } from './pooling.js';
import type { ResidualSpec, Shortcut } from './residual.js';
import type { LayerSpec } from './kind.js';

/** A layer's options: its spec without the `kind` (which the factory sets). */
export type Options<S> = Omit<S, 'kind'>;
export { gelu, type GeluSpec } from './gelu.js';
export type { ActivationSpec, AlphaSpec, BatchNormSpec, Conv2dSpec, DenseSpec, DropoutSpec, FlattenSpec, MaxoutSpec, PoolSpec };

/** A fully connected layer of `units` outputs (an Affine with W (in, units)); `init` defaults to 'he'. */
export const dense = (o: Options<DenseSpec>): DenseSpec => ({ kind: 'dense', ...o });
/** A convolution of `filters` filters of `kernelSize` (a number or [h, w]); stride 1, pad 0, He init by default. */
export const conv2d = (o: Options<Conv2dSpec>): Conv2dSpec => ({ kind: 'conv2d', ...o });
/** Max pooling over `size` windows (a number or [h, w]), stride = size by default; padding counts as zeros. */
export const maxPool2d = (o: Omit<PoolSpec, 'kind'>): PoolSpec => ({ kind: 'maxPool2d', ...o });
/** Average pooling, as maxPool2d; padding counts in the average. */
export const avgPool2d = (o: Omit<PoolSpec, 'kind'>): PoolSpec => ({ kind: 'avgPool2d', ...o });
/** ReLU (ReLU'(0) = 0). */
export const relu = (): ActivationSpec => ({ kind: 'relu' });
/** The logistic sigmoid. */
export const sigmoid = (): ActivationSpec => ({ kind: 'sigmoid' });
/** tanh. */
export const tanh = (): ActivationSpec => ({ kind: 'tanh' });
/** LeakyReLU with slope `alpha` (default 0.01) below zero. */
export const leakyRelu = (o: Options<AlphaSpec> = {}): AlphaSpec => ({ kind: 'leakyRelu', ...o });
/** ELU with `alpha` (default 1). */
export const elu = (o: Options<AlphaSpec> = {}): AlphaSpec => ({ kind: 'elu', ...o });
/** Maxout: the maximum of each group of `pieces` consecutive channels (or features): C → C / pieces. */
export const maxout = (o: Options<MaxoutSpec>): MaxoutSpec => ({ kind: 'maxout', ...o });
/** The book's dropout (not inverted): train keeps each value with probability 1 − ratio, test scales by 1 − ratio.
 *  `inverted: true` is PyTorch's nn.Dropout: train scales the kept values by 1 / (1 − ratio), test is the identity. */
export const dropout = (o: Options<DropoutSpec> = {}): DropoutSpec => ({ kind: 'dropout', ...o });
/** The book's batch normalization, per feature of the flattened input (momentum 0.9, eps 1e-6). */
export const batchNorm = (o: Options<BatchNormSpec> = {}): BatchNormSpec => ({ kind: 'batchNorm', ...o });
/** (C, H, W) → (C·H·W). */
export const flatten = (): FlattenSpec => ({ kind: 'flatten' });
/** Per-channel batch normalization of images, PyTorch's BatchNorm2d (momentum 0.9 in the book's
 *  convention, i.e. PyTorch's 0.1; eps 1e-5); gamma has C entries. */
export const batchNorm2d = (o: Options<BatchNorm2dSpec> = {}): BatchNorm2dSpec => ({ kind: 'batchNorm2d', ...o });
/** (C, H, W) → (C): the mean of each channel. */
export const globalAvgPool2d = (): GlobalAvgPoolSpec => ({ kind: 'globalAvgPool2d' });
/** A residual block on images: out = F(x) + S(x), F the given layers, S the identity where F keeps
 *  the shape ('identity'), else a 1×1 convolution with bias and the stride that maps x onto F's
 *  output ('projection'); 'auto' (the default) picks. Tensors are numbered through the branch first,
 *  then the projection. ReLU after the sum is the next layer's job. Nests up to 16 deep. */
export const residual = (layers: LayerSpec[], o: { shortcut?: Shortcut } = {}): ResidualSpec => ({ kind: 'residual', layers, ...o });
