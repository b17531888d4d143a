// The book's overfitting experiment (chapter 6.4), shared by overfit_weight_decay and
// overfit_dropout: a deep network (784-[100]×6-10, ReLU, He init) trained by SGD on only 300
// MNIST images, once as it is and once regularized, with train accuracy on the 300 images and
// test accuracy each epoch. The two scripts differ only in the regularization; the data, the
// training, the printed table and the figure are the same, so that their results compare.
import { lineChart, panels } from 'scratchnet/plot';
import { loadMnist, Trainer, type Mnist, type Network } from 'scratchnet';

export const trainSize = 300, batchSize = 100, lr = 0.01;
export const hiddenSizeList = [100, 100, 100, 100, 100, 100];

/** The first 300 training images, and all 10 000 test images; with --quick the first 2 000 test
 *  images (enough, with 40 epochs, for the overfitting to show). */
export function loadOverfittingData(quick: boolean): Promise<Mnist> {
  return loadMnist({ normalize: true, trainSize, testSize: quick ? 2000 : 10000 });
}

export interface Accuracies {
  trainAcc: number[];
  testAcc: number[];
  seconds: number;
}

/** Trains `network` (and disposes it) with the book's Trainer, recording the accuracies of every
 *  epoch. The same seed gives both runs of a script the same mini-batches. */
export async function trainRecordingAccuracies(network: Network, data: Mnist, epochs: number, seed: number): Promise<Accuracies> {
  const t0 = performance.now();
  const trainer = new Trainer(network, data.xTrain, data.tTrain, data.xTest, data.tTest,
    { epochs, miniBatchSize: batchSize, optimizer: 'SGD', optimizerParam: { lr }, verbose: false, seed: seed + 1 });
  try {
    const result = await trainer.train();
    return { trainAcc: result.trainAccList, testAcc: result.testAccList, seconds: (performance.now() - t0) / 1000 };
  } finally {
    trainer.optimizer.dispose();
    network.dispose();
  }
}

export interface OverfittingRun extends Accuracies {
  /** `name=value` in the run's `final` line, which the tests read: 'lambda=0', 'dropout=0.2'. */
  key: string;
  /** The run's panel in the figure: 'no dropout', 'weight decay λ = 0.1'. */
  legend: string;
}

/** The line that says what was trained. */
export function printSetup(testSize: number, epochs: number, seed: number): void {
  console.log(`${trainSize} train images, ${testSize} test images, 784-${hiddenSizeList.join('-')}-10 ReLU/He, ` +
    `SGD lr ${lr}, batch ${batchSize}, ${epochs} epochs, seed ${seed}`);
}

const f = (v: number) => v.toFixed(4);

/** Every `step`-th epoch (and the last): each run's train and test accuracy and their gap, under
 *  `headers` (three a run), each cell right-aligned to its `widths` entry (its header's length
 *  by default). Then a `final` line a run. */
export function printAccuracyTable(runs: OverfittingRun[], step: number, headers: string[], widths = headers.map((h) => h.length)): void {
  console.log(`epoch  ${headers.join('  ')}`);
  const epochs = runs[0].trainAcc.length;
  for (let e = 0; e < epochs; e++) {
    if (e % step !== 0 && e !== epochs - 1) continue;
    const cells = runs.flatMap((r) => [r.trainAcc[e], r.testAcc[e], r.trainAcc[e] - r.testAcc[e]]);
    console.log(`${String(e).padStart(5)}  ${cells.map((v, i) => f(v).padStart(widths[i])).join('  ')}`);
  }
  for (const r of runs) {
    const train = r.trainAcc.at(-1)!, test = r.testAcc.at(-1)!;
    console.log(`final ${r.key}: train ${f(train)} test ${f(test)} gap ${f(train - test)} ` +
      `(best test ${f(Math.max(...r.testAcc))}; ${r.seconds.toFixed(1)} s)`);
  }
}

/** The runs side by side, train and test accuracy over the epochs, each titled with its final gap. */
export function overfittingChart(runs: OverfittingRun[], regularization: string, testSize: number, seed: number): string {
  const charts = runs.map((r) => lineChart([
    { name: `train (${trainSize})`, y: r.trainAcc },
    { name: `test (${testSize})`, y: r.testAcc },
  ], {
    title: `${r.legend}: final gap ${(r.trainAcc.at(-1)! - r.testAcc.at(-1)!).toFixed(3)}`,
    xLabel: 'epochs', yLabel: 'accuracy', yDomain: [0, 1], width: 480, height: 300,
  }));
  return panels(charts, {
    title: `Overfitting on ${trainSize} MNIST images, and ${regularization} (784-${hiddenSizeList.join('-')}-10, SGD lr ${lr}, seed ${seed})`,
  });
}
