// Values written into the Python source of the PyTorch export (io/pytorch.ts and the layer kinds'
// modules).
import { ValueError } from '../errors.js';

/** A number as Python reads back the same double (the shortest repr). */
export function pyNumber(v: number): string {
  if (!Number.isFinite(v)) throw new ValueError(`pytorchSource: expected a finite number, got ${v}`);
  return String(v);
}

/** A number rounded to 15 significant digits: 1 − 0.9 is written 0.1, not 0.09999999999999998. */
export function pyRounded(v: number): string {
  return pyNumber(Number(v.toPrecision(15)));
}

/** A string literal (a JSON string of plain names is one). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}

/** A kernel or window size, a number or [h, w], as a Python pair. */
export function pyPair(v: number | readonly number[]): string {
  return Array.isArray(v) ? `(${v.join(', ')})` : `(${v}, ${v})`;
}
