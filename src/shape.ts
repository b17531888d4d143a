// Shape checks and formatting shared by tensors, layers and kernels' callers. Errors name the
// function that was called, what it expected and what it got.
import { ShapeError, ValueError } from './errors.js';

export type Shape = readonly number[];

export function formatShape(shape: Shape): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Checks that `shape` is an array of non-negative integers and returns a frozen copy. */
export function checkShape(caller: string, shape: unknown): Shape {
  if (!Array.isArray(shape)) {
    throw new ValueError(`${caller}: expected a shape (array of non-negative integers), got ${describe(shape)}`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${caller}: shape dimensions must be non-negative integers, got [${shape.map(describe).join(', ')}]`);
    }
  }
  return Object.freeze([...shape] as number[]);
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A short description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}
