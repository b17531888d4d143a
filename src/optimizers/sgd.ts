// Stochastic gradient descent: p -= lr·g, one kernel pass per parameter (split between the threads
// for big ones).
import { axpyUpdate } from '../ops/optim.js';
import type { Tensor } from '../tensor.js';
import { options, positive } from '../options.js';
import { checkUpdate, UPDATE_INTO, type Optimizer } from './optimizer.js';

/** Stochastic gradient descent: `p -= lr·g`. Options: lr (default 0.01). Keeps no state. */
export class SGD implements Optimizer {
  lr: number;

  constructor(opts: { lr?: number } = {}) {
    const { lr = 0.01 } = options('SGD', opts, ['lr']);
    this.lr = positive('SGD', 'lr', lr);
  }

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    this[UPDATE_INTO](params, grads, params);
  }

  /** @internal update() with the new values written into `into` (see UPDATE_INTO). */
  [UPDATE_INTO](params: Record<string, Tensor>, grads: Record<string, Tensor>, into: Record<string, Tensor>): void {
    const names = checkUpdate('SGD.update', params, grads, this.lr);
    for (const name of names) axpyUpdate(grads[name], params[name], -this.lr, into[name]);
  }

  dispose(): void {}
}
