// Optimizers by name, as the book's Trainer takes them ('sgd', 'momentum', ..., case-insensitive).
import { AdaGrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Momentum } from './momentum.js';
import { Nesterov } from './nesterov.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';
import { ValueError } from '../errors.js';

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
export const OPTIMIZER_NAMES = [...OPTIMIZERS.keys()] as Lowercase<OptimizerName>[];

/** The optimizers' names, as their classes spell them; createOptimizer and the Trainer's
 *  `optimizer` option also take them in lower case ('sgd', 'adam', ...). */
export type OptimizerName = 'SGD' | 'Momentum' | 'Nesterov' | 'AdaGrad' | 'RMSprop' | 'Adam';

/**
 * A new optimizer by name, case-insensitive: `createOptimizer('Adam', { lr: 0.001 })`. `options`
 * are the class's own (`lr`, `momentum`, `beta1`, ...; see each class for its defaults); an unknown
 * name or option is a ValueError.
 */
export function createOptimizer(name: OptimizerName | Lowercase<OptimizerName>, options: Record<string, number> = {}): Optimizer {
  const make = typeof name === 'string' ? OPTIMIZERS.get(name.toLowerCase()) : undefined;
  if (!make) throw new ValueError(`createOptimizer: unknown optimizer ${JSON.stringify(name)}; expected one of SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam`);
  return new make(options);
}
