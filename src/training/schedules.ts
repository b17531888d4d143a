// Learning-rate schedules: functions of the (fractional) epoch that the Trainer applies to the
// optimizer's lr before every update.
import { ValueError } from '../errors.js';

/** A learning rate as a function of the fractional epoch (0 at the start, 1.5 halfway through
 *  the second); the Trainer's `lrSchedule` sets the optimizer's lr from it before every update. */
export type LrSchedule = (epoch: number) => number;

function checkPositive(caller: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValueError(`${caller}: ${name} must be a positive number, got ${String(v)}`);
  return v;
}

/** lr·factor^⌊epoch / dropEvery⌋: drops by `factor` every `dropEvery` epochs. */
export function stepDecay({ lr, dropEvery, factor = 0.5 }: { lr: number; dropEvery: number; factor?: number }): LrSchedule {
  checkPositive('stepDecay', 'lr', lr);
  checkPositive('stepDecay', 'dropEvery', dropEvery);
  if (typeof factor !== 'number' || !(factor > 0 && factor <= 1)) throw new ValueError(`stepDecay: factor must be in (0, 1], got ${String(factor)}`);
  return (epoch) => lr * factor ** Math.floor(epoch / dropEvery);
}

/** Half a cosine from lr at epoch 0 down to lrMin at `epochs` (and lrMin after). */
export function cosineDecay({ lr, epochs, lrMin = 0 }: { lr: number; epochs: number; lrMin?: number }): LrSchedule {
  checkPositive('cosineDecay', 'lr', lr);
  checkPositive('cosineDecay', 'epochs', epochs);
  if (typeof lrMin !== 'number' || !(lrMin >= 0 && lrMin <= lr)) throw new ValueError(`cosineDecay: lrMin must be in [0, lr], got ${String(lrMin)}`);
  return (epoch) => lrMin + 0.5 * (lr - lrMin) * (1 + Math.cos(Math.PI * Math.min(epoch / epochs, 1)));
}
