// What every optimizer offers, and the check all of them run before changing anything.
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';

/** What the Trainer needs of an optimizer: a writable learning rate and an update of every
 *  parameter from its gradient. The six classes implement it; so may your own. */
export interface Optimizer {
  /** Learning rate; writable, so schedules can change it between updates. */
  lr: number;
  /** Updates every parameter in place from the gradient of the same name. */
  update(params: Record<string, Tensor>, grads: Record<string, Tensor>): void;
  /** Frees the optimizer's state. */
  dispose(): void;
}

/** Internal: the method of the library's optimizers that writes the updated parameters into other
 *  tensors (`into`, by name, shaped as params and sharing no memory with them), leaving params as
 *  they were; the optimizer's state advances as in update(). The Trainer's divergence guard uses it
 *  to keep the parameters before an update without copying them (src/training/rollback.ts). */
export const UPDATE_INTO = Symbol('scratchnet.updateInto');

/** An optimizer that has UPDATE_INTO. */
export interface OutOfPlaceOptimizer extends Optimizer {
  [UPDATE_INTO](params: Record<string, Tensor>, grads: Record<string, Tensor>, into: Record<string, Tensor>): void;
}

export function updatesOutOfPlace(optimizer: Optimizer): optimizer is OutOfPlaceOptimizer {
  return typeof (optimizer as Partial<OutOfPlaceOptimizer>)[UPDATE_INTO] === 'function';
}

/** Checks that params and grads name the same tensors with the same shapes, and that lr (which
 *  schedules write between updates) is a finite number >= 0; returns the names. Throws before
 *  anything is updated. */
export function checkUpdate(caller: string, params: Record<string, Tensor>, grads: Record<string, Tensor>, lr: number): string[] {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) throw new ValueError(`${caller}: lr must be a finite number >= 0, got ${describe(lr)}`);
  if (params === null || typeof params !== 'object') throw new ValueError(`${caller}: params must be an object of tensors, got ${describe(params)}`);
  if (grads === null || typeof grads !== 'object') throw new ValueError(`${caller}: grads must be an object of tensors, got ${describe(grads)}`);
  const names = Object.keys(params);
  for (const name of names) {
    const p = checkTensor(`${caller}: params.${name}`, params[name]);
    if (!Object.hasOwn(grads, name)) throw new ValueError(`${caller}: grads has no '${name}' (params has [${names.join(', ')}], grads has [${Object.keys(grads).join(', ')}])`);
    const g = checkTensor(`${caller}: grads.${name}`, grads[name]);
    if (!sameShape(p.shape, g.shape)) {
      throw new ShapeError(`${caller}: grads.${name} is ${formatShape(g.shape)} but params.${name} is ${formatShape(p.shape)}`);
    }
  }
  for (const name of Object.keys(grads)) {
    if (!Object.hasOwn(params, name)) throw new ValueError(`${caller}: grads has '${name}', which params does not`);
  }
  return names;
}
