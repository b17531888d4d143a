// The networks the command line knows, by the name a user types, with the options it builds each
// with and the book's training recipe for it (chapters 5-8).
import type { Sequential } from '../networks/sequential.js';
import { DeepConvNet } from '../networks/deep-conv-net.js';
import { MultiLayerNet } from '../networks/multi-layer-net.js';
import { SimpleConvNet } from '../networks/simple-conv-net.js';
import { TwoLayerNet } from '../networks/two-layer-net.js';
import type { OptimizerName } from '../optimizers/registry.js';

export interface Model {
  /** The network's constructor options. */
  options: Record<string, unknown>;
  create(options: Record<string, unknown>): Sequential;
  optimizer: Lowercase<OptimizerName>;
  lr: number;
  epochs: number;
  /** Train and test samples the per-epoch accuracies are measured on (all when absent): the
   *  convolutional networks' evaluation of 60 000 images would cost more than the epoch. */
  evalSamples?: number;
}

// NOTE: the `as never` casts: the options come from JSON, and every constructor checks them itself.
export const MODELS: Record<string, Model> = {
  // train_neuralnet.py: 784-50-10, SGD lr 0.1, 10 000 iterations of 100 (about 17 epochs)
  'two-layer': {
    options: { inputSize: 784, hiddenSize: 50, outputSize: 10 },
    create: (o) => new TwoLayerNet(o as never),
    optimizer: 'sgd', lr: 0.1, epochs: 17,
  },
  // optimizer_compare_mnist.py: four hidden layers of 100, ReLU, He init; its Adam at lr 0.001
  'multi-layer': {
    options: { inputSize: 784, hiddenSizeList: [100, 100, 100, 100], outputSize: 10 },
    create: (o) => new MultiLayerNet(o as never),
    optimizer: 'adam', lr: 0.001, epochs: 10,
  },
  // train_convnet.py: the book's SimpleConvNet, Adam lr 0.001, 20 epochs, 1 000-sample evaluations
  'simple-conv': {
    options: { inputDim: [1, 28, 28], convParam: { filterNum: 30, filterSize: 5, pad: 0, stride: 1 }, hiddenSize: 100, outputSize: 10, weightInitStd: 0.01 },
    create: (o) => new SimpleConvNet(o as never),
    optimizer: 'adam', lr: 0.001, epochs: 20, evalSamples: 1000,
  },
  // train_deepnet.py: the book's DeepConvNet, Adam lr 0.001, 20 epochs, 1 000-sample evaluations
  'deep-conv': {
    options: { inputDim: [1, 28, 28], hiddenSize: 50, outputSize: 10 },
    create: (o) => new DeepConvNet(o as never),
    optimizer: 'adam', lr: 0.001, epochs: 20, evalSamples: 1000,
  },
};

export const MODEL_NAMES = Object.keys(MODELS);
