// RMSprop: h = d·h + (1 - d)·g²; p -= lr·g / (√h + 1e-7).
import { fraction, options, positive } from '../options.js';
import { StatefulOptimizer } from './stateful.js';

/** RMSprop: `h = d·h + (1 - d)·g²; p -= lr·g / (√h + 1e-7)`, AdaGrad with a moving average.
 *  Options: lr (default 0.01), decayRate d in [0, 1) (default 0.99). */
export class RMSprop extends StatefulOptimizer {
  lr: number;
  readonly decayRate: number;

  constructor(opts: { lr?: number; decayRate?: number } = {}) {
    const { lr = 0.01, decayRate = 0.99 } = options('RMSprop', opts, ['lr', 'decayRate']);
    super('RMSprop', 1, [0]); // h sums squares
    this.lr = positive('RMSprop', 'lr', lr);
    this.decayRate = fraction('RMSprop', 'decayRate', decayRate);
  }

  protected kernel() {
    return { name: 'f32_rmsprop_step', scalars: [this.lr, this.decayRate] } as const;
  }
}
