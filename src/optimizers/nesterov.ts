// Nesterov's accelerated gradient, as the book's current code orders it:
// p += m²·v; p -= (1 + m)·lr·g; v = m·v - lr·g.
import type { Kernels } from '../backend/kernels.js';
import type { Tensor } from '../tensor.js';
import { fraction, options, positive } from './hyper.js';
import { StatefulOptimizer } from './stateful.js';

export class Nesterov extends StatefulOptimizer {
  lr: number;
  readonly momentum: number;

  constructor(opts: { lr?: number; momentum?: number } = {}) {
    const { lr = 0.01, momentum = 0.9 } = options('Nesterov', opts, ['lr', 'momentum']);
    super('Nesterov', 1);
    this.lr = positive('Nesterov', 'lr', lr);
    this.momentum = fraction('Nesterov', 'momentum', momentum);
  }

  protected step(k: Kernels, p: number, g: number, [v]: Tensor[], n: number): void {
    k.f32_nesterov_step(p, g, v.offset, n, this.lr, this.momentum);
  }
}
