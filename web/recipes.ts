// The demo's networks and how each one trains (the page's "Network" choice).
import { DeepConvNet, layers, Sequential, SimpleConvNet, TwoLayerNet, type LayerSpec } from 'scratchnet';
import type { ModelName } from './protocol.js';

export interface Recipe {
  description: string;
  inputShape: number[];
  /** Accuracies are measured on the first evalSize train and test images. */
  evalSize: number;
  /** A network with the sizes of the given parameter shapes, or the default one. */
  network(shapes?: Record<string, number[]>): Sequential;
}

// The book's recipes: train_neuralnet.py (784-50-10, SGD lr 0.1) and train_convnet.py (Adam
// lr 0.001, accuracy on 1 000 samples, since a forward pass over 10 000 costs as much as 100
// training iterations).
export const RECIPES: Record<ModelName, Recipe> = {
  TwoLayerNet: {
    description: 'TwoLayerNet 784-50-10 (Affine-ReLU-Affine)',
    inputShape: [784],
    evalSize: 10_000,
    network: (shapes) => new TwoLayerNet({
      inputSize: 784, hiddenSize: shapes?.W1?.[1] ?? 50, outputSize: 10, seed: 0,
    }),
  },
  SimpleConvNet: {
    description: 'SimpleConvNet (conv 30×5×5-ReLU-pool-Affine 100-ReLU-Affine)',
    inputShape: [1, 28, 28],
    evalSize: 1_000,
    network: (shapes) => new SimpleConvNet({
      convParam: { filterNum: shapes?.W1?.[0] ?? 30, filterSize: shapes?.W1?.[2] ?? 5, pad: 0, stride: 1 },
      hiddenSize: shapes?.W2?.[1] ?? 100, seed: 0,
    }),
  },
  // deep_convnet.py's chapter-8 network: six 3×3 convolutions, Adam lr 0.001
  DeepConvNet: {
    description: 'DeepConvNet (6 conv 3×3, 3 pools, Affine 50, dropout, Affine)',
    inputShape: [1, 28, 28],
    evalSize: 1_000,
    network: () => new DeepConvNet({ seed: 0 }),
  },
  Sequential: {
    description: 'Sequential of your layers and a dense layer of 10',
    inputShape: [1, 28, 28],
    evalSize: 1_000,
    network: () => {
      throw new Error('a Sequential is built from its layers (customNetwork)');
    },
  },
};

/** The user's layers on MNIST images, then the 10 class scores. */
export const customNetwork = (specs: LayerSpec[] = []): Sequential =>
  new Sequential({ inputShape: [1, 28, 28], layers: [...specs, layers.dense({ units: 10 })], seed: 0 });
