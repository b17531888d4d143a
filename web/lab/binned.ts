// Histograms of values, for the workers (no DOM here): shares per bin, and what fell outside.

/** Bins `values` (only those `keep` accepts) over [lo, hi]; returns the shares of the values kept
 *  in each bin, and the shares of all values left out and beyond the range. */
export function binned(values: ArrayLike<number>, [lo, hi]: [number, number], bins: number, keep: (v: number) => boolean = () => true):
  { histogram: number[]; leftOut: number; beyond: number } {
  const histogram = new Array<number>(bins).fill(0);
  let kept = 0, beyond = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!keep(v)) continue;
    kept++;
    if (v < lo || v > hi) beyond++;
    else histogram[Math.min(Math.floor(((v - lo) / (hi - lo)) * bins), bins - 1)]++;
  }
  return { histogram: histogram.map((c) => c / Math.max(kept, 1)), leftOut: 1 - kept / Math.max(values.length, 1), beyond: beyond / Math.max(values.length, 1) };
}
