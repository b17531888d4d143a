// Messages between the page (main.ts) and the training worker (worker.ts).

export type ModelName = 'TwoLayerNet' | 'SimpleConvNet';

export type ToWorker =
  /** Replace the network by a fresh one of this kind (stops training). */
  | { type: 'reset'; model: ModelName }
  | { type: 'start' }
  | { type: 'stop' }
  /** A drawing as RGBA pixels (a canvas's ImageData), to be made MNIST-like and classified. */
  | { type: 'predict'; rgba: Uint8ClampedArray; width: number; height: number }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array; fileName: string };

/** The first-layer weights as images, each `width`×`height`, concatenated. */
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
  | { type: 'ready'; model: ModelName; description: string; trainSize: number; testSize: number; threads: number }
  /** Losses of the iterations since the last message, and the training speed over them. */
  | { type: 'progress'; iteration: number; iterations: number[]; losses: number[]; imagesPerSecond: number }
  | { type: 'evaluation'; iteration: number; trainAcc: number; testAcc: number; evalSize: number }
  | { type: 'filters'; filters: Filters }
  | { type: 'running'; running: boolean }
  /** The 28×28 input the drawing became, and the network's class probabilities for it. */
  | { type: 'prediction'; pixels: Float32Array; probabilities: number[] }
  | { type: 'saved'; bytes: Uint8Array; fileName: string }
  | { type: 'loaded'; model: ModelName; fileName: string; iteration: number }
  | { type: 'error'; message: string };
