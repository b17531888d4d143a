// The book's misclassified_mnist.py (chapter 8): the test images a trained network gets wrong,
// drawn with their true and predicted labels. The book loads a trained DeepConvNet; here a
// SimpleConvNet trains for a few epochs (Adam lr 0.001, batch 100), or any saved model is loaded
// (--model FILE, from saveModel or `scratchnet train --save`). Prints the accuracy, the first
// misclassified images (test index, true label, prediction) and the most frequent confusions.
// Fails (exit code 1) when a trained network misses its accuracy target.
//   node out/examples/misclassified_mnist.js [--model FILE] [--epochs 3] [--count 40] [--seed N] [--out DIR] [--quick]
import { init, loadMnist, loadModel, SimpleConvNet, Trainer, type Network, type Tensor } from 'scratchnet';
import { imageGrid } from 'scratchnet/plot';
import { parseExperimentArgs, positiveIntegerOption } from './cli.js';
import { saveFigure } from './plot.js';
import { rowRange } from './rows.js';

const { values, seed } = parseExperimentArgs({ model: { type: 'string' }, epochs: { type: 'string' }, count: { type: 'string' } });
const v = values as { quick: boolean; out: string; model?: string; epochs?: string; count?: string };
// --quick: 2 epochs on the first 2 000 training images (40 iterations), tested on 1 000 images
const epochs = positiveIntegerOption('--epochs', v.epochs, v.quick ? 2 : 3);
const count = positiveIntegerOption('--count', v.count, 40);
const trainSize = v.quick ? 2000 : 60000, testSize = v.quick ? 1000 : 10000;
const TARGET = v.quick ? 0.5 : 0.98; // SimpleConvNet's test accuracy after training
const BATCH = 500; // test images per prediction (a convolution's im2col buffer grows with the batch)

await init();
const { xTrain, tTrain, xTest, tTest } = await loadMnist({ flatten: false, trainSize, testSize });

let network: Network;
if (v.model) {
  network = await loadModel(v.model);
  console.log(`loaded ${v.model}`);
} else {
  network = new SimpleConvNet({ seed });
  const trainer = new Trainer(network, xTrain, tTrain, xTest, tTest, {
    epochs, miniBatchSize: 100, optimizer: 'Adam', optimizerParam: { lr: 0.001 }, evaluateSampleNumPerEpoch: 1000,
    verbose: false, seed: seed + 1,
  });
  await trainer.train();
  trainer.optimizer.dispose();
  console.log(`SimpleConvNet trained for ${epochs} epoch${epochs > 1 ? 's' : ''} on ${trainSize} images (Adam lr 0.001, seed ${seed})`);
}

/** The predicted class of every test image, a batch at a time. */
function classify(x: Tensor): number[] {
  const predicted: number[] = [];
  for (let start = 0; start < x.shape[0]; start += BATCH) {
    const batch = rowRange(x, start, Math.min(start + BATCH, x.shape[0]));
    const y = network.predict(batch);
    const [n, classes] = y.shape, scores = y.data;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (scores[i * classes + c] > scores[i * classes + best]) best = c;
      predicted.push(best);
    }
    batch.dispose();
  }
  return predicted;
}
const predicted = classify(xTest);
const labels = tTest.toArray();
const wrong = labels.flatMap((t, i) => (predicted[i] === t ? [] : [i]));
const accuracy = 1 - wrong.length / labels.length;
console.log(`test accuracy ${accuracy.toFixed(4)}: ${wrong.length} of ${labels.length} test images misclassified`);

const shown = wrong.slice(0, count);
console.log(`the first ${shown.length} (test index: true → predicted):`);
for (const i of shown) console.log(`  ${i}: ${labels[i]} → ${predicted[i]}`);
const pairs = new Map<string, number>();
for (const i of wrong) pairs.set(`${labels[i]} → ${predicted[i]}`, (pairs.get(`${labels[i]} → ${predicted[i]}`) ?? 0) + 1);
const frequent = [...pairs].sort((a, b) => b[1] - a[1]).slice(0, 5);
console.log(`most frequent confusions: ${frequent.map(([pair, n]) => `${pair} (${n})`).join(', ')}`);

if (shown.length > 0) {
  const pixels = 28 * 28, images = new Float32Array(shown.length * pixels), data = xTest.data;
  shown.forEach((i, k) => images.set(data.subarray(i * pixels, (i + 1) * pixels), k * pixels));
  const chart = imageGrid({ data: images, shape: [shown.length, 28, 28] }, {
    title: `misclassified test images: true → predicted (${wrong.length} of ${labels.length} wrong, accuracy ${accuracy.toFixed(4)})`,
    columns: 10, scale: 3, normalize: [0, 1], invert: true, labels: shown.map((i) => `${labels[i]} → ${predicted[i]}`),
  });
  const files = await saveFigure(chart, 'misclassified_mnist', v.out);
  console.log(`figure: ${files.png}`);
}
network.dispose();

if (!v.model) {
  console.log(`accuracy target ≥ ${TARGET}: ${accuracy >= TARGET ? 'met' : 'MISSED'}`);
  if (accuracy < TARGET) process.exitCode = 1;
}
