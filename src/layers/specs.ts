// The `layers` namespace: one factory per layer kind, each returning the plain JSON spec a
// Sequential is built from (and a saved architecture holds). Options are checked when the network
// is built, where errors can name the layer's position and the shapes around it.
import type { ActivationSpec, AlphaSpec } from './activations.js';
import type { DenseSpec } from './affine.js';
import type { BatchNormSpec } from './batch-normalization.js';
import type { Conv2dSpec } from './convolution.js';
import type { DropoutSpec } from './dropout.js';
import type { FlattenSpec } from './flatten.js';
import type { MaxoutSpec } from './maxout.js';
import type { PoolSpec } from './pooling.js';

/** A layer's options: its spec without the `kind` (which the factory sets). */
export type Options<S> = Omit<S, 'kind'>;
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
/** The book's dropout (not inverted): train keeps each value with probability 1 − ratio, test scales by 1 − ratio. */
export const dropout = (o: Options<DropoutSpec> = {}): DropoutSpec => ({ kind: 'dropout', ...o });
/** The book's batch normalization, per feature of the flattened input (momentum 0.9, eps 1e-6). */
export const batchNorm = (o: Options<BatchNormSpec> = {}): BatchNormSpec => ({ kind: 'batchNorm', ...o });
/** (C, H, W) → (C·H·W). */
export const flatten = (): FlattenSpec => ({ kind: 'flatten' });
