// Momentum SGD: v = m·v - lr·g; p += v.
import type { Kernels } from '../backend/kernels.js';
import type { Tensor } from '../tensor.js';
import { fraction, positive } from './hyper.js';
import { StatefulOptimizer } from './stateful.js';

export class Momentum extends StatefulOptimizer {
  lr: number;
  readonly momentum: number;

  constructor({ lr = 0.01, momentum = 0.9 }: { lr?: number; momentum?: number } = {}) {
    super('Momentum', 1);
    this.lr = positive('Momentum', 'lr', lr);
    this.momentum = fraction('Momentum', 'momentum', momentum);
  }

  protected step(k: Kernels, p: number, g: number, [v]: Tensor[], n: number): void {
    k.f32_momentum_step(p, g, v.offset, n, this.lr, this.momentum);
  }
}
