// Messages between the page (main.ts) and the training worker (worker.ts).
import type { LayerSpec, OptimizerName } from 'scratchnet';

/** The book's networks, or a Sequential of the user's layers. */
export type ModelName = 'TwoLayerNet' | 'SimpleConvNet' | 'DeepConvNet' | 'Sequential';

/** How the network trains: the optimizer, its lr, and the mini-batch size. */
export interface Training { optimizer: OptimizerName; lr: number; batch: number }

/** How the book trains each network: the page's optimizer, lr and batch size start here. */
export const BOOK_TRAINING: Record<ModelName, Training> = {
  TwoLayerNet: { optimizer: 'SGD', lr: 0.1, batch: 100 }, // train_neuralnet.py
  SimpleConvNet: { optimizer: 'Adam', lr: 0.001, batch: 100 }, // train_convnet.py
  DeepConvNet: { optimizer: 'Adam', lr: 0.001, batch: 100 }, // train_deepnet.py
  Sequential: { optimizer: 'Adam', lr: 0.001, batch: 100 },
};

export type ToWorker =
  /** Replace the network by a fresh one of this kind (stops training); a Sequential is built from
   *  `layers` (one sample's input is [1, 28, 28]) and a dense layer of 10 units after them. */
  | { type: 'reset'; model: ModelName; layers?: LayerSpec[]; training: Training }
  /** New training settings for the network as it is (an lr at once; a new optimizer or batch size
   *  from the next step on, the optimizer's state fresh). */
  | { type: 'training'; training: Training }
  /** The test image whose every layer the page shows. */
  | { type: 'probe'; index: number }
  | { type: 'start' }
  | { type: 'stop' }
  /** A drawing as RGBA pixels (a canvas's ImageData), to be made MNIST-like and classified. */
  | { type: 'predict'; rgba: Uint8ClampedArray; width: number; height: number }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array; fileName: string };

/** Images of one size, each `width`×`height`, concatenated: the first-layer weights, or a
 *  layer's feature maps. */
export interface Filters {
  /** What the images show, for the page to say. */
  caption: string;
  count: number;
  width: number;
  height: number;
  data: Float32Array;
}

export type FromWorker =
  /** Data loaded (or a network replaced): what the page says about the setup. */
  | { type: 'ready'; model: ModelName; description: string; trainSize: number; testSize: number; threads: number; isolated: boolean }
  /** Losses of the iterations since the last message, and the training speed over them. */
  | { type: 'progress'; iteration: number; iterations: number[]; losses: number[]; imagesPerSecond: number }
  | { type: 'evaluation'; iteration: number; trainAcc: number; testAcc: number; evalSize: number }
  | { type: 'filters'; filters: Filters }
  | { type: 'running'; running: boolean }
  /** The 28×28 input the drawing became, the network's class probabilities for it, and the
   *  feature maps (N, C, H, W outputs) of each layer it passed through, the first channels of each. */
  | { type: 'prediction'; pixels: Float32Array; probabilities: number[]; maps: Filters[] }
  /** Test images (28×28 each) the network got wrong at the last evaluation, with their labels and its answers. */
  | { type: 'mistakes'; images: Float32Array; labels: number[]; predicted: number[]; of: number }
  /** Every layer's output for test image `index` (image-shaped outputs as maps, vectors as a strip),
   *  and every convolution layer's filters (their first input channel). */
  | { type: 'inside'; index: number; label: number; pixels: Float32Array; maps: Filters[]; filters: Filters[] }
  /** The first test images with the network's answers. */
  | { type: 'predictions'; images: Float32Array; labels: number[]; predicted: number[] }
  | { type: 'saved'; bytes: Uint8Array; fileName: string }
  | { type: 'loaded'; model: ModelName; fileName: string; iteration: number }
  | { type: 'error'; message: string };
