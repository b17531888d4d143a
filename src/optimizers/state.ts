// Per-parameter optimizer state (velocity, squared-gradient sums, moments): zero tensors created
// the first time a parameter is updated, as the book's `if self.v is None`.
// NOTE: keyed by the parameter tensor, not by its name: two networks updated by one optimizer
// both have a `W1`, and state keyed by name would mix their velocities.
import { zeros, type Tensor } from '../tensor.js';
import { ValueError } from '../errors.js';

interface Entry {
  name: string; // the parameter's name in the last update, for checkpoints
  slots: Tensor[];
  step: number; // updates of this parameter so far (PyTorch's state['step'])
}

export class OptimizerState {
  readonly #entries = new Map<Tensor, Entry>();

  constructor(private readonly owner: string, private readonly perParam: number) {}

  /** The state tensors of `param` (created as zeros, shaped like it), updated as `name`. */
  get(name: string, param: Tensor): Tensor[] {
    let entry = this.#entries.get(param);
    if (!entry) {
      entry = { name, slots: Array.from({ length: this.perParam }, () => zeros(param.shape)), step: 0 };
      this.#entries.set(param, entry);
    }
    entry.name = name;
    return entry.slots;
  }

  /** Counts one more update of `param` (whose state get() made); returns its step, from 1. */
  advance(param: Tensor): number {
    return ++this.#entries.get(param)!.step;
  }

  /** Each parameter's step count, by its name (for checkpoints). */
  steps(): Record<string, number> {
    this.prune();
    return Object.fromEntries([...this.#entries.values()].map((e) => [e.name, e.step]));
  }

  /** True if some live parameter with state is not among `params`. */
  holdsOutside(params: readonly Tensor[]): boolean {
    this.prune();
    const mine = new Set(params);
    return [...this.#entries.keys()].some((p) => !mine.has(p));
  }

  /** Frees the state of parameters that were disposed (a network that is gone). */
  prune(): void {
    for (const [param, entry] of this.#entries) {
      if (!param.disposed) continue;
      for (const t of entry.slots) t.dispose();
      this.#entries.delete(param);
    }
  }

  /** Every state tensor, as `<param>.<slot>` (for checkpoints). */
  entries(): Record<string, Tensor> {
    this.prune();
    const out: Record<string, Tensor> = Object.create(null);
    for (const { name, slots } of this.#entries.values()) {
      if (`${name}.0` in out) {
        throw new ValueError(`${this.owner}: holds the state of two parameters named '${name}' (it updates two networks); ` +
          'a checkpoint needs an optimizer of its own per network');
      }
      slots.forEach((t, i) => (out[`${name}.${i}`] = t));
    }
    return out;
  }

  /** How many state tensors each parameter has. */
  get slotsPerParam(): number {
    return this.perParam;
  }

  /** Replaces the state of `param` with copies of `values` (one per slot, of its size) and its step count. */
  set(name: string, param: Tensor, values: Float32Array[], step: number): void {
    this.get(name, param).forEach((t, i) => t.data.set(values[i]));
    this.#entries.get(param)!.step = step;
  }

  dispose(): void {
    for (const { slots } of this.#entries.values()) for (const t of slots) t.dispose();
    this.#entries.clear();
  }
}
