// `scratchnet eval`: the test accuracy of a saved model on MNIST's test set.
import { Command } from 'commander';
import { init } from '../backend/runtime.js';
import type { Network } from '../networks/network.js';
import { rowsView, type Tensor } from '../tensor.js';
import { createProgress } from '../training/progress.js';
import { loadMnistSamples, TEST_SAMPLES } from './mnist.js';
import { loadModelFile } from './model-file.js';
import { integerIn } from './options.js';

// Images per progress step: small enough for a live bar on the deep network (about 1 s each).
const CHUNK = 500;

export function evalCommand(): Command {
  return new Command('eval')
    .description("a model file's accuracy on the MNIST test set")
    .argument('<file>', 'a model file written by `scratchnet train`')
    .option('--test-size <n>', `the first n of the ${TEST_SAMPLES} test images`, integerIn(1, TEST_SAMPLES), TEST_SAMPLES)
    .action(async (file: string, o: { testSize: number }) => {
      await init();
      const { model, network } = await loadModelFile(file);
      const { xTest, tTest } = await loadMnistSamples({ testSize: o.testSize });
      const correct = await countCorrect(network, xTest, tTest);
      console.log(`${file} (${model}): test accuracy ${(correct / o.testSize).toFixed(4)} (${correct} of ${o.testSize} images)`);
    });
}

// network.accuracy over chunks of the set, with a progress bar.
async function countCorrect(network: Network, x: Tensor, t: Tensor): Promise<number> {
  const n = x.shape[0];
  const progress = await createProgress('eval', n);
  let correct = 0;
  try {
    for (let start = 0; start < n; start += CHUNK) {
      const count = Math.min(CHUNK, n - start);
      const [xs, ts] = [rowsView(x, start, count), rowsView(t, start, count)];
      correct += Math.round(network.accuracy(xs, ts) * count);
      xs.dispose();
      ts.dispose();
      progress.update(start + count);
    }
  } finally {
    progress.stop();
  }
  return correct;
}
