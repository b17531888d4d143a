// The first N images and labels of MNIST, as the book's x_train[:N], t_train[:N]: several
// experiments train on a few hundred images to make a network overfit, or to run quickly.
import { loadMnist, tensor, type Mnist, type MnistOptions, type Tensor } from 'scratchnet';

/** A copy of the first `n` rows (samples) of `x`, whatever the shape of one row. */
export function firstRows(x: Tensor, n: number): Tensor {
  if (!Number.isInteger(n) || n < 1 || n > x.shape[0]) throw new Error(`firstRows: n must be in [1, ${x.shape[0]}], got ${n}`);
  const row = x.size / x.shape[0];
  // NOTE: tensor() copies a view of the linear memory out before it allocates, so the view
  // cannot be detached by the allocation growing the memory.
  return tensor(x.data.subarray(0, n * row), [n, ...x.shape.slice(1)]);
}

export interface MnistSubsetOptions extends MnistOptions {
  /** The first trainSize training images and labels (all by default). */
  trainSize?: number;
  /** The first testSize test images and labels (all by default). */
  testSize?: number;
}

/** MNIST cut to its first trainSize training and testSize test samples. A split asked for whole
 *  is returned as loaded, without a copy (60 000 images are 188 MB); a cut split is a copy, and
 *  the full tensors it was cut from are disposed: the caller owns exactly the four it gets. */
export async function loadMnistSubset(options: MnistSubsetOptions = {}): Promise<Mnist> {
  const { trainSize, testSize, ...mnistOptions } = options;
  const mnist = await loadMnist(mnistOptions);
  const [xTrain, tTrain] = firstSamples(mnist.xTrain, mnist.tTrain, trainSize);
  const [xTest, tTest] = firstSamples(mnist.xTest, mnist.tTest, testSize);
  return { xTrain, tTrain, xTest, tTest };
}

function firstSamples(x: Tensor, t: Tensor, n: number | undefined): [Tensor, Tensor] {
  if (n === undefined || n === x.shape[0]) return [x, t];
  const cut: [Tensor, Tensor] = [firstRows(x, n), firstRows(t, n)];
  x.dispose();
  t.dispose();
  return cut;
}
