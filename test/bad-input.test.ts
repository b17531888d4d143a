// Bad input across the public API, as a table. Each row builds fresh objects (setup), makes one bad
// call, and checks three things: the error is of the row's kind (ValueError unless KIND_OF_ROW
// says otherwise) and its message names the function or layer and says what it expected and
// what it got; nothing the call could reach changed (a
// snapshot of parameters, buffers, tensors and gradients taken before the call equals one taken
// after, and memoryStats().liveBytes is the same, so no tensor was left behind); and, where
// objects have hidden state (random streams, optimizer moments, layer caches), they behave after
// the error exactly as twins from the same setup() that never saw it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AddLayer, AdaGrad, Adam, Affine, AvgPooling, BatchNormalization, col2im, Convolution, cosineDecay, createOptimizer,
  createRng, DeepConvNet, deserialize, deserializeParams, Dropout, Elu, full, gemm, im2col, init, LeakyRelu, loadMnist,
  loadParams, matmul, memoryStats, MiniBatches, Momentum, MulLayer, MultiLayerNet, MultiLayerNetExtend, Nesterov,
  numericalGradient, ones, Pooling, randn, Relu, RMSprop, serialize, serializeParams, setBackend, SGD, Sigmoid,
  SimpleConvNet, SoftmaxWithLoss, Standardizer, stepDecay, tensor, Trainer, TwoLayerNet, zeros,
  type Network, type Optimizer, type Tensor, ShapeError, ValueError, FileFormatError,
} from '../src/index.js';
import { parseIdx } from '../src/data/idx.js';
import { idx } from './idx-files.js';

// Untyped callers: the rows pass values the types forbid, as JavaScript users can.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

interface Row<C> {
  /** What is wrong with the input; the test's name. */
  what: string;
  /** Fresh objects for this row (called again for the twin of `then`): deterministic. */
  setup: () => C;
  /** Arranges the bad arguments (tensors are made here, before the snapshot of live memory) and
   *  returns the bad call, which may return a promise that rejects. */
  call: (c: C) => () => unknown;
  /** The message: names the function or layer, says what it expected and what it got. */
  error: RegExp;
  /** What the call could change, as plain values: equal before and after. */
  state?: (c: C) => unknown;
  /** Behaviour after the error, compared with a twin from setup() that never saw the call. */
  then?: (c: C) => unknown;
  /** The call does real I/O, during which the garbage collector may free unrelated tensors. */
  io?: boolean;
}

const rows: Row<Any>[] = [];
const row = <C>(r: Row<C>): void => void rows.push(r);

// The kind of error each row expects: ValueError unless listed here. An Error that is not a
// ScratchnetError is a system error passed through (a file that cannot be read).
const KINDS = { ValueError, ShapeError, FileFormatError, Error } as const;
const KIND_OF_ROW = new Map<string, keyof typeof KINDS>([
  ['TwoLayerNet.loss: x with 5 features for a 4-input network', 'ShapeError'],
  ['TwoLayerNet.predict: a 1-D x (one sample without its batch dimension)', 'ShapeError'],
  ['TwoLayerNet.gradient: an empty batch (0, 4)', 'ShapeError'],
  ['TwoLayerNet.accuracy: an empty batch (0, 4)', 'ShapeError'],
  ['TwoLayerNet.loss: one-hot labels with 4 columns for 3 classes', 'ShapeError'],
  ['TwoLayerNet.accuracy: 3 labels for 2 samples', 'ShapeError'],
  ['TwoLayerNet.loss: 3-D labels', 'ShapeError'],
  ['MultiLayerNetExtend.accuracy: x with 3 features for a 4-input network', 'ShapeError'],
  ['SimpleConvNet.predict: images of the wrong width', 'ShapeError'],
  ['SimpleConvNet.loss: flattened images (N, 36) for a convolutional network', 'ShapeError'],
  ['Affine.forward: x with 4 features for W (3, 2)', 'ShapeError'],
  ['Affine.forward: an empty batch', 'ShapeError'],
  ['Affine.backward: dout of the wrong shape', 'ShapeError'],
  ['Sigmoid.backward: dout of the wrong shape', 'ShapeError'],
  ['SoftmaxWithLoss.forward: 1-D scores', 'ShapeError'],
  ['BatchNormalization.forward: x with 4 features for 3 (running statistics stay)', 'ShapeError'],
  ['BatchNormalization.backward: dout of the wrong shape', 'ShapeError'],
  ['Dropout.backward: dout of the wrong shape', 'ShapeError'],
  ['Convolution.forward: 3 channels for W with 2', 'ShapeError'],
  ['Convolution.forward: a 3-D x (one image without its batch dimension)', 'ShapeError'],
  ['Convolution.backward: dout of the wrong shape', 'ShapeError'],
  ['Pooling.forward: a 3×3 window on a 2×2 image', 'ShapeError'],
  ['AvgPooling.forward: a 6×2 window on a 5×5 image', 'ShapeError'],
  ['new Affine: a 1-D W', 'ShapeError'],
  ['new Affine: b with 3 entries for W (2, 2)', 'ShapeError'],
  ['new BatchNormalization: a 2-D gamma', 'ShapeError'],
  ['new BatchNormalization: gamma and beta of different lengths', 'ShapeError'],
  ['new BatchNormalization: runningVar of the wrong size', 'ShapeError'],
  ['new Convolution: a 3-D W', 'ShapeError'],
  ['new Convolution: b with 3 entries for 2 filters', 'ShapeError'],
  ['new SimpleConvNet: a filter larger than the image (names the layer and its input)', 'ShapeError'],
  ['new DeepConvNet: 1×1 images (no room for the first pooling)', 'ShapeError'],
  ['Adam.update: grads.b of the wrong shape (moments and t stay)', 'ShapeError'],
  ['tensor: 3 values for shape (2, 2)', 'ShapeError'],
  ['zeros: a negative dimension', 'ShapeError'],
  ['Tensor.reshape: 6 elements into (4, 2)', 'ShapeError'],
  ['matmul: inner dimensions differ', 'ShapeError'],
  ['gemm: c of the wrong shape', 'ShapeError'],
  ['im2col: a 3-D x', 'ShapeError'],
  ['col2im: col of the wrong shape', 'ShapeError'],
  ['new MiniBatches: 3 samples but 2 labels', 'ShapeError'],
  ['Standardizer.transform: 4 features for 3', 'ShapeError'],
  ['Standardizer.fit: a 1-D x keeps the previous fit', 'ShapeError'],
  ['serialize: a shape that does not match the data', 'ShapeError'],
  ['new Trainer: 6 training samples but 5 labels', 'ShapeError'],
  ['new Trainer: data with 3 features for a 4-input network', 'ShapeError'],
  ['parseIdx: data cut short', 'FileFormatError'],
  ['parseIdx: header cut short', 'FileFormatError'],
  ['parseIdx: a gzip file (not yet decompressed)', 'FileFormatError'],
  ['parseIdx: float data (type 0x0D)', 'FileFormatError'],
  ['parseIdx: trailing bytes', 'FileFormatError'],
  ['parseIdx: zero dimensions', 'FileFormatError'],
  ['parseIdx: a plain array of bytes', 'FileFormatError'],
  ['loadMnist: a label of 10 in the test labels', 'FileFormatError'],
  ['loadMnist: 3 images but 2 labels', 'FileFormatError'],
  ['deserializeParams: the file cut short by 4 bytes', 'FileFormatError'],
  ['deserializeParams: only the first 20 bytes', 'FileFormatError'],
  ['deserializeParams: a corrupt header (its opening brace overwritten)', 'FileFormatError'],
  ['deserializeParams: four bytes after the last tensor', 'FileFormatError'],
  ['deserializeParams: an ArrayBuffer instead of bytes', 'FileFormatError'],
  ['deserializeParams: a TwoLayerNet with 6 hidden units into one with 5', 'FileFormatError'],
  ['deserializeParams: the parameters of a MultiLayerNet', 'FileFormatError'],
  ['deserializeParams: F64 data', 'FileFormatError'],
  ['deserializeParams: a file without b2 (and without a network name to catch it)', 'FileFormatError'],
  ['loadParams: a file that does not exist', 'Error'],
]);

// ---------------------------------------------------------------------------------------------
// Fixtures. Values come from seeded generators so a row's twin gets the same numbers.

const vals = (n: number, seed = 1): Float32Array => {
  const r = createRng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
};
const arrays = (d: Readonly<Record<string, Tensor>>) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.toArray()]));
const netState = (net: Network) => ({ params: arrays(net.params), buffers: arrays(net.buffers ?? {}), lastLoss: net.lastLoss });
/** With `value` at flat index `at`. */
const poke = (values: Float32Array, at: number, value: number): Float32Array => ((values[at] = value), values);

interface NetCase {
  net: Network;
  x: Tensor;
  t: Tensor;
  /** A good batch for the probe, fresh each call. */
  good: () => [Tensor, Tensor];
}

// A network's behaviour: gradients, loss and scores on a good batch (this also draws dropout masks
// and moves batch-norm statistics, so hidden state shows up here).
function probe({ net, good }: NetCase) {
  const [x, t] = good();
  const grads = arrays(net.gradient(x, t));
  const loss = net.lastLoss;
  const y = net.predict(x);
  const scores = y.toArray();
  y.dispose();
  return { grads, loss, scores, state: netState(net) };
}

