// AdaGrad: h += g²; p -= lr·g / (√h + 1e-7).
import { options, positive } from '../options.js';
import { StatefulOptimizer } from './stateful.js';

/** AdaGrad: `h += g²; p -= lr·g / (√h + 1e-7)`: a step size per weight that shrinks as its
 *  gradients add up. Options: lr (default 0.01). */
export class AdaGrad extends StatefulOptimizer {
  lr: number;

  constructor(opts: { lr?: number } = {}) {
    const { lr = 0.01 } = options('AdaGrad', opts, ['lr']);
    super('AdaGrad', 1, [0]); // h sums squares
    this.lr = positive('AdaGrad', 'lr', lr);
  }

  protected kernel() {
    return { name: 'f32_adagrad_step', scalars: [this.lr] } as const;
  }
}
