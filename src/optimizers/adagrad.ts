// AdaGrad: h += g²; p -= lr·g / (√h + 1e-7).
import type { Kernels } from '../backend/kernels.js';
import type { Tensor } from '../tensor.js';
import { options, positive } from './hyper.js';
import { StatefulOptimizer } from './stateful.js';

export class AdaGrad extends StatefulOptimizer {
  lr: number;

  constructor(opts: { lr?: number } = {}) {
    const { lr = 0.01 } = options('AdaGrad', opts, ['lr']);
    super('AdaGrad', 1);
    this.lr = positive('AdaGrad', 'lr', lr);
  }

  protected step(k: Kernels, p: number, g: number, [h]: Tensor[], n: number): void {
    k.f32_adagrad_step(p, g, h.offset, n, this.lr);
  }
}