const two = (): NetCase => {
  const good = (): [Tensor, Tensor] => [tensor(vals(8, 2), [2, 4]), tensor([1, 0])];
  return { net: new TwoLayerNet({ inputSize: 4, hiddenSize: 5, outputSize: 3, seed: 1 }), x: tensor(vals(8), [2, 4]), t: tensor([0, 2]), good };
};
const extend = (): NetCase => {
  const good = (): [Tensor, Tensor] => [tensor(vals(12, 2), [3, 4]), tensor([1, 0, 2])];
  const net = new MultiLayerNetExtend({
    inputSize: 4, hiddenSizeList: [6, 5], outputSize: 3, useBatchnorm: true, useDropout: true, dropoutRatio: 0.3,
    weightDecayLambda: 0.01, seed: 2,
  });
  net.gradient(...good()); // running statistics away from their initial zeros
  return { net, x: tensor(vals(12), [3, 4]), t: tensor([2, 1, 0]), good };
};
const simpleConv = (): NetCase => {
  const good = (): [Tensor, Tensor] => [tensor(vals(72, 2), [2, 1, 6, 6]), tensor([1, 2])];
  const net = new SimpleConvNet({
    inputDim: [1, 6, 6], convParam: { filterNum: 2, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 4, outputSize: 3, seed: 3,
  });
  return { net, x: tensor(vals(72), [2, 1, 6, 6]), t: tensor([0, 2]), good };
};
const deepConv = (): NetCase => {
  const good = (): [Tensor, Tensor] => [tensor(vals(288, 2), [2, 1, 12, 12]), tensor([3, 1])];
  const net = new DeepConvNet({ inputDim: [1, 12, 12], hiddenSize: 8, outputSize: 4, seed: 4 });
  return { net, x: tensor(vals(288), [2, 1, 12, 12]), t: tensor([0, 3]), good };
};

/** A network row: the state is the network's parameters, buffers and last loss; then, its behaviour. */
function netRow(what: string, make: () => NetCase, call: (c: NetCase) => () => unknown, error: RegExp): void {
  row({ what, setup: make, call, error, state: (c) => netState(c.net), then: probe });
}

// ---------------------------------------------------------------------------------------------
// Networks: predict, loss, gradient, accuracy.

netRow('TwoLayerNet.loss: x with 5 features for a 4-input network', two, ({ net, t }) => {
  const x = tensor(vals(10), [2, 5]);
  return () => net.loss(x, t);
}, /^TwoLayerNet\.loss: x must be \(N, 4\) with N >= 1 \(4 features per sample\), got \(2, 5\)$/);
netRow('TwoLayerNet.predict: a 1-D x (one sample without its batch dimension)', two, ({ net }) => {
  const x = tensor(vals(4));
  return () => net.predict(x);
}, /^TwoLayerNet\.predict: x must be \(N, 4\) with N >= 1 .*got \(4,\)$/);
netRow('TwoLayerNet.gradient: an empty batch (0, 4)', two, ({ net }) => {
  const x = zeros([0, 4]), t = zeros([0]);
  return () => net.gradient(x, t);
}, /^TwoLayerNet\.gradient: x must be \(N, 4\) with N >= 1 .*got \(0, 4\)$/);
netRow('TwoLayerNet.accuracy: an empty batch (0, 4)', two, ({ net }) => {
  const x = zeros([0, 4]), t = zeros([0]);
  return () => net.accuracy(x, t);
}, /^TwoLayerNet\.accuracy: x must be \(N, 4\) with N >= 1 .*got \(0, 4\)$/);
netRow('TwoLayerNet.gradient: a label equal to the number of classes', two, ({ net, x }) => {
  const t = tensor([0, 3]);
  return () => net.gradient(x, t);
}, /^TwoLayerNet\.gradient: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N\) with 3 at index 1$/);
netRow('TwoLayerNet.loss: a negative label', two, ({ net, x }) => {
  const t = tensor([-1, 0]);
  return () => net.loss(x, t);
}, /^TwoLayerNet\.loss: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N\) with -1 at index 0$/);
netRow('TwoLayerNet.gradient: a fractional label', two, ({ net, x }) => {
  const t = tensor([0, 1.5]);
  return () => net.gradient(x, t);
}, /^TwoLayerNet\.gradient: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N\) with 1\.5 at index 1$/);
netRow('TwoLayerNet.accuracy: a NaN label', two, ({ net, x }) => {
  const t = tensor([NaN, 1]);
  return () => net.accuracy(x, t);
}, /^TwoLayerNet\.accuracy: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N\) with NaN at index 0$/);
netRow('TwoLayerNet.loss: one-hot labels with 4 columns for 3 classes', two, ({ net, x }) => {
  const t = tensor([1, 0, 0, 0, 0, 1, 0, 0], [2, 4]);
  return () => net.loss(x, t);
}, /^TwoLayerNet\.loss: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N, 4\)$/);
netRow('TwoLayerNet.gradient: one-hot labels holding Infinity', two, ({ net, x }) => {
  const t = tensor([1, 0, 0, 0, Infinity, 0], [2, 3]);
  return () => net.gradient(x, t);
}, /^TwoLayerNet\.gradient: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N, 3\) with row 1 \[0, Infinity, 0\]$/);
// rows whose loss (from the row's argmax) and gradient (from the whole row) would disagree
for (const [what, row] of [['all zeros', [0, 0, 0]], ['two ones', [1, 1, 0]], ['a 0.5/0.5 split', [0.5, 0.5, 0]], ['a 7', [0, 7, 0]], ['NaN', [NaN, 1, 0]]] as const) {
  netRow(`TwoLayerNet.loss: a one-hot row of ${what}`, two, ({ net, x }) => {
    const t = tensor([0, 0, 1, ...row], [2, 3]);
    return () => net.loss(x, t);
  }, new RegExp(`^TwoLayerNet\\.loss: softmax-cross-entropy needs class labels \\(N\\) in \\[0, 3\\) or one-hot rows \\(N, 3\\); got \\(N, 3\\) with row 1 \\[${row.join(', ')}\\]$`));
}
netRow('TwoLayerNet.accuracy: 3 labels for 2 samples', two, ({ net, x }) => {
  const t = tensor([0, 1, 2]);
  return () => net.accuracy(x, t);
}, /^TwoLayerNet\.accuracy: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(3\) for the 2 samples of x$/);
netRow('TwoLayerNet.loss: 3-D labels', two, ({ net, x }) => {
  const t = zeros([2, 3, 1]);
  return () => net.loss(x, t);
}, /^TwoLayerNet\.loss: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N, 3, 1\)$/);
netRow('TwoLayerNet.loss: NaN in x', two, ({ net, t }) => {
  const x = tensor(poke(vals(8), 5, NaN), [2, 4]);
  return () => net.loss(x, t);
}, /^TwoLayerNet\.loss: x must be finite, got NaN at flat index 5 \(sample 1\)$/);
netRow('TwoLayerNet.gradient: Infinity in x', two, ({ net, t }) => {
  const x = tensor(poke(vals(8), 0, Infinity), [2, 4]);
  return () => net.gradient(x, t);
}, /^TwoLayerNet\.gradient: x must be finite, got Infinity at flat index 0 \(sample 0\)$/);
netRow('TwoLayerNet.predict: -Infinity in x', two, ({ net }) => {
  const x = tensor(poke(vals(8), 7, -Infinity), [2, 4]);
  return () => net.predict(x);
}, /^TwoLayerNet\.predict: x must be finite, got -Infinity at flat index 7 \(sample 1\)$/);
netRow('TwoLayerNet.accuracy: NaN in x', two, ({ net, t }) => {
  const x = tensor(poke(vals(8), 2, NaN), [2, 4]);
  return () => net.accuracy(x, t);
}, /^TwoLayerNet\.accuracy: x must be finite, got NaN at flat index 2 \(sample 0\)$/);
netRow('TwoLayerNet.predict: NaN in the last of two evaluation chunks (150 samples)', two, ({ net }) => {
  const x = tensor(poke(vals(600), 599, NaN), [150, 4]);
  return () => net.predict(x);
}, /^TwoLayerNet\.predict: x must be finite, got NaN at flat index 599 \(sample 149\)$/);
netRow('TwoLayerNet.loss: x is a string', two, ({ net, t }) => () => net.loss('x' as Any, t),
  /^TwoLayerNet\.loss: x: expected a Tensor, got "x"$/);
netRow('TwoLayerNet.predict: x is null', two, ({ net }) => () => net.predict(null as Any),
  /^TwoLayerNet\.predict: x: expected a Tensor, got null$/);
netRow('TwoLayerNet.gradient: x is undefined', two, ({ net, t }) => () => net.gradient(undefined as Any, t),
  /^TwoLayerNet\.gradient: x: expected a Tensor, got undefined$/);
netRow('TwoLayerNet.predict: x is a plain array of rows', two, ({ net }) => () => net.predict([[1, 2, 3, 4], [5, 6, 7, 8]] as Any),
  /^TwoLayerNet\.predict: x: expected a Tensor, got an array of length 2$/);
