// A copy of a network's state (parameters and buffers, such as batch-norm statistics), to put
// back later: the best epoch for early stopping.
import type { Network } from '../networks/network.js';
import { copyInto } from '../ops/elementwise.js';
import { empty, type Tensor } from '../tensor.js';

export class StateSnapshot {
  readonly #live: Tensor[];
  readonly #copy: Tensor[] = [];

  constructor(network: Network) {
    this.#live = [...Object.values(network.params), ...Object.values(network.buffers ?? {})];
    try {
      for (const t of this.#live) this.#copy.push(empty(t.shape));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** Copies the network's state into the snapshot (one SIMD copy per tensor). */
  save(): void {
    copy(this.#live, this.#copy);
  }

  /** Copies the snapshot back into the network's tensors, in place. */
  restore(): void {
    copy(this.#copy, this.#live);
  }

  dispose(): void {
    for (const t of this.#copy) t.dispose();
  }
}

function copy(from: Tensor[], to: Tensor[]): void {
  for (let j = 0; j < from.length; j++) copyInto(from[j], to[j]);
}
