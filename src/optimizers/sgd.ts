// Stochastic gradient descent: p -= lr·g, one kernel call per parameter.
import { kernels } from '../backend/runtime.js';
import type { Tensor } from '../tensor.js';
import { options, positive } from './hyper.js';
import { checkUpdate, type Optimizer } from './optimizer.js';

export class SGD implements Optimizer {
  lr: number;

  constructor(opts: { lr?: number } = {}) {
    const { lr = 0.01 } = options('SGD', opts, ['lr']);
    this.lr = positive('SGD', 'lr', lr);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const names = checkUpdate('SGD.update', params, grads, this.lr);
    const k = kernels();
    for (const name of names) k.f32_axpy(grads[name].offset, params[name].offset, params[name].size, -this.lr);
  }

  dispose(): void {}
}