netRow('TwoLayerNet.loss: x is an object with a shape and data but not a Tensor', two,
  ({ net, t }) => () => net.loss({ shape: [2, 4], data: new Float32Array(8) } as Any, t),
  /^TwoLayerNet\.loss: x: expected a Tensor, got Object$/);
netRow('TwoLayerNet.gradient: t is a plain array of labels', two, ({ net, x }) => () => net.gradient(x, [0, 2] as Any),
  /^TwoLayerNet\.gradient: t: expected a Tensor, got an array of length 2$/);
netRow('TwoLayerNet.loss: a disposed x', two, ({ net, x, t }) => (x.dispose(), () => net.loss(x, t)),
  /^TwoLayerNet\.loss: x: the Tensor\(2, 4\) was disposed$/);
netRow('TwoLayerNet.accuracy: disposed labels', two, ({ net, x, t }) => (t.dispose(), () => net.accuracy(x, t)),
  /^TwoLayerNet\.accuracy: t: the Tensor\(2,\) was disposed$/);
netRow('TwoLayerNet.predict: train is the string "false" (truthy: would run in training mode)', two,
  ({ net, x }) => () => net.predict(x, 'false' as Any),
  /^TwoLayerNet\.predict: train must be a boolean, got "false"$/);
// evalBatchSize is a writable field: the rows set it, and put it back before the behaviour check.
const evalRow = (what: string, size: number, call: (c: NetCase) => () => unknown, error: RegExp) => row({
  what, error, state: (c) => netState(c.net),
  setup: two,
  call: (c) => ((c.net as TwoLayerNet).evalBatchSize = size, call(c)),
  then: (c) => ((c.net as TwoLayerNet).evalBatchSize = 100, probe(c)),
});
evalRow('TwoLayerNet.predict: evalBatchSize set to NaN (failed only after allocating the output)', NaN, ({ net, x }) => () => net.predict(x),
  /^TwoLayerNet\.predict: evalBatchSize must be a positive integer, got NaN$/);
evalRow('TwoLayerNet.accuracy: evalBatchSize 0.5 (was silently rounded up to 1)', 0.5, ({ net, x, t }) => () => net.accuracy(x, t),
  /^TwoLayerNet\.accuracy: evalBatchSize must be a positive integer, got 0\.5$/);
row({
  what: 'TwoLayerNet.predict: the network was disposed',
  setup: () => {
    const c = two();
    c.net.dispose();
    return c;
  },
  call: ({ net, x }) => () => net.predict(x),
  error: /^TwoLayerNet\.predict: the network was disposed$/,
  state: ({ x }) => x.toArray(),
});
netRow('MultiLayerNetExtend (batch norm, dropout).gradient: NaN in x leaves running statistics and masks alone', extend, ({ net, t }) => {
  const x = tensor(poke(vals(12), 9, NaN), [3, 4]);
  return () => net.gradient(x, t);
}, /^MultiLayerNetExtend\.gradient: x must be finite, got NaN at flat index 9 \(sample 2\)$/);
netRow('MultiLayerNetExtend.loss in training mode: a label out of range', extend, ({ net, x }) => {
  const t = tensor([0, 1, 7]);
  return () => net.loss(x, t, true);
}, /^MultiLayerNetExtend\.loss: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N\) with 7 at index 2$/);
netRow('MultiLayerNetExtend.loss: train is the string "no"', extend, ({ net, x, t }) => () => net.loss(x, t, 'no' as Any),
  /^MultiLayerNetExtend\.loss: train must be a boolean, got "no"$/);
netRow('MultiLayerNetExtend.accuracy: x with 3 features for a 4-input network', extend, ({ net, t }) => {
  const x = tensor(vals(9), [3, 3]);
  return () => net.accuracy(x, t);
}, /^MultiLayerNetExtend\.accuracy: x must be \(N, 4\) with N >= 1 \(4 features per sample\), got \(3, 3\)$/);
netRow('SimpleConvNet.predict: images of the wrong width', simpleConv, ({ net }) => {
  const x = tensor(vals(60), [2, 1, 6, 5]);
  return () => net.predict(x);
}, /^SimpleConvNet\.predict: x must be \(N, 1, 6, 6\) with N >= 1 \(36 features per sample\), got \(2, 1, 6, 5\)$/);
netRow('SimpleConvNet.loss: flattened images (N, 36) for a convolutional network', simpleConv, ({ net, t }) => {
  const x = tensor(vals(72), [2, 36]);
  return () => net.loss(x, t);
}, /^SimpleConvNet\.loss: x must be \(N, 1, 6, 6\) .*got \(2, 36\)$/);
netRow('SimpleConvNet.gradient: NaN in an image', simpleConv, ({ net, t }) => {
  const x = tensor(poke(vals(72), 40, NaN), [2, 1, 6, 6]);
  return () => net.gradient(x, t);
}, /^SimpleConvNet\.gradient: x must be finite, got NaN at flat index 40 \(sample 1\)$/);
netRow('DeepConvNet.gradient: Infinity in an image leaves its dropout streams alone', deepConv, ({ net, t }) => {
  const x = tensor(poke(vals(288), 3, Infinity), [2, 1, 12, 12]);
  return () => net.gradient(x, t);
}, /^DeepConvNet\.gradient: x must be finite, got Infinity at flat index 3 \(sample 0\)$/);

// ---------------------------------------------------------------------------------------------
// Layers: forward and backward.

interface AffineCase { layer: Affine; x: Tensor; dout: Tensor }
const affine = (): AffineCase => {
  const layer = new Affine(tensor(vals(6, 5), [3, 2]), tensor([0.1, -0.2]));
  const x = tensor(vals(6, 6), [2, 3]);
  const dout = tensor(vals(4, 7), [2, 2]);
  layer.forward(x);
  layer.backward(dout); // dW and db hold values the bad call must not touch
  return { layer, x, dout };
};
const affineState = ({ layer }: AffineCase) => ({ W: layer.W.toArray(), b: layer.b.toArray(), dW: layer.dW.toArray(), db: layer.db.toArray() });
// the cached input of the last good forward is still the one backward uses
const affineThen = (c: AffineCase) => ({ dx: c.layer.backward(c.dout).toArray(), ...affineState(c) });
const affineRow = (what: string, call: (c: AffineCase) => () => unknown, error: RegExp) =>
  row({ what, setup: affine, call, error, state: affineState, then: affineThen });

affineRow('Affine.forward: x with 4 features for W (3, 2)', ({ layer }) => {
  const x = tensor(vals(8), [2, 4]);
  return () => layer.forward(x);
}, /^Affine\.forward: expected x of shape \(N, 3\) or \(N, \.\.\.\) with 3 features per sample and N >= 1 \(W is \(3, 2\)\), got \(2, 4\)$/);
affineRow('Affine.forward: an empty batch', ({ layer }) => {
  const x = zeros([0, 3]);
  return () => layer.forward(x);
}, /^Affine\.forward: expected x of shape \(N, 3\) .*got \(0, 3\)$/);
affineRow('Affine.forward: x is a string', ({ layer }) => () => layer.forward('x' as Any), /^Affine\.forward: x: expected a Tensor, got "x"$/);
affineRow('Affine.backward: dout of the wrong shape', ({ layer }) => {
  const dout = zeros([2, 3]);
  return () => layer.backward(dout);
}, /^Affine\.backward: dout must be \(2, 2\), got \(2, 3\)$/);
row({ what: 'Affine.backward: the input of the last forward was disposed', setup: affine, state: affineState,
  call: ({ layer, x, dout }) => (x.dispose(), () => layer.backward(dout)),
  error: /^Affine\.backward: call forward first \(or the input was disposed\)$/ });
row({ what: 'Affine.backward: before any forward',
  setup: () => ({ layer: new Affine(tensor(vals(6), [3, 2]), zeros([2])), dout: zeros([1, 2]) }),
  call: ({ layer, dout }) => () => layer.backward(dout),
  error: /^Affine\.backward: call forward first/,
  state: ({ layer }) => [layer.W.toArray(), layer.b.toArray()] });

interface ActCase { layer: Relu | Sigmoid | LeakyRelu; x: Tensor; dout: Tensor }
const activation = (make: () => ActCase['layer']) => (): ActCase => {
  const layer = make();
  const x = tensor(vals(6), [2, 3]);
  layer.forward(x);
  return { layer, x, dout: tensor(vals(6, 8), [2, 3]) };
};
const actThen = (c: ActCase) => c.layer.backward(c.dout).toArray();
row({ what: 'Relu.forward: x is null', setup: activation(() => new Relu()), then: actThen,
  call: ({ layer }) => () => layer.forward(null as Any),
  error: /^Relu\.forward: x: expected a Tensor, got null$/ });
row({ what: 'Relu.forward: x is a plain array', setup: activation(() => new Relu()), then: actThen,
  call: ({ layer }) => () => layer.forward([1, -2, 3] as Any),
  error: /^Relu\.forward: x: expected a Tensor, got an array of length 3$/ });
