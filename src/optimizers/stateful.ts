// The shape every optimizer with state shares: check params and grads, then one kernel pass per
// parameter over it, its gradient and its state tensors (created as zeros on first use), split
// between the threads for big parameters (the kernels are elementwise: the same bits either way).
import type { Kernels } from '../backend/kernels.js';
import { runElementwise } from '../backend/split.js';
import type { Tensor } from '../tensor.js';
import { checkUpdate, type Optimizer } from './optimizer.js';
import { OptimizerState } from './state.js';

export interface OptimizerCheckpoint {
  tensors: Record<string, Tensor>;
  values: Record<string, number>;
}

export abstract class StatefulOptimizer implements Optimizer {
  abstract lr: number;
  readonly #state: OptimizerState;

  protected constructor(private readonly name: string, slotsPerParam: number) {
    this.#state = new OptimizerState(name, slotsPerParam);
  }

  /** The update kernel and its trailing scalar arguments; it takes (p, g, ...state, n, ...scalars). */
  protected abstract kernel(): { name: keyof Kernels; scalars: readonly number[] };

  /** Called once per update() before the steps (Adam counts its iterations here). */
  protected beginUpdate(): void {}

  /** The optimizer's state for a checkpoint: tensors by `<param>.<slot>`, and scalar values. */
  exportState(): OptimizerCheckpoint {
    return { tensors: this.#state.entries(), values: this.stateValues() };
  }

  /** Restores exportState()'s content (the caller has checked names, shapes and finiteness). */
  importState(params: Record<string, Tensor>, arrays: Record<string, Float32Array[]>, values: Record<string, number>): void {
    for (const [name, slots] of Object.entries(arrays)) this.#state.set(name, params[name], slots);
    this.loadStateValues(values);
  }

  /** Slots per parameter, for checking a checkpoint before importing it. */
  get slotsPerParam(): number {
    return this.#state.slotsPerParam;
  }

  /** Scalar state worth saving (Adam's step count); none by default. */
  protected stateValues(): Record<string, number> {
    return {};
  }

  protected loadStateValues(_values: Record<string, number>): void {}

  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void {
    const names = checkUpdate(`${this.name}.update`, params, grads, this.lr);
    this.#state.check(params);
    this.beginUpdate();
    const { name: kernel, scalars } = this.kernel();
    for (const name of names) {
      const p = params[name];
      const arrays = [p.offset, grads[name].offset, ...this.#state.get(name, p).map((t) => t.offset)];
      runElementwise(kernel, p.size, (start, count) => [...arrays.map((a) => a + 4 * start), count, ...scalars]);
    }
  }

  dispose(): void {
    this.#state.dispose();
  }
}
