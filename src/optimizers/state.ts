// Per-parameter optimizer state (velocity, squared-gradient sums, moments): zero tensors created
// the first time a parameter name is updated, as the book's `if self.v is None`.
import { zeros, type Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';

export class OptimizerState {
  readonly #slots = new Map<string, Tensor[]>();

  constructor(private readonly owner: string, private readonly perParam: number) {}

  /** The state tensors of `name`, shaped like `param`. */
  get(name: string, param: Tensor): Tensor[] {
    let slots = this.#slots.get(name);
    if (!slots) {
      slots = Array.from({ length: this.perParam }, () => zeros(param.shape));
      this.#slots.set(name, slots);
    } else if (!sameShape(slots[0].shape, param.shape)) {
      throw new Error(`${this.owner}.update: params.${name} is ${formatShape(param.shape)} but its state was created for ` +
        `${formatShape(slots[0].shape)}; use a new optimizer for another network`);
    }
    return slots;
  }

  /** Checks, before any update, that every existing state still fits its parameter. */
  check(params: Record<string, Tensor>): void {
    for (const [name, p] of Object.entries(params)) if (this.#slots.has(name)) this.get(name, p);
  }

  /** Every state tensor, as `<param>.<slot>` (for checkpoints). */
  entries(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, slots] of this.#slots) slots.forEach((t, i) => (out[`${name}.${i}`] = t));
    return out;
  }

  /** How many state tensors each parameter has. */
  get slotsPerParam(): number {
    return this.perParam;
  }

  /** Replaces the state of `name` with copies of `values` (one per slot, shaped like `param`). */
  set(name: string, param: Tensor, values: Float32Array[]): void {
    const slots = this.get(name, param);
    slots.forEach((t, i) => t.data.set(values[i]));
  }

  dispose(): void {
    for (const slots of this.#slots.values()) for (const t of slots) t.dispose();
    this.#slots.clear();
  }
}