row({ what: 'Sigmoid.backward: dout of the wrong shape', setup: activation(() => new Sigmoid()), then: actThen,
  call: ({ layer }) => {
    const dout = zeros([3, 2]);
    return () => layer.backward(dout);
  },
  error: /^Sigmoid\.backward: dout must have the forward output's shape \(2, 3\), got \(3, 2\)$/ });
row({ what: 'LeakyRelu.backward: a disposed dout', setup: activation(() => new LeakyRelu(0.1)), then: actThen,
  call: ({ layer }) => {
    const dout = zeros([2, 3]);
    dout.dispose();
    return () => layer.backward(dout);
  },
  error: /^LeakyRelu\.backward: dout: the Tensor\(2, 3\) was disposed$/ });

interface SoftmaxCase { layer: SoftmaxWithLoss; x: Tensor; t: Tensor }
const softmax = (): SoftmaxCase => {
  const layer = new SoftmaxWithLoss();
  const x = tensor(vals(6), [2, 3]), t = tensor([2, 0]);
  layer.forward(x, t);
  return { layer, x, t };
};
const softmaxRow = (what: string, call: (c: SoftmaxCase) => () => unknown, error: RegExp) => row({
  what, setup: softmax, call, error, state: ({ layer }) => layer.loss,
  then: ({ layer }) => ({ loss: layer.loss, dx: layer.backward().toArray() }),
});
softmaxRow('SoftmaxWithLoss.forward: a label out of range', ({ layer, x }) => {
  const t = tensor([0, 3]);
  return () => layer.forward(x, t);
}, /^SoftmaxWithLoss\.forward: softmax-cross-entropy needs class labels \(N\) in \[0, 3\) or one-hot rows \(N, 3\); got \(N\) with 3 at index 1$/);
softmaxRow('SoftmaxWithLoss.forward: 1-D scores', ({ layer }) => {
  const x = tensor([1, 2, 3]), t = tensor([0]);
  return () => layer.forward(x, t);
}, /^SoftmaxWithLoss\.forward: x must be \(N, C\) scores with N, C >= 1, got \(3,\)$/);
softmaxRow('SoftmaxWithLoss.forward: labels as a plain array', ({ layer, x }) => () => layer.forward(x, [2, 0] as Any),
  /^SoftmaxWithLoss\.forward: t: expected a Tensor, got an array of length 2$/);
softmaxRow('SoftmaxWithLoss.backward: dout is NaN', ({ layer }) => () => layer.backward(NaN),
  /^SoftmaxWithLoss\.backward: dout must be a finite number, got NaN$/);
softmaxRow('SoftmaxWithLoss.backward: dout is a tensor, not a number', ({ layer }) => {
  const dout = ones([2, 3]);
  return () => layer.backward(dout as Any);
}, /^SoftmaxWithLoss\.backward: dout must be a finite number, got Tensor\(2, 3\)$/);

interface BnCase { layer: BatchNormalization; x: Tensor }
const batchNorm = (): BnCase => {
  const layer = new BatchNormalization(tensor([1, 2, 3]), tensor([0, 0.5, -0.5]), 0.8);
  const x = tensor(vals(12), [4, 3]);
  layer.forward(x, true);
  return { layer, x };
};
const bnState = ({ layer }: BnCase) => ({ mean: layer.runningMean.toArray(), var: layer.runningVar.toArray(), gamma: layer.gamma.toArray() });
const bnRow = (what: string, call: (c: BnCase) => () => unknown, error: RegExp) => row({
  what, setup: batchNorm, call, error, state: bnState,
  then: (c) => ({ dx: c.layer.backward(tensor(vals(12, 9), [4, 3])).toArray(), dgamma: c.layer.dgamma.toArray(), ...bnState(c) }),
});
bnRow('BatchNormalization.forward: x with 4 features for 3 (running statistics stay)', ({ layer }) => {
  const x = tensor(vals(8), [2, 4]);
  return () => layer.forward(x, true);
}, /^BatchNormalization\.forward: expected x of shape \(N, 3\) or \(N, \.\.\.\) with 3 features per sample and N >= 1, got \(2, 4\)$/);
bnRow('BatchNormalization.forward: train is the string "false"', ({ layer, x }) => () => layer.forward(x, 'false' as Any),
  /^BatchNormalization\.forward: train must be a boolean, got "false"$/);
bnRow('BatchNormalization.backward: dout of the wrong shape', ({ layer }) => {
  const dout = zeros([4, 4]);
  return () => layer.backward(dout);
}, /^BatchNormalization\.backward: dout must have the input's shape \(4, 3\), got \(4, 4\)$/);

interface DropoutCase { layer: Dropout; x: Tensor }
const dropout = (forward: boolean) => (): DropoutCase => {
  const layer = new Dropout(0.5, { seed: 9 });
  const x = tensor(vals(40), [4, 10]);
  if (forward) layer.forward(x, true);
  return { layer, x };
};
const dropoutThen = ({ layer, x }: DropoutCase) => layer.forward(x, true).toArray(); // the next mask
row({ what: 'Dropout.forward: x is undefined (the mask stream does not advance)', setup: dropout(false), then: dropoutThen,
  call: ({ layer }) => () => layer.forward(undefined as Any),
  error: /^Dropout\.forward: x: expected a Tensor, got undefined$/ });
row({ what: 'Dropout.forward: train is 1, not a boolean', setup: dropout(false), then: dropoutThen,
  call: ({ layer, x }) => () => layer.forward(x, 1 as Any),
  error: /^Dropout\.forward: train must be a boolean, got 1$/ });
row({ what: 'Dropout.backward: dout of the wrong shape', setup: dropout(true), then: dropoutThen,
  call: ({ layer }) => {
    const dout = zeros([10, 4]);
    return () => layer.backward(dout);
  },
  error: /^Dropout\.backward: dout must have the input's shape \(4, 10\), got \(10, 4\)$/ });

interface ConvCase { layer: Convolution; x: Tensor; dout: Tensor }
const conv = (): ConvCase => {
  const layer = new Convolution(tensor(vals(2 * 2 * 9, 3), [2, 2, 3, 3]), tensor([0.5, -0.5]), 1, 1);
  const x = tensor(vals(2 * 2 * 16), [2, 2, 4, 4]);
  const dout = tensor(vals(2 * 2 * 16, 4), [2, 2, 4, 4]);
  layer.forward(x);
  layer.backward(dout);
  return { layer, x, dout };
};
const convState = ({ layer }: ConvCase) => ({ W: layer.W.toArray(), dW: layer.dW.toArray(), db: layer.db.toArray() });
const convRow = (what: string, call: (c: ConvCase) => () => unknown, error: RegExp) => row({
  what, setup: conv, call, error, state: convState, then: (c) => ({ dx: c.layer.backward(c.dout).toArray(), ...convState(c) }),
});
convRow('Convolution.forward: 3 channels for W with 2', ({ layer }) => {
  const x = zeros([1, 3, 4, 4]);
  return () => layer.forward(x);
}, /^Convolution\.forward: x has 3 channels but W \(2, 2, 3, 3\) expects 2$/);
convRow('Convolution.forward: a 3-D x (one image without its batch dimension)', ({ layer }) => {
  const x = zeros([2, 4, 4]);
  return () => layer.forward(x);
}, /^Convolution\.forward: expected an \(N, C, H, W\) input with every dimension >= 1, got \(2, 4, 4\)$/);
convRow('Convolution.backward: dout of the wrong shape', ({ layer }) => {
  const dout = zeros([2, 2, 3, 3]);
  return () => layer.backward(dout);
}, /^Convolution\.backward: dout must be \(2, 2, 4, 4\), got \(2, 2, 3, 3\)$/);
row({ what: 'Pooling.forward: a 3×3 window on a 2×2 image', setup: () => ({ layer: new Pooling(3, 3), x: zeros([1, 1, 2, 2]) }),
  call: ({ layer, x }) => () => layer.forward(x),
  error: /^Pooling\.forward: the 3×3 window is larger than the padded 2×2 input$/ });
row({ what: 'Pooling.backward: before any forward', setup: () => ({ layer: new Pooling(2, 2, 2), dout: zeros([1, 1, 2, 2]) }),
  call: ({ layer, dout }) => () => layer.backward(dout),
  error: /^Pooling\.backward: call forward first$/ });
row({ what: 'AvgPooling.forward: a 6×2 window on a 5×5 image', setup: () => ({ layer: new AvgPooling(6, 2, 2), x: zeros([1, 1, 5, 5]) }),
  call: ({ layer, x }) => () => layer.forward(x),
  error: /^AvgPooling\.forward: the 6×2 window is larger than the padded 5×5 input$/ });

const mul = () => {
  const layer = new MulLayer();
  layer.forward(100, 2);
  return layer;
};
row({ what: 'MulLayer.forward: a string operand ("2" * 3 would quietly give 6)', setup: mul, then: (layer) => layer.backward(1),
  call: (layer) => () => layer.forward('2' as Any, 3),
  error: /^MulLayer\.forward: x and y must be numbers, got "2" and 3$/ });
row({ what: 'MulLayer.backward: dout is undefined', setup: mul, then: (layer) => layer.backward(1),
  call: (layer) => () => layer.backward(undefined as Any),
  error: /^MulLayer\.backward: dout must be numbers, got undefined$/ });
row({ what: 'AddLayer.forward: null operand', setup: () => new AddLayer(),
  call: (layer) => () => layer.forward(null as Any, 1),
  error: /^AddLayer\.forward: x and y must be numbers, got null and 1$/ });

// ---------------------------------------------------------------------------------------------
// Constructors of layers, networks and optimizers, and plain functions: `call` makes the
// arguments; the state is memory (nothing may be left allocated by the throw).

const fn = (what: string, call: () => () => unknown, error: RegExp) => row({ what, setup: () => undefined, call, error });
/** No tensors among the arguments. */
const plain = (what: string, call: () => unknown, error: RegExp) => fn(what, () => call, error);

fn('new Affine: a 1-D W', () => {
  const W = tensor([1, 2, 3]), b = zeros([3]);
  return () => new Affine(W, b);
}, /^Affine: W must be 2-D \(in, out\), got \(3,\)$/);
fn('new Affine: b with 3 entries for W (2, 2)', () => {
  const W = zeros([2, 2]), b = zeros([3]);
  return () => new Affine(W, b);
}, /^Affine: b must be \(2,\) to match W \(2, 2\), got \(3,\)$/);
fn('new Affine: W is null', () => {
  const b = zeros([2]);
  return () => new Affine(null as Any, b);
}, /^Affine: W: expected a Tensor, got null$/);
plain('new Affine: plain arrays', () => new Affine([[1, 2], [3, 4]] as Any, [0, 0] as Any), /^Affine: W: expected a Tensor, got an array of length 2$/);
fn('new Affine: a disposed W', () => {
  const W = zeros([2, 2]), b = zeros([2]);
  W.dispose();
  return () => new Affine(W, b);
}, /^Affine: W: the Tensor\(2, 2\) was disposed$/);
plain('new LeakyRelu: a negative alpha', () => new LeakyRelu(-0.1), /^LeakyRelu: alpha must be a finite number >= 0, got -0\.1$/);
plain('new Elu: alpha is a string', () => new Elu('1' as Any), /^Elu: alpha must be a finite number >= 0, got "1"$/);
plain('new Dropout: ratio 1', () => new Dropout(1), /^Dropout: dropoutRatio must be a number in \[0, 1\), got 1$/);
plain('new Dropout: ratio is a string', () => new Dropout('0.5' as Any), /^Dropout: dropoutRatio must be a number in \[0, 1\), got "0\.5"$/);
plain('new Dropout: seed is a string', () => new Dropout(0.5, { seed: 'x' as Any }), /^Dropout: seed must be a finite number, got "x"$/);
plain('new Dropout: options is null', () => new Dropout(0.5, null as Any), /^Dropout: expected an options object \{ seed \}, got null$/);
fn('new BatchNormalization: a 2-D gamma', () => {
  const gamma = ones([2, 2]), beta = zeros([2, 2]);
  return () => new BatchNormalization(gamma, beta);
}, /^BatchNormalization: gamma and beta must be 1-D of the same length, got \(2, 2\) and \(2, 2\)$/);
fn('new BatchNormalization: gamma and beta of different lengths', () => {
  const gamma = ones([3]), beta = zeros([2]);
  return () => new BatchNormalization(gamma, beta);
}, /^BatchNormalization: gamma and beta must be 1-D of the same length, got \(3,\) and \(2,\)$/);
fn('new BatchNormalization: momentum 1.5', () => {
  const gamma = ones([3]), beta = zeros([3]);
  return () => new BatchNormalization(gamma, beta, 1.5);
}, /^BatchNormalization: momentum must be a number in \[0, 1\], got 1\.5$/);
fn('new BatchNormalization: runningVar of the wrong size', () => {
  const gamma = ones([3]), beta = zeros([3]), mean = zeros([3]), variance = zeros([4]);
  return () => new BatchNormalization(gamma, beta, 0.9, mean, variance);
}, /^BatchNormalization: runningVar must have 3 entries like gamma, got \(4,\)$/);
fn('new BatchNormalization: beta is a plain array', () => {
  const gamma = ones([2]);
  return () => new BatchNormalization(gamma, [0, 0] as Any);
}, /^BatchNormalization: beta: expected a Tensor, got an array of length 2$/);
fn('new Convolution: a 3-D W', () => {
  const W = zeros([2, 3, 3]), b = zeros([2]);
  return () => new Convolution(W, b);
}, /^Convolution: W must be 4-D \(FN, C, FH, FW\), got \(2, 3, 3\)$/);
fn('new Convolution: b with 3 entries for 2 filters', () => {
  const W = zeros([2, 1, 3, 3]), b = zeros([3]);
  return () => new Convolution(W, b);
}, /^Convolution: b must be \(2,\) to match W \(2, 1, 3, 3\), got \(3,\)$/);
fn('new Convolution: stride 0', () => {
  const W = zeros([2, 1, 3, 3]), b = zeros([2]);
  return () => new Convolution(W, b, 0);
}, /^Convolution: stride must be an integer >= 1, got 0$/);
fn('new Convolution: pad 1.5', () => {
  const W = zeros([2, 1, 3, 3]), b = zeros([2]);
  return () => new Convolution(W, b, 1, 1.5);
}, /^Convolution: pad must be an integer >= 0, got 1\.5$/);
plain('new Pooling: poolW 0', () => new Pooling(2, 0), /^Pooling: poolW must be an integer >= 1, got 0$/);
plain('new AvgPooling: pad -1', () => new AvgPooling(2, 2, 2, -1), /^AvgPooling: pad must be an integer >= 0, got -1$/);

// Network constructors: every option checked before anything is allocated.
const twoOptions = { inputSize: 4, hiddenSize: 5, outputSize: 3 };
const mlpOptions = { inputSize: 4, hiddenSizeList: [5, 5], outputSize: 3 };
plain('new TwoLayerNet: inputSize 0', () => new TwoLayerNet({ ...twoOptions, inputSize: 0 }), /^TwoLayerNet: inputSize must be a positive integer, got 0$/);
plain('new TwoLayerNet: hiddenSize is a string', () => new TwoLayerNet({ ...twoOptions, hiddenSize: '50' as Any }),
  /^TwoLayerNet: hiddenSize must be a positive integer, got "50"$/);
plain('new TwoLayerNet: weightInitStd -1', () => new TwoLayerNet({ ...twoOptions, weightInitStd: -1 }),
  /^TwoLayerNet: weightInitStd must be a finite number >= 0, got -1$/);
plain('new TwoLayerNet: seed is a string', () => new TwoLayerNet({ ...twoOptions, seed: 'abc' as Any }), /^TwoLayerNet: seed must be a finite number, got "abc"$/);
plain('new TwoLayerNet: no options at all', () => new (TwoLayerNet as Any)(),
  /^TwoLayerNet: expected an options object \{ inputSize, hiddenSize, outputSize, weightInitStd\?, seed\? \}, got undefined$/);
plain('new MultiLayerNet: options is null', () => new MultiLayerNet(null as Any), /^MultiLayerNet: expected an options object, got null$/);
plain('new MultiLayerNet: hiddenSizeList is a number', () => new MultiLayerNet({ ...mlpOptions, hiddenSizeList: 100 as Any }),
  /^MultiLayerNet: hiddenSizeList must be an array of positive integers, got 100$/);
plain('new MultiLayerNet: an unknown activation', () => new MultiLayerNet({ ...mlpOptions, activation: 'softplus' as Any }),
  /^MultiLayerNet: activation must be one of relu, sigmoid, tanh, leakyrelu, elu, got "softplus"$/);
plain('new MultiLayerNet: an unknown weightInitStd name', () => new MultiLayerNet({ ...mlpOptions, weightInitStd: 'lecun' as Any }),
  /^MultiLayerNet: weightInitStd must be a number or one of 'xavier', 'sigmoid', 'he', 'relu', got "lecun"$/);
plain('new MultiLayerNet: weightDecayLambda NaN', () => new MultiLayerNet({ ...mlpOptions, weightDecayLambda: NaN }),
  /^MultiLayerNet: weightDecayLambda must be a finite number >= 0, got NaN$/);
plain('new MultiLayerNet: outputSize 2.5', () => new MultiLayerNet({ ...mlpOptions, outputSize: 2.5 }), /^MultiLayerNet: outputSize must be a positive integer, got 2\.5$/);
plain('new MultiLayerNet: seed NaN', () => new MultiLayerNet({ ...mlpOptions, seed: NaN }), /^MultiLayerNet: seed must be a finite number, got NaN$/);
plain('new MultiLayerNetExtend: dropoutRatio 1.5', () => new MultiLayerNetExtend({ ...mlpOptions, useDropout: true, dropoutRatio: 1.5 }),
  /^MultiLayerNetExtend: dropoutRatio must be a number in \[0, 1\), got 1\.5$/);
plain('new MultiLayerNetExtend: useBatchnorm is the string "no" (truthy)', () => new MultiLayerNetExtend({ ...mlpOptions, useBatchnorm: 'no' as Any }),
  /^MultiLayerNetExtend: useBatchnorm must be a boolean, got "no"$/);
plain('new SimpleConvNet: inputDim with two entries', () => new SimpleConvNet({ inputDim: [1, 28] as Any }),
  /^SimpleConvNet: inputDim must be \[C, H, W\] \(three positive integers\), got \[1,28\]$/);
plain('new SimpleConvNet: convParam is null', () => new SimpleConvNet({ convParam: null as Any }),
  /^SimpleConvNet: convParam must be \{ filterNum, filterSize, pad, stride \}, got null$/);
plain('new SimpleConvNet: convParam.stride 0', () => new SimpleConvNet({ convParam: { filterNum: 4, filterSize: 5, pad: 0, stride: 0 } }),
  /^SimpleConvNet: convParam\.stride must be an integer >= 1, got 0$/);
plain('new SimpleConvNet: a filter larger than the image (names the layer and its input)',
  () => new SimpleConvNet({ inputDim: [1, 4, 4], convParam: { filterNum: 4, filterSize: 5, pad: 0, stride: 1 } }),
  /^SimpleConvNet: layer 1 \(conv2d\), input \(1, 4, 4\): the 5×5 window is larger than the padded 4×4 input$/);
plain('new SimpleConvNet: hiddenSize 0', () => new SimpleConvNet({ hiddenSize: 0 }), /^SimpleConvNet: hiddenSize must be a positive integer, got 0$/);
plain('new DeepConvNet: five convolution settings', () => new DeepConvNet({ convParams: Array(5).fill({ filterNum: 4, filterSize: 3, pad: 1, stride: 1 }) }),
  /^DeepConvNet: expected 6 convolution settings in convParams, got 5$/);
plain('new DeepConvNet: dropoutRatio 1 (was checked only after the convolutions were allocated)', () => new DeepConvNet({ dropoutRatio: 1 }),
  /^DeepConvNet: dropoutRatio must be a number in \[0, 1\), got 1$/);
plain('new DeepConvNet: outputSize 0', () => new DeepConvNet({ outputSize: 0 }), /^DeepConvNet: outputSize must be a positive integer, got 0$/);
plain('new DeepConvNet: a convolution with stride 0', () => new DeepConvNet({ convParams: Array(6).fill({ filterNum: 4, filterSize: 3, pad: 1, stride: 0 }) }),
  /^DeepConvNet: convParams\[0\]\.stride must be an integer >= 1, got 0$/);
plain('new DeepConvNet: 1×1 images (no room for the first pooling)', () => new DeepConvNet({ inputDim: [1, 1, 1] }),
  /^DeepConvNet: layer 5 \(maxPool2d\), input \(16, 1, 1\): the 2×2 window is larger than the padded 1×1 input$/);

// Optimizer constructors.
plain('new SGD: lr -1', () => new SGD({ lr: -1 }), /^SGD: lr must be a positive number, got -1$/);
plain('new SGD: lr is a string', () => new SGD({ lr: '0.1' as Any }), /^SGD: lr must be a positive number, got "0\.1"$/);
plain('new SGD: options is null', () => new SGD(null as Any), /^SGD: expected an options object \{ lr \}, got null$/);
plain('new Momentum: momentum 1', () => new Momentum({ momentum: 1 }), /^Momentum: momentum must be a number in \[0, 1\), got 1$/);
plain('new Nesterov: momentum -0.1', () => new Nesterov({ momentum: -0.1 }), /^Nesterov: momentum must be a number in \[0, 1\), got -0\.1$/);
plain('new AdaGrad: lr 0', () => new AdaGrad({ lr: 0 }), /^AdaGrad: lr must be a positive number, got 0$/);
plain('new RMSprop: decayRate 1', () => new RMSprop({ decayRate: 1 }), /^RMSprop: decayRate must be a number in \[0, 1\), got 1$/);
plain('new Adam: beta1 NaN', () => new Adam({ beta1: NaN }), /^Adam: beta1 must be a number in \[0, 1\), got NaN$/);
plain('new Adam: a misspelt option (learningRate)', () => new Adam({ learningRate: 0.1 } as Any), /^Adam: unknown option 'learningRate'; expected 'lr', 'beta1', 'beta2'$/);
plain('createOptimizer: an unknown name', () => createOptimizer('adadelta'),
  /^createOptimizer: unknown optimizer "adadelta"; expected one of SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam$/);
plain('createOptimizer: a bad lr for Adam', () => createOptimizer('Adam', { lr: -1 }), /^Adam: lr must be a positive number, got -1$/);

// ---------------------------------------------------------------------------------------------
// Optimizer updates. The behaviour check makes one good update after the error and compares with
// a twin: velocities, squared sums, moments and Adam's step count must not have moved.

interface OptCase { opt: Optimizer; params: Record<string, Tensor>; grads: Record<string, Tensor> }
const optCase = (make: () => Optimizer) => (): OptCase => {
  const opt = make();
  const params = { W: tensor(vals(6, 1), [2, 3]), b: tensor(vals(3, 2)) };
  const grads = { W: tensor(vals(6, 3), [2, 3]), b: tensor(vals(3, 4)) };
  opt.update(params, grads); // state exists (velocity, moments, t = 1)
  return { opt, params, grads };
};
const optThen = ({ opt, params, grads }: OptCase) => (opt.update(params, grads), arrays(params));
const optRow = (what: string, make: () => Optimizer, call: (c: OptCase) => () => unknown, error: RegExp) =>
  row({ what, setup: optCase(make), call, error, state: ({ params, opt }) => ({ params: arrays(params), lr: opt.lr }), then: optThen });

optRow('SGD.update: grads without b', () => new SGD({ lr: 0.1 }), ({ opt, params, grads }) => () => opt.update(params, { W: grads.W }),
  /^SGD\.update: grads has no 'b' \(params has \[W, b\], grads has \[W\]\)$/);
optRow('Momentum.update: grads with an extra entry', () => new Momentum({ lr: 0.1 }), ({ opt, params, grads }) => {
  const c = zeros([1]);
  return () => opt.update(params, { ...grads, c });
}, /^Momentum\.update: grads has 'c', which params does not$/);
optRow('Adam.update: grads.b of the wrong shape (moments and t stay)', () => new Adam({ lr: 0.1 }), ({ opt, params, grads }) => {
  const b = zeros([4]);
  return () => opt.update(params, { ...grads, b });
}, /^Adam\.update: grads\.b is \(4,\) but params\.b is \(3,\)$/);
optRow('RMSprop.update: a gradient given as a plain array', () => new RMSprop({ lr: 0.1 }),
  ({ opt, params, grads }) => () => opt.update(params, { ...grads, b: [1, 2, 3] as Any }),
  /^RMSprop\.update: grads\.b: expected a Tensor, got an array of length 3$/);
optRow('AdaGrad.update: params is null', () => new AdaGrad({ lr: 0.1 }), ({ opt, grads }) => () => opt.update(null as Any, grads),
  /^AdaGrad\.update: params must be an object of tensors, got null$/);
optRow('Nesterov.update: a disposed gradient', () => new Nesterov({ lr: 0.1 }), ({ opt, params, grads }) => {
  const W = grads.W.clone();
  W.dispose();
  return () => opt.update(params, { ...grads, W });
}, /^Nesterov\.update: grads\.W: the Tensor\(2, 3\) was disposed$/);
optRow('SGD.update: grads is undefined', () => new SGD({ lr: 0.1 }), ({ opt, params }) => () => opt.update(params, undefined as Any),
  /^SGD\.update: grads must be an object of tensors, got undefined$/);
row({
  what: 'Momentum.update: lr set to NaN (by a schedule) is refused before anything moves',
  setup: optCase(() => new Momentum({ lr: 0.1 })),
  call: (c) => {
    c.opt.lr = NaN;
    return () => c.opt.update(c.params, c.grads);
  },
  error: /^Momentum\.update: lr must be a finite number >= 0, got NaN$/,
  state: ({ params }) => arrays(params),
  then: (c) => ((c.opt.lr = 0.1), optThen(c)),
});

// ---------------------------------------------------------------------------------------------
// Tensors and the functions on them.

plain('tensor: 3 values for shape (2, 2)', () => tensor([1, 2, 3], [2, 2]), /^tensor: shape \(2, 2\) needs 4 values, got 3$/);
plain('tensor: a string among the values', () => tensor([1, 'a'] as Any), /^tensor: expected numbers, got "a" at index 1$/);
plain('tensor: null', () => tensor(null as Any), /^tensor: expected an array or typed array of numbers, got null$/);
plain('tensor: an object with a length but no values', () => tensor({ length: 2 } as Any), /^tensor: expected numbers, got undefined at index 0$/);
plain('zeros: a negative dimension', () => zeros([2, -1]), /^empty: shape dimensions must be non-negative integers, got \[2, -1\]$/);
plain('zeros: the shape is a string', () => zeros('3' as Any), /^empty: expected a shape \(array of non-negative integers\), got "3"$/);
plain('full: the fill value is a string', () => full([2], 'x' as Any), /^full: expected a number to fill with, got "x"$/);
plain('randn: rng is not a generator (was allocated before failing)', () => randn([2], 'rng' as Any), /^randn: rng must be a generator from createRng\(seed\), got "rng"$/);
row({ what: 'Tensor.reshape: 6 elements into (4, 2)', setup: () => tensor(vals(6), [2, 3]), state: (t) => [t.shape, t.toArray()],
  call: (t) => () => t.reshape([4, 2]), error: /^Tensor\(2, 3\)\.reshape: cannot reshape 6 elements into \[4, 2\]$/ });
row({ what: 'Tensor.data: after dispose', setup: () => zeros([3]),
  call: (t) => (t.dispose(), () => t.data), error: /^Tensor\(3,\): used after dispose\(\)$/ });
fn('matmul: inner dimensions differ', () => {
  const a = zeros([2, 3]), b = zeros([2, 3]);
  return () => matmul(a, b);
}, /^matmul: inner dimensions differ: a is \(2, 3\), b is \(2, 3\)$/);
plain('matmul: plain arrays', () => matmul([[1]] as Any, [[1]] as Any), /^matmul: a: expected a Tensor, got an array of length 1$/);
interface GemmCase { a: Tensor; b: Tensor; c: Tensor }
const gemmCase = (m: number): GemmCase => ({ a: ones([2, m]), b: ones([m, 3]), c: tensor(vals(4), [2, 2]) });
row({ what: 'gemm: c of the wrong shape', setup: () => gemmCase(3), state: ({ c }) => c.toArray(),
  call: ({ a, b, c }) => () => gemm(a, b, c), error: /^gemm: c must be \(2, 3\) for a\(2, 3\) · b\(3, 3\), got \(2, 2\)$/ });
row({ what: 'gemm: alpha NaN', setup: () => ({ a: ones([2, 2]), b: ones([2, 2]), c: tensor(vals(4), [2, 2]) }), state: ({ c }) => c.toArray(),
  call: ({ a, b, c }) => () => gemm(a, b, c, { alpha: NaN }), error: /^gemm: alpha must be a finite number, got NaN$/ });
fn('im2col: a 3-D x', () => {
  const x = zeros([1, 4, 4]);
  return () => im2col(x, 2, 2);
}, /^im2col: expected an \(N, C, H, W\) input with every dimension >= 1, got \(1, 4, 4\)$/);
fn('col2im: col of the wrong shape', () => {
  const col = zeros([4, 5]);
  return () => col2im(col, [1, 1, 3, 3], 2, 2);
}, /^col2im: col must be \(4, 4\) for input \(1, 1, 3, 3\), got \(4, 5\)$/);
fn('numericalGradient: f is not a function', () => {
  const x = zeros([2]);
  return () => numericalGradient(3 as Any, x);
}, /^numericalGradient: f must be a function, got number$/);

// ---------------------------------------------------------------------------------------------
// Data: IDX files, MNIST, mini-batches, standardization.

const idxRow = (what: string, bytes: () => unknown, error: RegExp) => row({
  what, setup: bytes, call: (b) => () => parseIdx(b as Uint8Array, 'file'), error,
  state: (b) => (b instanceof Uint8Array ? Array.from(b) : b),
});
idxRow('parseIdx: data cut short', () => idx([2, 28, 28]).subarray(0, 16 + 1000),
  /^parseIdx\(file\): truncated: header declares 2×28×28 = 1568 data bytes, file has 1000 after the 16-byte header$/);
idxRow('parseIdx: header cut short', () => idx([2, 28, 28]).subarray(0, 10),
  /^parseIdx\(file\): truncated header: 3 dimensions need a 16-byte header, file has 10 bytes$/);
idxRow('parseIdx: a gzip file (not yet decompressed)', () => new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
  /^parseIdx\(file\): bad magic number: expected two zero bytes, found 0x1F 0x8B \(not an IDX file\?\)$/);
idxRow('parseIdx: float data (type 0x0D)', () => idx([2], [0, 0, 0, 0, 0, 0, 0, 0], 0x0d),
  /^parseIdx\(file\): unsupported data type 0x0D \(float\): only 0x08 \(unsigned byte\) is supported$/);
idxRow('parseIdx: trailing bytes', () => idx([2], [1, 2, 3]),
  /^parseIdx\(file\): trailing bytes: header declares 2 data bytes, file has 3 after the 8-byte header$/);
idxRow('parseIdx: zero dimensions', () => new Uint8Array([0, 0, 8, 0]), /^parseIdx\(file\): expected 1 to 4 dimensions, header declares 0$/);
idxRow('parseIdx: a plain array of bytes', () => [0, 0, 8, 1, 0, 0, 0, 0], /^parseIdx\(file\): expected a Uint8Array, got an array of length 8$/);

const mnistFiles = () => ({ trainImages: idx([2, 28, 28]), trainLabels: idx([2], [3, 4]), testImages: idx([1, 28, 28]), testLabels: idx([1], [5]) });
plain('loadMnist: a label of 10 in the test labels', () => loadMnist({ files: { ...mnistFiles(), testLabels: idx([1], [10]) } }),
  /^loadMnist: t10k-labels-idx1-ubyte: label 0 is 10, expected a class in 0\.\.9$/);
plain('loadMnist: normalize is a string', () => loadMnist({ files: mnistFiles(), normalize: 'yes' as Any }),
  /^loadMnist: option normalize must be a boolean, got "yes"$/);
plain('loadMnist: a missing file', () => loadMnist({ files: { ...mnistFiles(), trainLabels: undefined } as Any }),
  /^loadMnist: files\.trainLabels must be a Uint8Array with the bytes of train-labels-idx1-ubyte, got undefined$/);
plain('loadMnist: 3 images but 2 labels', () => loadMnist({ files: { ...mnistFiles(), trainImages: idx([3, 28, 28]) } }),
  /^loadMnist: train-images-idx3-ubyte has 3 images but train-labels-idx1-ubyte has 2 labels$/);

fn('new MiniBatches: 3 samples but 2 labels', () => {
  const x = zeros([3, 4]), t = zeros([2]);
  return () => new MiniBatches(x, t, 2, createRng(1));
}, /^MiniBatches: x and t must have the same number N >= 1 of samples, got x \(3, 4\) and t \(2,\)$/);
fn('new MiniBatches: batchSize 0', () => {
  const x = zeros([3, 4]), t = zeros([3]);
  return () => new MiniBatches(x, t, 0, createRng(1));
}, /^MiniBatches: batchSize must be a positive integer, got 0$/);
fn('new MiniBatches: no rng (was allocated, then failed at the first sample)', () => {
  const x = zeros([3, 4]), t = zeros([3]);
  return () => new MiniBatches(x, t, 2, undefined as Any);
}, /^MiniBatches: rng must be a generator from createRng\(seed\), got undefined$/);

interface StdCase { s: Standardizer; x: Tensor }
const fitted = (): StdCase => ({ s: new Standardizer().fit(tensor(vals(12), [4, 3])), x: tensor(vals(6, 2), [2, 3]) });
const stdRow = (what: string, call: (c: StdCase) => () => unknown, error: RegExp) => row({
  what, setup: fitted, call, error, state: ({ s }) => s.mean!.toArray(),
  then: ({ s, x }) => ((y) => ((v) => (y.dispose(), v))(y.toArray()))(s.transform(x)),
});
stdRow('Standardizer.transform: 4 features for 3', ({ s }) => {
  const x = zeros([2, 4]);
  return () => s.transform(x);
}, /^Standardizer\.transform: fitted on 3 features, got \(2, 4\)$/);
stdRow('Standardizer.fit: a 1-D x keeps the previous fit', ({ s }) => {
  const x = zeros([5]);
  return () => s.fit(x);
}, /^Standardizer\.fit: x must be \(N, \.\.\.features\) with N >= 1, got \(5,\)$/);
fn('Standardizer.transform: before fit', () => {
  const x = zeros([2, 3]);
  return () => new Standardizer().transform(x);
}, /^Standardizer\.transform: call fit\(\) first$/);

// ---------------------------------------------------------------------------------------------
// Saving and loading: corrupt or truncated safetensors, parameters of another architecture.

interface IoCase { net: TwoLayerNet; bytes: Uint8Array }
const ioCase = (): IoCase => ({
  net: new TwoLayerNet({ inputSize: 4, hiddenSize: 5, outputSize: 3, seed: 1 }),
  bytes: serializeParams(new TwoLayerNet({ inputSize: 4, hiddenSize: 5, outputSize: 3, seed: 2 })),
});
const ioRow = (what: string, bad: (c: IoCase) => Uint8Array, error: RegExp) =>
  row({ what, setup: ioCase, call: (c) => ((b) => () => deserializeParams(c.net, b))(bad(c)), error, state: ({ net }) => netState(net) });
ioRow('deserializeParams: the file cut short by 4 bytes', ({ bytes }) => bytes.subarray(0, bytes.length - 4),
  /^deserializeParams: not a valid safetensors file: b2: data_offsets end \d+ is past the \d+ bytes of data \(truncated\?\)$/);
ioRow('deserializeParams: only the first 20 bytes', ({ bytes }) => bytes.subarray(0, 20),
  /^deserializeParams: not a valid safetensors file: header length \d+ runs past the end of the 20-byte file \(truncated\?\)$/);
ioRow('deserializeParams: a corrupt header (its opening brace overwritten)', ({ bytes }) => {
  const corrupt = bytes.slice();
  corrupt[8] = 0x5b; // '{' -> '['
  return corrupt;
}, /^deserializeParams: not a valid safetensors file: the header is not JSON/);
ioRow('deserializeParams: four bytes after the last tensor', ({ bytes }) => new Uint8Array([...bytes, 0, 0, 0, 0]),
  /^deserializeParams: not a valid safetensors file: 4 bytes of data after the last tensor$/);
ioRow('deserializeParams: an ArrayBuffer instead of bytes', ({ bytes }) => bytes.slice().buffer as Any,
  /^deserializeParams: not a valid safetensors file: expected bytes \(Uint8Array\), got ArrayBuffer$/);
ioRow('deserializeParams: a TwoLayerNet with 6 hidden units into one with 5',
  () => serializeParams(new TwoLayerNet({ inputSize: 4, hiddenSize: 6, outputSize: 3, seed: 1 })),
  /^deserializeParams: 'W1' is \[4, 6\] in the file but \[4, 5\] in the TwoLayerNet$/);
ioRow('deserializeParams: the parameters of a MultiLayerNet',
  () => serializeParams(new MultiLayerNet({ inputSize: 4, hiddenSizeList: [5], outputSize: 3, seed: 1 })),
  /^deserializeParams: the file holds a MultiLayerNet, not a TwoLayerNet$/);
ioRow('deserializeParams: F64 data', () => {
  const json = new TextEncoder().encode(JSON.stringify({ W1: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }));
  const bytes = new Uint8Array(8 + json.length + 8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return bytes;
}, /^deserializeParams: not a valid safetensors file: W1: dtype "F64" is not supported \(only F32\)$/);
ioRow('deserializeParams: a file without b2 (and without a network name to catch it)', ({ bytes }) => {
  const { b2: _, ...rest } = deserialize(bytes).arrays;
  return serialize(rest);
}, /^deserializeParams: the file has no 'b2' \(it has W1, b1, W2\)$/);
ioRow('deserializeParams: a file whose weights hold NaN', ({ bytes }) => {
  const { arrays: a, metadata } = deserialize(bytes);
  a.W1.data[3] = NaN;
  return serialize(a, metadata);
}, /^deserializeParams: 'W1' must be finite, got NaN at index 3/);
plain('serialize: a shape that does not match the data', () => serialize({ W: { shape: [2, 2], data: new Float32Array(3) } }),
  /^serialize: W: shape \[2, 2\] needs 4 values, got 3$/);
row({ what: 'loadParams: a file that does not exist', setup: () => new TwoLayerNet({ inputSize: 4, hiddenSize: 5, outputSize: 3, seed: 1 }),
  call: (net) => () => loadParams(net, '/nonexistent/scratchnet/params.safetensors'), state: netState, io: true,
  error: /^loadParams: could not read \/nonexistent\/scratchnet\/params\.safetensors: ENOENT/ });

// ---------------------------------------------------------------------------------------------
// The Trainer, schedules and the rest.

interface TrainCase { net: Network; x: Tensor; t: Tensor; x3: Tensor }
const trainCase = (): TrainCase => ({
  net: new TwoLayerNet({ inputSize: 4, hiddenSize: 5, outputSize: 3, seed: 1 }),
  x: tensor(vals(24), [6, 4]),
  t: tensor([0, 1, 2, 0, 1, 2]),
  x3: zeros([6, 3]),
});
const trainerRow = (what: string, call: (c: TrainCase) => () => unknown, error: RegExp) =>
  row({ what, setup: trainCase, call, error, state: ({ net, x }) => ({ ...netState(net), x: x.toArray() }) });
const quiet = { epochs: 1, miniBatchSize: 2, verbose: false, seed: 1 };
trainerRow('new Trainer: epochs 0', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, epochs: 0 }),
  /^Trainer: epochs must be a positive integer, got 0$/);
trainerRow('new Trainer: epochs 1.5', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, epochs: 1.5 }),
  /^Trainer: epochs must be a positive integer, got 1\.5$/);
trainerRow('new Trainer: miniBatchSize 0', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, miniBatchSize: 0 }),
  /^Trainer: miniBatchSize must be a positive integer, got 0$/);
