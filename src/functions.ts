// The book's common/functions.py and common/util.py on tensors: each returns a new tensor (or a
// number) the caller owns, computed by the ops the layers use.
import { integer } from './options.js';
import { allocator, memoryBuffer } from './backend/runtime.js';
import { checkLabels } from './labels.js';
import { relu as reluOp, sigmoid as sigmoidOp, type ActivationOp } from './ops/activation.js';
import { gatherRows } from './ops/data.js';
import { crossEntropy, halfSquaredError, softmax as softmaxOp } from './ops/loss.js';
import { createRng, type Rng } from './rng.js';
import { checkTensor, empty, type Tensor } from './tensor.js';
import { describe, formatShape, sameShape } from './shape.js';
import { ShapeError, ValueError } from './errors.js';

/** identity_function: a copy of x. */
export function identity(x: Tensor): Tensor {
  return checkTensor('functions.identity: x', x).clone();
}

/** step_function: 1 where x > 0, else 0. */
export function stepFunction(x: Tensor): Tensor {
  checkTensor('functions.stepFunction: x', x);
  const y = empty(x.shape);
  const src = x.data, dst = y.data;
  for (let i = 0; i < src.length; i++) dst[i] = src[i] > 0 ? 1 : 0;
  return y;
}

/** 1 / (1 + e^−x), elementwise (the Sigmoid layer's op). */
export function sigmoid(x: Tensor): Tensor {
  return elementwise('functions.sigmoid', x, sigmoidOp);
}

/** max(0, x), elementwise (the Relu layer's op). */
export function relu(x: Tensor): Tensor {
  return elementwise('functions.relu', x, reluOp);
}

function elementwise(caller: string, x: Tensor, op: ActivationOp): Tensor {
  checkTensor(`${caller}: x`, x);
  const y = empty(x.shape);
  op.forward(x, y);
  return y;
}

/** softmax over each row of an (N, C) tensor, or over a (C) vector; the row max is subtracted
 *  first so that large scores do not overflow. */
export function softmax(x: Tensor): Tensor {
  checkTensor('functions.softmax: x', x);
  if ((x.shape.length !== 1 && x.shape.length !== 2) || x.size === 0) {
    throw new ShapeError(`functions.softmax: x must be a (C) vector or (N, C) rows, not empty, got ${formatShape(x.shape)}`);
  }
  const y = empty(x.shape);
  softmaxOp(x, y);
  return y;
}

/**
 * cross_entropy_error: −Σ log(y[i, tᵢ] + 1e-7) / N over the batch. A (C) vector y is one sample;
 * t is one-hot (same size as y; its argmax is the class, first maximum) or class labels.
 */
export function crossEntropyError(y: Tensor, t: Tensor): number {
  const caller = 'functions.crossEntropyError';
  checkTensor(`${caller}: y`, y);
  checkTensor(`${caller}: t`, t);
  if ((y.shape.length !== 1 && y.shape.length !== 2) || y.size === 0) {
    throw new ShapeError(`${caller}: y must be a (C) vector or (N, C) rows of probabilities, not empty, got ${formatShape(y.shape)}`);
  }
  const [n, classes] = y.shape.length === 1 ? [1, y.shape[0]] : y.shape;
  // as the book: a t of y's size is one-hot, anything else labels
  if (t.size !== y.size && t.size !== n) throw new ShapeError(`${caller}: y has ${n} samples but t has ${t.size} labels`);
  const labels = t.size === y.size ? t.reshape([n, classes]) : t.reshape([t.size]);
  try {
    return crossEntropy(y, labels, checkLabels(caller, labels, n, classes)) / n;
  } finally {
    labels.dispose();
  }
}

/**
 * The book's mean_squared_error (sum_squared_error in common/functions.py): 0.5·Σ(y − t)² over
 * every element. NOTE: as the book's, it does NOT divide by the batch size (the MeanSquaredError
 * layer does).
 */
export function meanSquaredError(y: Tensor, t: Tensor): number {
  checkTensor('functions.meanSquaredError: y', y);
  checkTensor('functions.meanSquaredError: t', t);
  if (!sameShape(y.shape, t.shape)) {
    throw new ShapeError(`functions.meanSquaredError: t must have y's shape ${formatShape(y.shape)}, got ${formatShape(t.shape)}`);
  }
  return halfSquaredError(y, t);
}

/**
 * conv_output_size: ⌊(inputSize + 2·pad − filterSize) / stride⌋ + 1. NOTE: floored, as the
 * layers compute it (the book's util.py divides with / and may return a fraction); a filter larger
 * than the padded input is an error.
 */
export function convOutputSize(inputSize: number, filterSize: number, stride = 1, pad = 0): number {
  for (const [name, v, min] of [['inputSize', inputSize, 1], ['filterSize', filterSize, 1], ['stride', stride, 1], ['pad', pad, 0]] as const) {
    integer('functions.convOutputSize', name, v, min);
  }
  if (filterSize > inputSize + 2 * pad) {
    throw new ShapeError(`functions.convOutputSize: the filter (${filterSize}) is larger than the padded input (${inputSize + 2 * pad})`);
  }
  return Math.floor((inputSize + 2 * pad - filterSize) / stride) + 1;
}

// smooth_curve lives with the charts that draw it (scratchnet/plot must not load the kernels).
export { smoothCurve } from './plot/smooth.js';

/** shuffle_dataset: x and t with their samples (axis 0) in the same random order, as new tensors. */
export function shuffleDataset(x: Tensor, t: Tensor, rng: Rng = createRng()): [Tensor, Tensor] {
  const caller = 'functions.shuffleDataset';
  checkTensor(`${caller}: x`, x);
  checkTensor(`${caller}: t`, t);
  const n = x.shape[0];
  if (x.shape.length === 0 || t.shape.length === 0 || t.shape[0] !== n) {
    throw new ShapeError(`${caller}: x and t must have the same number of samples on axis 0, got x ${formatShape(x.shape)} and t ${formatShape(t.shape)}`);
  }
  if (rng === null || typeof rng !== 'object' || typeof rng.int !== 'function') {
    throw new ValueError(`${caller}: rng must be a generator from createRng(seed), got ${describe(rng)}`);
  }
  const xs = empty(x.shape), ts = empty(t.shape);
  if (n === 0) return [xs, ts];
  const at = allocator().alloc(4 * n);
  try {
    // Fisher–Yates, as np.random.permutation
    const order = new Int32Array(memoryBuffer(), at, n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    gatherRows(x, at, n, xs);
    gatherRows(t, at, n, ts);
  } finally {
    allocator().free(at);
  }
  return [xs, ts];
}
