// The command-line options the example scripts share, and the checks of their values. The
// chapter-6 experiments all take --seed, --out and --quick, so that the test suite (and a reader)
// can run any of them the same way; the checks are here so every script rejects a bad value with
// the same words instead of training on NaN.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** --seed N (an integer, default 0), --out DIR (where figures go, default output) and --quick
 *  (a smaller run for the test suite; each script says what it cuts). */
export const experimentOptions = {
  seed: { type: 'string', default: '0' },
  out: { type: 'string', default: 'output' },
  quick: { type: 'boolean', default: false },
} as const;

/** Parses the command line of an experiment: the shared options plus the script's own, with
 *  --seed checked. Unknown options are an error, as with parseArgs' default. */
export function parseExperimentArgs<T extends OptionsConfig>(options: T) {
  const { values } = parseArgs<{ options: typeof experimentOptions & T }>({ options: { ...experimentOptions, ...options } });
  // NOTE: the type of `values` is only worked out where T is known; here it is opaque to tsc
  const { seed } = values as unknown as { seed: string };
  return { values, seed: integerOption('--seed', seed) };
}

/** The integer an option's text spells, or an error naming the option. */
export function integerOption(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${text}`);
  return value;
}

/** The positive integer an option's text spells (`fallback` when the option is absent: the
 *  default may depend on other options, such as --quick). */
export function positiveIntegerOption(name: string, text: string | undefined, fallback?: number): number {
  const value = Number(text ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return value;
}

/** The integer in [min, max] an option's text spells. */
export function integerInRangeOption(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be in [${min}, ${max}], got ${text}`);
  return value;
}

/** --train-size and --test-size: train and test on the first N images of each MNIST split
 *  (all of them by default), for quick runs of the convolutional networks. */
export const mnistSizeOptions = {
  'train-size': { type: 'string', default: '60000' },
  'test-size': { type: 'string', default: '10000' },
} as const;

/** The checked values of mnistSizeOptions. At least 100 training images: one mini-batch. */
export function mnistSizes(values: { 'train-size'?: string; 'test-size'?: string }): { trainSize: number; testSize: number } {
  return {
    trainSize: integerInRangeOption('--train-size', values['train-size'], 100, 60000),
    testSize: integerInRangeOption('--test-size', values['test-size'], 1, 10000),
  };
}
