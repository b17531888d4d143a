// Checks of optimizer hyper-parameters, so a typo fails at construction, not as NaN weights later.
import { describe } from '../shape.js';

/** The options object of an optimizer's constructor: an object whose keys are all known (a
 *  misspelt { learningRate } would otherwise leave lr at its default without a word). */
export function options<T extends object>(owner: string, value: T | undefined, known: readonly (keyof T & string)[]): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${owner}: expected an options object { ${known.join(', ')} }, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!(known as readonly string[]).includes(key)) {
      throw new Error(`${owner}: unknown option '${key}'; expected ${known.map((k) => `'${k}'`).join(', ')}`);
    }
  }
  return value;
}

export function positive(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${owner}: ${name} must be a positive number, got ${describe(value)}`);
  }
  return value;
}

/** A decay or momentum coefficient in [0, 1). */
export function fraction(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${owner}: ${name} must be a number in [0, 1), got ${describe(value)}`);
  }
  return value;
}
