// The shape every optimizer with state shares: check params and grads, then one kernel pass per
// parameter over it, its gradient and its state tensors (created as zeros on first use), split
// between the threads for big parameters (the kernels are elementwise: the same bits either way).
import { statefulUpdate, type UpdateKernel } from '../ops/optim.js';
import type { Tensor } from '../tensor.js';
import { checkUpdate, UPDATE_INTO, type Optimizer } from './optimizer.js';
import { OptimizerState } from './state.js';
import { FileFormatError } from '../errors.js';

export interface OptimizerCheckpoint {
  tensors: Record<string, Tensor>;
  values: Record<string, number>;
}

export abstract class StatefulOptimizer implements Optimizer {
  abstract lr: number;
  readonly #state: OptimizerState;

  /** `nonNegativeSlots`: the slots that hold sums of squares (a negative one makes √ NaN). */
  protected constructor(private readonly name: string, slotsPerParam: number, readonly nonNegativeSlots: readonly number[] = []) {
    this.#state = new OptimizerState(name, slotsPerParam);
  }

  /** The update kernel and its trailing scalar arguments for a parameter at its `step`-th update
   *  (from 1); it takes (p, g, ...state, n, ...scalars). */
  protected abstract kernel(step: number): { name: UpdateKernel; scalars: readonly number[] };

  /** Whether checkpoints carry each parameter's step count (Adam's bias correction needs it). */
  protected readonly savesSteps: boolean = false;

  /** Called once per update() before the steps (Adam counts its iterations here). */
  protected beginUpdate(): void {}

  /** The optimizer's state for a checkpoint: tensors by `<param>.<slot>`, and scalar values. */
  exportState(): OptimizerCheckpoint {
    const tensors = this.#state.entries();
    const steps = this.savesSteps ? Object.entries(this.#state.steps()).map(([name, step]) => [`${name}.step`, step]) : [];
    return { tensors, values: { ...this.stateValues(), ...Object.fromEntries(steps) } };
  }

  /** Restores exportState()'s content. The caller has checked names, shapes and values (with
   *  checkStateValues): this cannot fail half-way. */
  importState(params: Record<string, Tensor>, arrays: Record<string, Float32Array[]>, values: Record<string, number>): void {
    for (const [name, slots] of Object.entries(arrays)) {
      this.#state.set(name, params[name], slots, values[`${name}.step`] ?? this.stepWithoutRecord(values));
    }
    this.loadStateValues(values);
  }

  /** The step of a parameter whose checkpoint has no `<name>.step` (files from before steps were
   *  kept per parameter); 0 by default. */
  protected stepWithoutRecord(_values: Record<string, number>): number {
    return 0;
  }

  /** Checks a checkpoint's scalar values (`source` names the file): per-parameter steps where the
   *  optimizer keeps them, then its own (checkOwnValues). */
  checkStateValues(source: string, values: Record<string, number>): Record<string, number> {
    const own: Record<string, number> = {};
    for (const [key, v] of Object.entries(values)) {
      if (!(this.savesSteps && key.endsWith('.step'))) own[key] = v;
      else if (!Number.isSafeInteger(v) || v < 0) throw new FileFormatError(`${source}: ${this.name}'s step count '${key}' must be an integer >= 0, got ${v}`);
    }
    this.checkOwnValues(source, own);
    return values;
  }

  /** Checks the optimizer's own saved values; none by default. */
  protected checkOwnValues(source: string, values: Record<string, number>): void {
    const unknown = Object.keys(values);
    if (unknown.length) throw new FileFormatError(`${source}: a ${this.name} has no saved value '${unknown[0]}'`);
  }

  /** True if the optimizer holds state of a (live) parameter that is not among `params`. */
  holdsStateOutside(params: readonly Tensor[]): boolean {
    return this.#state.holdsOutside(params);
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
    this[UPDATE_INTO](params, grads, params);
  }

  /** @internal update() with the new values written into `into` (see UPDATE_INTO). */
  [UPDATE_INTO](params: Record<string, Tensor>, grads: Record<string, Tensor>, into: Record<string, Tensor>): void {
    const names = checkUpdate(`${this.name}.update`, params, grads, this.lr);
    this.#state.prune();
    this.beginUpdate();
    for (const name of names) {
      const p = params[name];
      const state = this.#state.get(name, p);
      const { name: kernel, scalars } = this.kernel(this.#state.advance(p));
      statefulUpdate(kernel, p, grads[name], state, scalars, into[name]);
    }
  }

  dispose(): void {
    this.#state.dispose();
  }
}
