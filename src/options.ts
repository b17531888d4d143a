// The options objects of the public API: every key must be one the callee knows, so a misspelt
// option (`{ useBatchNorm: true }` for `useBatchnorm`) is an error instead of a silent default.
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
