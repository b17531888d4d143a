// A fit loop as users of other frameworks write one: a Sequential trained with validation data and
// early stopping that restores the best epoch, stoppable with Ctrl-C (an AbortSignal), and its
// loss curves saved as a PNG with scratchnet/plot.
//   node out/examples/fit.js [--train-size N] [--epochs N] [--patience N] [--seconds S] [--out loss.png]
import { parseArgs } from 'node:util';
import { init, layers as L, loadMnist, Sequential, Trainer } from 'scratchnet';
import { lineChart, savePlot } from 'scratchnet/plot';
import { positiveIntegerOption } from './cli.js';

const { values } = parseArgs({ options: { 'train-size': { type: 'string' }, epochs: { type: 'string' }, patience: { type: 'string' }, seconds: { type: 'string' }, out: { type: 'string', default: 'output/fit-loss.png' } } });
await init();
const { xTrain, tTrain, xTest, tTest } = await loadMnist({ flatten: false, trainSize: positiveIntegerOption('--train-size', values['train-size'], 10000) });
const net = new Sequential({
  inputShape: [1, 28, 28], seed: 0,
  layers: [L.conv2d({ filters: 8, kernelSize: 3 }), L.relu(), L.maxPool2d({ size: 2 }), L.dense({ units: 64 }), L.relu(), L.dense({ units: 10 })],
});
const trainLoss: number[] = [];
const stop = new AbortController();
const trainer = new Trainer(net, xTrain, tTrain, xTest, tTest, {
  epochs: positiveIntegerOption('--epochs', values.epochs, 30), optimizer: 'Adam', optimizerParam: { lr: 0.001 }, seed: 1,
  validationSplit: 0.1, earlyStopping: { monitor: 'valLoss', patience: positiveIntegerOption('--patience', values.patience, 2), restoreBest: true },
  sampling: 'epoch-shuffle', evaluateAt: 'epoch-end', signal: stop.signal, verbose: false,
  onEpochEnd: (m) => {
    trainLoss.push(m.trainLoss);
    console.log(`epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)}, val loss ${m.valLoss!.toFixed(4)}, val acc ${m.valAcc!.toFixed(4)}`);
  },
});
process.once('SIGINT', () => stop.abort()); // Ctrl-C ends training between two iterations
if (values.seconds) setTimeout(() => stop.abort(), 1000 * Number(values.seconds)).unref();
const result = await trainer.train();
const epochs = trainLoss.map((_, i) => i + 1);
if (epochs.length === 0) console.log('no epoch was completed: nothing to draw');
else await savePlot(lineChart([{ name: 'train', x: epochs, y: trainLoss }, { name: 'validation', x: epochs, y: result.valLossList! }],
  { title: 'loss per epoch', xLabel: 'epoch', yLabel: 'loss', markers: true }), values.out!);
console.log(`stopped: ${result.stopped ?? 'after the last epoch'}; best epoch ${result.bestEpoch}; ` +
  `test accuracy ${result.testAcc!.toFixed(4)}; wrote ${values.out}`);
