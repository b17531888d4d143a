// The state a divergence rolls back to (onDivergence 'stop'): the parameters as they were before the
// last healthy update, and the buffers (batch-norm statistics) as that iteration's forward pass left
// them. The loss of iteration i is computed on the parameters update i − 1 made, so a non-finite
// loss there means update i − 1 broke them: what they were before it is what goes back.
//
// NOTE: no parameter is copied per iteration. The library's optimizers write the update into the
// kept tensors (UPDATE_INTO), and each parameter then exchanges its memory with its kept tensor: the
// network reads the new values, and the old ones stay where they were. An optimizer of the user's
// own updates in place, after a copy of every parameter. The buffers move in the forward pass, before
// the iteration is known to be healthy, so they are copied each iteration (two values per feature of
// each batch-norm layer).
import type { Network } from '../networks/network.js';
import { UPDATE_INTO, updatesOutOfPlace, type Optimizer } from '../optimizers/optimizer.js';
import { copyInto } from '../ops/elementwise.js';
import { empty, exchangeable, exchangeMemory, type Tensor } from '../tensor.js';
import { StateSnapshot } from './snapshot.js';

export class RollbackPoint {
  readonly #params: Record<string, Tensor>; // the network's, as the run began
  readonly #kept: Record<string, Tensor> = {}; // their values before the last update
  readonly #buffers: StateSnapshot;
  readonly #exchangeable: boolean;

  /** Keeps the network's state as it is: iteration 1 may already fail, and its forward pass moves the buffers. */
  constructor(network: Network) {
    this.#params = { ...network.params };
    this.#buffers = new StateSnapshot(Object.values(network.buffers ?? {}));
    try {
      for (const [name, p] of Object.entries(this.#params)) this.#kept[name] = empty(p.shape);
    } catch (e) {
      this.dispose();
      throw e;
    }
    this.#exchangeable = exchangeable([...Object.values(this.#params), ...Object.values(this.#kept)]);
    this.#keepParams();
    this.#buffers.save();
  }

  /** A healthy iteration's update of `params` from `grads`: keeps the buffers as they are and the
   *  parameters as they were before it. */
  update(optimizer: Optimizer, params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    this.#buffers.save();
    if (!(this.#exchangeable && updatesOutOfPlace(optimizer) && this.#isRunOn(params))) {
      this.#keepParams();
      optimizer.update(params, grads);
      return;
    }
    try {
      optimizer[UPDATE_INTO](params, grads, this.#kept);
    } catch (e) {
      this.#keepParams(); // whatever the update wrote into the kept tensors
      throw e;
    }
    for (const [name, p] of Object.entries(params)) exchangeMemory(p, this.#kept[name]);
  }

  /** Copies the kept state back into the network's tensors, in place (and keeps it, for a later divergence). */
  restore(): void {
    for (const [name, p] of Object.entries(this.#params)) copyInto(this.#kept[name], p);
    this.#buffers.restore();
  }

  dispose(): void {
    for (const t of Object.values(this.#kept)) t.dispose();
    this.#buffers.dispose();
  }

  #keepParams(): void {
    for (const [name, p] of Object.entries(this.#params)) copyInto(p, this.#kept[name]);
  }

  // Whether `params` are the tensors the run began with (a network's parameters do not change, but a
  // Network is an interface: one of the user's own might hand out others)
  #isRunOn(params: Record<string, Tensor>): boolean {
    const names = Object.keys(params);
    return names.length === Object.keys(this.#params).length && names.every((n) => params[n] === this.#params[n]);
  }
}
