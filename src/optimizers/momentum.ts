// Momentum SGD: v = m·v - lr·g; p += v.
import type { Kernels } from '../backend/kernels.js';
import type { Tensor } from '../tensor.js';
import { fraction, options, positive } from './hyper.js';
import { StatefulOptimizer } from './stateful.js';

export class Momentum extends StatefulOptimizer {
  lr: number;
  readonly momentum: number;

  constructor(opts: { lr?: number; momentum?: number } = {}) {
    const { lr = 0.01, momentum = 0.9 } = options('Momentum', opts, ['lr', 'momentum']);
    super('Momentum', 1);
    this.lr = positive('Momentum', 'lr', lr);
    this.momentum = fraction('Momentum', 'momentum', momentum);
  }

  protected step(k: Kernels, p: number, g: number, [v]: Tensor[], n: number): void {
    k.f32_momentum_step(p, g, v.offset, n, this.lr, this.momentum);
  }
}
