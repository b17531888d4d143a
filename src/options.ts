// Checking what callers pass, in one vocabulary: options objects whose every key must be one the
// callee knows (a misspelt option, `{ useBatchNorm: true }` for `useBatchnorm`, is an error instead
// of a silent default), and the values in them. Each check names the caller (`where`), the option,
// what it must be and what came, and returns the value.
import { describe } from './shape.js';
import { ValueError } from './errors.js';

/** Returns `value` (or `{}` when undefined) after checking that it is a plain options object
 *  whose own keys are all in `known`; `owner` names the caller in the error. `hints` say what to
 *  write instead of names other frameworks use (batchSize: 'miniBatchSize'). */
export function options<T extends object>(owner: string, value: T | undefined, known: readonly (keyof T & string)[],
                                          hints: Readonly<Record<string, string>> = {}): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValueError(`${owner}: expected an options object { ${known.join(', ')} }, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!(known as readonly string[]).includes(key)) {
      if (Object.hasOwn(hints, key)) throw new ValueError(`${owner}: unknown option '${key}'; scratchnet's is ${hints[key]}`);
      const hint = closest(key, known);
      throw new ValueError(`${owner}: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; ` +
        `expected ${known.map((k) => `'${k}'`).join(', ')}`);
    }
  }
  return value;
}

// The known name a typo most likely meant: same letters but for case, one a prefix of the other
// (pad, padding), or at most two edits away.
function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  const prefix = known.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
  if (prefix) return prefix;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** An integer >= min. */
export function integer(where: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ValueError(`${where}: ${name} must be an integer >= ${min}, got ${describe(v)}`);
  return v;
}

/** An integer >= 1. */
export function positiveInteger(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ValueError(`${where}: ${name} must be a positive integer, got ${describe(v)}`);
  return v;
}

/** An integer in [min, max]. */
export function integerIn(where: string, name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ValueError(`${where}: ${name} must be an integer from ${min} to ${max}, got ${describe(v)}`);
  }
  return v;
}

/** A finite number >= min, and <= max (< max when maxOpen). */
export function finite(where: string, name: string, v: unknown, min: number, max = Infinity, maxOpen = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (maxOpen && v === max)) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}${maxOpen ? ')' : ']'}`;
    throw new ValueError(`${where}: ${name} must be a finite number ${range}, got ${describe(v)}`);
  }
  return v;
}

/** A finite number > 0 (a learning rate). */
export function positive(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValueError(`${where}: ${name} must be a positive number, got ${describe(v)}`);
  return v;
}

/** A decay or momentum coefficient in [0, 1). */
export function fraction(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${where}: ${name} must be a number in [0, 1), got ${describe(v)}`);
  return v;
}

/** true or false. */
export function boolean(where: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValueError(`${where}: ${name} must be a boolean, got ${describe(v)}`);
  return v;
}

/** One of the `allowed` strings. */
export function oneOf<T extends string>(where: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(v)) throw new ValueError(`${where}: ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${describe(v)}`);
  return v as T;
}