trainerRow('new Trainer: an unknown optimizer name', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, optimizer: 'adamw' }),
  /^createOptimizer: unknown optimizer "adamw"; expected one of SGD/);
trainerRow('new Trainer: optimizerParam with a negative lr', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, optimizerParam: { lr: -1 } }),
  /^SGD: lr must be a positive number, got -1$/);
trainerRow('new Trainer: evaluateSampleNumPerEpoch 0', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, evaluateSampleNumPerEpoch: 0 }),
  /^Trainer: evaluateSampleNumPerEpoch must be a positive integer, got 0$/);
trainerRow('new Trainer: 6 training samples but 5 labels', ({ net, x, t }) => {
  const t5 = tensor([0, 1, 2, 0, 1]);
  return () => new Trainer(net, x, t5, x, t, quiet);
}, /^Trainer: xTrain and tTrain must hold the same number N >= 1 of samples, got xTrain \(6, \d+\) and tTrain \(5,\)$/);
trainerRow('new Trainer: xTrain is null', ({ net, t }) => () => new Trainer(net, null as Any, t, t, t, quiet), /^Trainer: xTrain: expected a Tensor, got null$/);
trainerRow('new Trainer: data with 3 features for a 4-input network',
  ({ net, x3, t }) => () => new Trainer(net, x3, t, x3, t, quiet),
  /^Trainer: xTrain has samples of shape \(3,\) but the network takes \(4,\)$/);
