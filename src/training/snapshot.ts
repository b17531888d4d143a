// A copy of some of a network's tensors, to put back later: its whole state (parameters and
// buffers, such as batch-norm statistics) for the best epoch of early stopping, its buffers for the
// divergence guard (rollback.ts).
import type { Network } from '../networks/network.js';
import { copyInto } from '../ops/elementwise.js';
import { empty, type Tensor } from '../tensor.js';

/** The parameters and buffers of `network`. */
export const stateOf = (network: Network): Tensor[] => [...Object.values(network.params), ...Object.values(network.buffers ?? {})];

export class StateSnapshot {
  readonly #live: Tensor[];
  readonly #copy: Tensor[] = [];

  /** Room for a copy of `tensors` (nothing is copied until save()). */
  constructor(tensors: Tensor[]) {
    this.#live = tensors;
    try {
      for (const t of this.#live) this.#copy.push(empty(t.shape));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** Copies the tensors into the snapshot (one SIMD copy per tensor). */
  save(): void {
    copy(this.#live, this.#copy);
  }

  /** Copies the snapshot back into the tensors, in place. */
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
