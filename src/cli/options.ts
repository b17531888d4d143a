// Parsers of option values: a bad number is one clear line from commander ("option '--lr <x>'
// argument 'abc' is invalid. …"), before any work starts, never NaN in the middle of training.
import { InvalidArgumentError } from 'commander';

/** An integer in [min, max]. */
export function integerIn(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected an integer >= ${min}` : `expected an integer in [${min}, ${max}]`);
    }
    return value;
  };
}

/** A finite number > 0. */
export function positiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('expected a number > 0');
  return value;
}
