// MNIST for the commands: the first trainSize training and testSize test samples, as images
// (N, 1, 28, 28), which every model takes (the fully connected ones flatten them).
import { loadMnist, type Mnist } from '../data/mnist.js';

export const TRAIN_SAMPLES = 60000;
export const TEST_SAMPLES = 10000;

export async function loadMnistSamples({ trainSize = TRAIN_SAMPLES, testSize = TEST_SAMPLES } = {}): Promise<Mnist> {
  return loadMnist({ flatten: false, trainSize, testSize });
}