trainerRow('new Trainer: network is null', ({ x, t }) => () => new Trainer(null as Any, x, t, x, t, quiet),
  /^Trainer: network: expected a network .*got null$/);
trainerRow('new Trainer: options is null', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, null as Any),
  /^Trainer: expected an options object .*got null$/);
trainerRow('new Trainer: onProgress is not a function', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, onProgress: 5 as Any }),
  /^Trainer: onProgress must be a function, got 5$/);
trainerRow('new Trainer: lrSchedule is a number', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, lrSchedule: 0.1 as Any }),
  /^Trainer: lrSchedule must be a function, got 0\.1$/);
trainerRow('new Trainer: seed is a string', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, seed: 'x' as Any }),
  /^Trainer: seed must be a finite number, got "x"$/);
trainerRow('new Trainer: verbose is the string "no" (truthy: would print a progress bar)',
  ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, verbose: 'no' as Any }),
  /^Trainer: verbose must be a boolean, got "no"$/);
trainerRow('new Trainer: an optimizer object without update()', ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, optimizer: {} as Any }),
  /^Trainer: optimizer must be a name .* or an optimizer .*got Object$/);
row({
  what: 'Trainer.train: an lr schedule that returns NaN (refused before the forward pass moves the batch-norm statistics)',
  setup: (): TrainCase => ({ ...trainCase(), net: new MultiLayerNetExtend({ inputSize: 4, hiddenSizeList: [5], outputSize: 3, useBatchnorm: true, seed: 1 }) }),
  call: ({ net, x, t }) => () => new Trainer(net, x, t, x, t, { ...quiet, lrSchedule: () => NaN }).train(),
  error: /^Trainer: lrSchedule returned NaN .*expected a finite number >= 0$/,
  state: ({ net }) => netState(net),
});

