// Feature standardization: (x - mean) / std per feature, with mean and std fitted on the training
// set and applied unchanged to the test set.
import { columnMeanVar, normalizeColumns } from '../ops/norm.js';
import { checkTensor, empty, ones, zeros, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';

// NOTE: a feature constant over the training set (MNIST's corner pixels) would divide by zero;
// like scikit-learn, it keeps a scale of 1 and is only centred.
const MIN_STD = 1e-8;

/**
 * Per-feature standardization, `(x - mean) / std`, fitted on a training set and applied unchanged
 * to any other. A feature constant over the training set keeps a scale of 1 (it is only centred).
 */
export class Standardizer {
  #stats: { mean: Tensor; variance: Tensor; ones: Tensor; zeros: Tensor } | undefined;

  /** Learns each feature's mean and std from x (N, ...features). */
  fit(x: Tensor): this {
    const d = features('Standardizer.fit', x);
    const mean = empty([d]), variance = empty([d]);
    columnMeanVar(x, mean, variance);
    const m = mean.data, v = variance.data;
    // NaN in x makes a mean NaN; values past ~1e19 overflow float32 squares (an infinite variance
    // would scale the feature to 0): both are refused, before the old statistics go
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(m[i]) || !Number.isFinite(v[i])) {
        const [mi, vi] = [m[i], v[i]];
        mean.dispose();
        variance.dispose();
        throw new ValueError(`Standardizer.fit: feature ${i} has mean ${mi} and variance ${vi}: x must be finite, with values ` +
          'small enough that their squares fit float32 (|x| < 1e19)');
      }
    }
    for (let i = 0; i < d; i++) if (Math.sqrt(v[i]) < MIN_STD) v[i] = 1;
    this.dispose();
    this.#stats = { mean, variance, ones: ones([d]), zeros: zeros([d]) };
    return this;
  }

  /** A new tensor (the caller owns it): (x - mean) / std with the fitted statistics. */
  transform(x: Tensor): Tensor {
    const stats = this.#stats;
    if (!stats) throw new ValueError('Standardizer.transform: call fit() first');
    const d = features('Standardizer.transform', x);
    if (d !== stats.mean.size) {
      throw new ShapeError(`Standardizer.transform: fitted on ${stats.mean.size} features, got ${formatShape(x.shape)}`);
    }
    const y = empty(x.shape);
    normalizeColumns(x, stats.mean, stats.variance, stats.ones, stats.zeros, undefined, y, 0);
    return y;
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** The fitted per-feature mean, or undefined before `fit`. */
  get mean(): Tensor | undefined {
    return this.#stats?.mean;
  }

  /** Frees the fitted statistics. */
  dispose(): void {
    if (this.#stats) for (const t of Object.values(this.#stats)) t.dispose();
    this.#stats = undefined;
  }
}

// The number of features of each sample of x (N, ...features), checked.
function features(caller: string, x: Tensor): number {
  checkTensor(`${caller}: x`, x);
  const n = x.shape[0];
  if (x.shape.length < 2 || !(n >= 1)) throw new ShapeError(`${caller}: x must be (N, ...features) with N >= 1, got ${formatShape(x.shape)}`);
  return x.size / n;
}
