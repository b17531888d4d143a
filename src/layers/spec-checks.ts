// Checks of layer-spec options, shared by the kinds: each names the layer ("Sequential: layer 3
// (conv2d)"), the option, what it must be and what came.
import { integer, options } from '../options.js';
import { describe } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';

/** The spec's options with `defaults` filled in; unknown option names throw. */
export function specOptions<T extends object>(where: string, spec: Record<string, unknown>, defaults: T): T & { kind: string } {
  const { kind, ...rest } = spec;
  options(where, rest as T, Object.keys(defaults) as (keyof T & string)[]);
  const filled = { ...defaults } as Record<string, unknown>;
  for (const [key, v] of Object.entries(rest)) if (v !== undefined) filled[key] = v;
  return { kind: kind as string, ...(filled as T) };
}

/** A size given as a number or [h, w], as [h, w]. */
export function pair(where: string, name: string, v: unknown, min: number): [number, number] {
  if (Array.isArray(v) && v.length === 2) return [integer(where, `${name}[0]`, v[0], min), integer(where, `${name}[1]`, v[1], min)];
  if (typeof v === 'number') return [integer(where, name, v, min), v];
  throw new ValueError(`${where}: ${name} must be an integer >= ${min} or [h, w], got ${describe(v)}`);
}

/** Throws unless the input is images (C, H, W) per sample. */
export function images(where: string, input: readonly number[]): [number, number, number] {
  if (input.length !== 3) throw new ShapeError(`${where}: expects images (C, H, W) per sample, got (${input.join(', ')}) from the layer before`);
  return input as [number, number, number];
}
