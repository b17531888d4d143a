// Nesterov's accelerated gradient, as the book's current code orders it:
// p += m²·v; p -= (1 + m)·lr·g; v = m·v - lr·g.
import { fraction, options, positive } from '../options.js';
import { StatefulOptimizer } from './stateful.js';

/** Nesterov's accelerated gradient, as the book's code orders it. Options: lr (default 0.01),
 *  momentum in [0, 1) (default 0.9). */
export class Nesterov extends StatefulOptimizer {
  lr: number;
  readonly momentum: number;

  constructor(opts: { lr?: number; momentum?: number } = {}) {
    const { lr = 0.01, momentum = 0.9 } = options('Nesterov', opts, ['lr', 'momentum']);
    super('Nesterov', 1);
    this.lr = positive('Nesterov', 'lr', lr);
    this.momentum = fraction('Nesterov', 'momentum', momentum);
  }

  protected kernel() {
    return { name: 'f32_nesterov_step', scalars: [this.lr, this.momentum] } as const;
  }
}
