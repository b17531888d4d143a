// Checks of optimizer hyper-parameters, so a typo fails at construction, not as NaN weights later.
import { describe } from '../shape.js';
import { ValueError } from '../errors.js';

export { options } from '../options.js';

export function positive(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(`${owner}: ${name} must be a positive number, got ${describe(value)}`);
  }
  return value;
}

/** A decay or momentum coefficient in [0, 1). */
export function fraction(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ValueError(`${owner}: ${name} must be a number in [0, 1), got ${describe(value)}`);
  }
  return value;
}
