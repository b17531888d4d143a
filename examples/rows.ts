// Rows of a data set as a tensor of their own, for the examples that probe a network on some
// samples (a copy: the result outlives any later growth of the memory).
import { tensor, type Tensor } from 'scratchnet';

/** Samples start..end−1 (rows along axis 0) of `t`, copied. */
export function rowRange(t: Tensor, start: number, end: number): Tensor {
  const n = t.shape[0];
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > n || end <= start) {
    throw new Error(`rowRange: expected integers 0 ≤ start < end ≤ ${n}, got ${start} and ${end}`);
  }
  const row = t.size / n;
  return tensor(t.data.subarray(start * row, end * row), [end - start, ...t.shape.slice(1)]);
}

/** The first `n` samples of `t`, copied. */
export const firstRows = (t: Tensor, n: number): Tensor => rowRange(t, 0, n);
