// The book's smooth_curve (common/util.py), for drawing the loss of every mini-batch: the raw
// curve jumps with each batch's luck and hides the trend the figures are about.
// src/functions.ts (the book's common/functions.py and util.py) re-exports it from here, so that
// scratchnet/plot needs nothing that loads the kernels.

/** An 11-point Kaiser window (β = 2) over the curve, reflected at both ends so the output has
 *  the input's length; a curve shorter than the window is returned as it is. */
export function smoothCurve(x: number[]): number[] {
  const windowLen = 11, half = (windowLen - 1) / 2;
  if (x.length < windowLen) return x.slice();
  // np.kaiser(11, 2): I0(β·√(1 - (2n/(M-1) - 1)²)) / I0(β)
  const i0 = (v: number) => {
    let sum = 1, term = 1;
    for (let k = 1; k < 30; k++) sum += (term *= (v / (2 * k)) ** 2);
    return sum;
  };
  const w = Array.from({ length: windowLen }, (_, n) => i0(2 * Math.sqrt(1 - ((2 * n) / (windowLen - 1) - 1) ** 2)));
  const wSum = w.reduce((a, b) => a + b, 0);
  // s = np.r_[x[10:0:-1], x, x[-1:-11:-1]]
  const s = [...x.slice(1, windowLen).reverse(), ...x, ...x.slice(-(windowLen - 1)).reverse()];
  return x.map((_, i) => {
    let v = 0;
    for (let j = 0; j < windowLen; j++) v += w[j] * s[i + half + j];
    return v / wSum;
  });
}
