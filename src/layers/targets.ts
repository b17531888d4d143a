// What targets each loss takes (DESIGN, "Every task through the Trainer"), checked in one place
// for the loss layers, the networks and the Trainer, with errors that name the loss and the shape
// and values it needs:
//   softmax-cross-entropy  class labels (N) in [0, C) or one-hot rows (N, C)
//   sigmoid-cross-entropy  values in [0, 1] shaped like the output (N, k), or (N) when k = 1
//   mean-squared-error     finite values shaped like the output (N, k), or (N) when k = 1; with
//                          k > 1, integer labels (N) stand for one-hot rows (the book's use)
import { checkTensor, type Tensor } from '../tensor.js';
import { ShapeError, ValueError } from '../errors.js';

/** How targets lie against the output (N, k): 'indices' are class labels (N) read by column,
 *  'values' lie elementwise like the output ((N, k), or (N) for one unit). */
export type TargetForm = 'indices' | 'values';

/** The loss a network ends in: softmax with cross-entropy (classes), mean squared error
 *  (regression), or sigmoid with binary cross-entropy (two classes or multi-label). */
export type LossName = 'softmax-cross-entropy' | 'mean-squared-error' | 'sigmoid-cross-entropy';

/** Throws, naming `caller` and the loss, unless t are targets of that loss for n samples of
 *  `units` outputs; returns their form. Reads every value once (no kernel: targets are small). */
export function checkTargets(caller: string, loss: LossName, t: unknown, n: number, units: number): TargetForm {
  const target = checkTensor(`${caller}: t`, t);
  const needs = NEEDS[loss](units);
  const fail = (detail: string, Kind: typeof ShapeError | typeof ValueError = ValueError): never => {
    throw new Kind(`${caller}: ${loss} needs ${needs}; got ${symbolic(target.shape, n)}${detail ? ` ${detail}` : ''}`);
  };
  const { shape } = target;
  const rows = shape.length === 1 || shape.length === 2 ? shape[0] : -1;
  if (rows !== n || (shape.length === 2 && shape[1] !== units)) {
    fail(rows === n || rows === -1 ? '' : `for the ${n} samples of x`, ShapeError);
  }
  const data = target.data;
  const labels = shape.length === 1 && (loss === 'softmax-cross-entropy' || (loss === 'mean-squared-error' && units > 1));
  if (labels) {
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(data[i]) || data[i] < 0 || data[i] >= units) {
        fail(`with ${data[i]} at index ${i}${loss === 'mean-squared-error' ? ` (integer labels (N) in [0, ${units}) stand for one-hot rows)` : ''}`);
      }
    }
    return 'indices';
  }
  if (shape.length === 1 && units !== 1) fail('', ShapeError); // sigmoid-cross-entropy's multi-label targets
  for (let i = 0; i < data.length && loss !== 'softmax-cross-entropy'; i++) {
    const v = data[i];
    if (loss === 'mean-squared-error' ? !Number.isFinite(v) : !(v >= 0 && v <= 1)) fail(`with ${v} at flat index ${i}`);
  }
  // NOTE: the loss reads a one-hot row's class at its 1 while the gradient subtracts the whole
  // row: they agree only on rows of exactly one 1 and zeros
  if (loss === 'softmax-cross-entropy') {
    for (let r = 0; r < n; r++) {
      let ones = 0;
      for (let c = 0; c < units; c++) {
        const v = data[r * units + c];
        if (v === 1) ones++;
        else if (v !== 0) ones = 2;
      }
      if (ones !== 1) fail(`with row ${r} [${Array.from(data.subarray(r * units, r * units + Math.min(units, 12))).join(', ')}${units > 12 ? ', …' : ''}]`);
    }
  }
  return 'values';
}

const NEEDS: Record<LossName, (k: number) => string> = {
  'softmax-cross-entropy': (k) => `class labels (N) in [0, ${k}) or one-hot rows (N, ${k})`,
  'sigmoid-cross-entropy': (k) => `targets in [0, 1] shaped like the output, (N, ${k})${k === 1 ? ', or (N)' : ''}`,
  'mean-squared-error': (k) => `targets shaped like the output, (N, ${k})${k === 1 ? ', or (N)' : ''}`,
};

// (N, 2) for a shape whose first dimension is the n samples; the numbers otherwise
function symbolic(shape: readonly number[], n: number): string {
  const dims = shape.map((d, i) => (i === 0 && d === n ? 'N' : String(d)));
  return `(${dims.join(', ')})`;
}

/** The targets t of a batch as the output's (N, k) values, as plain numbers: labels become
 *  one-hot rows, (N) values the one column. */
export function targetValues(t: Tensor, form: TargetForm, units: number): Float32Array {
  if (form === 'values') return t.data;
  const n = t.shape[0], labels = t.data;
  const out = new Float32Array(n * units);
  for (let i = 0; i < n; i++) out[i * units + labels[i]] = 1;
  return out;
}
