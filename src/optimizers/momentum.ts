// Momentum SGD: v = m·v - lr·g; p += v.
import { fraction, options, positive } from '../options.js';
import { StatefulOptimizer } from './stateful.js';

/** Momentum SGD: `v = momentum·v - lr·g; p += v`, one velocity per parameter. Options: lr (default
 *  0.01), momentum in [0, 1) (default 0.9). */
export class Momentum extends StatefulOptimizer {
  lr: number;
  readonly momentum: number;

  constructor(opts: { lr?: number; momentum?: number } = {}) {
    const { lr = 0.01, momentum = 0.9 } = options('Momentum', opts, ['lr', 'momentum']);
    super('Momentum', 1);
    this.lr = positive('Momentum', 'lr', lr);
    this.momentum = fraction('Momentum', 'momentum', momentum);
  }

  protected kernel() {
    return { name: 'f32_momentum_step', scalars: [this.lr, this.momentum] } as const;
  }
}