plain('stepDecay: dropEvery 0', () => stepDecay({ lr: 0.1, dropEvery: 0 }), /^stepDecay: dropEvery must be a positive number, got 0$/);
plain('cosineDecay: lrMin above lr', () => cosineDecay({ lr: 0.1, epochs: 10, lrMin: 0.2 }), /^cosineDecay: lrMin must be in \[0, lr\], got 0\.2$/);
plain('createRng: a string seed', () => createRng('x' as Any), /^createRng: expected a finite number as seed, got x$/);
plain('setBackend: an unknown backend', () => setBackend('cuda' as Any), /^setBackend: expected 'wasm' or 'js', got "cuda"$/);

// ---------------------------------------------------------------------------------------------

beforeAll(() => init());
afterAll(() => setBackend('wasm'));

test('the table has at least 60 bad inputs, each described once', () => {
  expect(rows.length).toBeGreaterThanOrEqual(60);
  expect(new Set(rows.map((r) => r.what)).size).toBe(rows.length);
});

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  // Huge but finite inputs (whose squares overflow float32) are not bad input.
  test('not bad input: finite values whose squares overflow float32 (|x| = 1e30) pass the finiteness check', () => {
    const { net, t } = two();
    const x = tensor(poke(vals(8), 3, 1e30), [2, 4]);
    expect(() => net.loss(x, t)).not.toThrow();
    const y = net.predict(x);
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
  });

  for (const r of rows) {
    test(r.what, async () => {
      const c = r.setup();
      const act = r.call(c);
      const before = r.state?.(c);
      const liveBefore = memoryStats().liveBytes;
      let error: unknown;
      try {
        await act();
      } catch (e) {
        error = e;
      }
      // NOTE: read before anything else can allocate; garbage-collected tensors are freed in
      // separate tasks, never during the synchronous part of a call or its microtasks.
      const liveAfter = memoryStats().liveBytes;
      expect(error, 'the call did not throw').toBeInstanceOf(Error);
      const kind = KIND_OF_ROW.get(r.what) ?? 'ValueError';
      expect((error as Error).name, (error as Error).message).toBe(kind); // not a TypeError from deep inside
      expect(error).toBeInstanceOf(KINDS[kind]);
      expect((error as Error).message).toMatch(r.error);
      if (!r.io) expect(liveAfter - liveBefore, 'live bytes changed').toBe(0);
      if (r.state) expect(r.state(c)).toEqual(before);
      if (r.then) expect(r.then(c)).toEqual(r.then(r.setup()));
    });
  }
});
