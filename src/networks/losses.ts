// The loss layers a Sequential can end in, by the name its `loss` option uses.
import type { LossLayer } from '../layers/loss.js';
import { MeanSquaredError } from '../layers/mean-squared-error.js';
import { SigmoidWithLoss } from '../layers/sigmoid-with-loss.js';
import { SoftmaxWithLoss } from '../layers/softmax-with-loss.js';

export type { LossName } from '../layers/targets.js';

const LOSSES = new Map<string, () => LossLayer>([
  ['softmax-cross-entropy', () => new SoftmaxWithLoss()],
  ['mean-squared-error', () => new MeanSquaredError()],
  ['sigmoid-cross-entropy', () => new SigmoidWithLoss()],
]);

export const LOSS_NAMES: readonly string[] = [...LOSSES.keys()];

/** A new loss layer of that name, or undefined. */
export function createLoss(name: unknown): LossLayer | undefined {
  return typeof name === 'string' ? LOSSES.get(name)?.() : undefined;
}
