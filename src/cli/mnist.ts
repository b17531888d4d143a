// MNIST for the commands: the first trainSize training and testSize test samples, as images
// (N, 1, 28, 28), which every model takes (the fully connected ones flatten them).
import { loadMnist, type Mnist } from '../data/mnist.js';
import { rowsView } from '../tensor.js';

export const TRAIN_SAMPLES = 60000;
export const TEST_SAMPLES = 10000;

export async function loadMnistSamples({ trainSize = TRAIN_SAMPLES, testSize = TEST_SAMPLES } = {}): Promise<Mnist> {
  const { xTrain, tTrain, xTest, tTest } = await loadMnist({ flatten: false });
  // views of the first rows, no copies: the process ends with the command
  return {
    xTrain: rowsView(xTrain, 0, trainSize), tTrain: rowsView(tTrain, 0, trainSize),
    xTest: rowsView(xTest, 0, testSize), tTest: rowsView(tTest, 0, testSize),
  };
}
