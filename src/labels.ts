// Labels are tensors: integer class indices (N) or one-hot rows (N, C). One check for both
// forms, shared by the loss layer and the networks' accuracy.
import { checkTensor, type Tensor } from './tensor.js';
import { formatShape } from './shape.js';
import { ShapeError, ValueError } from './errors.js';

export type LabelForm = 'indices' | 'onehot';

/** Checks t against N samples of C classes and says which form it is in. */
export function checkLabels(caller: string, t: unknown, n: number, classes: number): LabelForm {
  const labels = checkTensor(`${caller}: t`, t);
  const data = labels.data;
  if (labels.shape.length === 1) {
    if (labels.shape[0] !== n) throw new ShapeError(`${caller}: x has ${n} samples but t has ${labels.shape[0]} labels`);
    for (let i = 0; i < n; i++) {
      const v = data[i];
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new ValueError(`${caller}: labels must be integers in [0, ${classes}), got ${v} at index ${i}`);
      }
    }
    return 'indices';
  }
  if (labels.shape.length === 2) {
    if (labels.shape[0] !== n) throw new ShapeError(`${caller}: x has ${n} samples but t has ${labels.shape[0]} rows`);
    if (labels.shape[1] !== classes) {
      throw new ShapeError(`${caller}: one-hot t must have ${classes} columns (one per class), got ${formatShape(labels.shape)}`);
    }
    // NOTE: the loss reads a row's class at its 1 (the argmax) while the gradient subtracts the
    // whole row: they agree only on rows of exactly one 1 and zeros
    for (let r = 0; r < n; r++) {
      let ones = 0;
      for (let c = 0; c < classes; c++) {
        const v = data[r * classes + c];
        if (v === 1) ones++;
        else if (v !== 0) ones = 2;
      }
      if (ones !== 1) {
        const row = Array.from(data.subarray(r * classes, Math.min((r + 1) * classes, r * classes + 12))).join(', ');
        throw new ValueError(`${caller}: one-hot t must have one 1 and zeros in each row, got [${row}${classes > 12 ? ', …' : ''}] in row ${r}`);
      }
    }
    return 'onehot';
  }
  throw new ShapeError(`${caller}: t must be class indices (${n},) or one-hot (${n}, ${classes}), got ${formatShape(labels.shape)}`);
}

/** The class index of each sample, as plain numbers (argmax of one-hot rows: first maximum). */
export function labelIndices(t: Tensor, form: LabelForm): Int32Array {
  const data = t.data;
  if (form === 'indices') return Int32Array.from(data);
  const [n, classes] = t.shape;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[r * classes + c] > data[r * classes + best]) best = c;
    out[r] = best;
  }
  return out;
}
