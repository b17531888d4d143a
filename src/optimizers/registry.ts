// Optimizers by name, as the book's Trainer takes them ('sgd', 'momentum', ..., case-insensitive).
import { AdaGrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Momentum } from './momentum.js';
import { Nesterov } from './nesterov.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

// NOTE: a Map, not an object: a name from a user or a file ('constructor', '__proto__') must not
// find Object's own members
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const OPTIMIZERS = new Map<string, new (options: any) => Optimizer>([
  ['sgd', SGD],
  ['momentum', Momentum],
  ['nesterov', Nesterov],
  ['adagrad', AdaGrad],
  ['rmsprop', RMSprop],
  ['adam', Adam],
]);

/** The names createOptimizer takes, in lower case. */
export const OPTIMIZER_NAMES = [...OPTIMIZERS.keys()];

export type OptimizerName = 'SGD' | 'Momentum' | 'Nesterov' | 'AdaGrad' | 'RMSprop' | 'Adam';

export function createOptimizer(name: string, options: Record<string, number> = {}): Optimizer {
  const make = typeof name === 'string' ? OPTIMIZERS.get(name.toLowerCase()) : undefined;
  if (!make) throw new Error(`createOptimizer: unknown optimizer ${JSON.stringify(name)}; expected one of SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam`);
  return new make(options);
}
