// Option names from Keras, PyTorch and TensorFlow.js get a hint to scratchnet's.
import { beforeAll, expect, test } from 'vitest';
import { fit, init, Sequential, layers as L, Trainer, type Tensor } from '../src/index.js';
import { blobs } from './fixtures-data.js';

beforeAll(() => init());

let x: Tensor, t: Tensor;
beforeAll(() => ([x, t] = blobs(30, 1)));
const net = () => new Sequential({ inputShape: [4], layers: [L.dense({ units: 3 })], seed: 1 });

test.each([
  ['batchSize', 32, "unknown option 'batchSize'; scratchnet's is miniBatchSize"],
  ['batch_size', 32, "unknown option 'batch_size'; scratchnet's is miniBatchSize"],
  ['learningRate', 0.1, "unknown option 'learningRate'; scratchnet's is optimizerParam: { lr"],
  ['lr', 0.1, "unknown option 'lr'; scratchnet's is optimizerParam: { lr"],
  ['learning_rate', 0.1, 'optimizerParam: { lr'],
  ['num_epochs', 3, "scratchnet's is epochs"],
  ['max_epochs', 3, "scratchnet's is epochs"],
  ['validation_split', 0.2, "scratchnet's is validationSplit"],
  ['validation_data', [], "scratchnet's is validation: { x, t }"],
  ['shuffle', true, "sampling: 'epoch-shuffle'"],
  ['callbacks', [], 'onEpochEnd'],
  ['momentum', 0.9, 'optimizerParam: { momentum'],
  ['weight_decay', 1e-4, 'weightDecayLambda, an option of the network'],
  ['loss', 'mse', "the network's option loss"],
  ['metrics', ['accuracy'], 'network.evaluate(x, t)'],
])('%s gets a hint, in fit and the Trainer', async (name, value, hint) => {
  await expect(fit(net(), x, t, { [name]: value } as object)).rejects.toThrow(`fit: unknown option '${name}'`);
  await expect(fit(net(), x, t, { [name]: value } as object)).rejects.toThrow(hint);
  expect(() => new Trainer(net(), x, t, x, t, { [name]: value } as object)).toThrow(hint);
});

test("early stopping: 'val_loss' and restore_best_weights get hints", () => {
  const options = (earlyStopping: object) => ({ validationSplit: 0.2, earlyStopping }) as object;
  expect(() => new Trainer(net(), x, t, x, t, options({ monitor: 'val_loss' })))
    .toThrow(`Trainer: earlyStopping.monitor must be 'valLoss' or 'valAcc', got "val_loss" (scratchnet calls it 'valLoss')`);
  expect(() => new Trainer(net(), x, t, x, t, options({ monitor: 'val_accuracy' }))).toThrow("(scratchnet calls it 'valAcc')");
  expect(() => new Trainer(net(), x, t, x, t, options({ restore_best_weights: true }))).toThrow("scratchnet's is restoreBest: true");
});

test('a misspelling still gets the closest name', () => {
  expect(() => new Trainer(net(), x, t, x, t, { epoch: 1 } as object)).toThrow("unknown option 'epoch' (did you mean 'epochs'?)");
});

test('Sequential: Keras and PyTorch names get hints too', () => {
  const base = { inputShape: [4], layers: [L.dense({ units: 3 })] };
  expect(() => new Sequential({ ...base, weight_decay: 1e-4 } as never)).toThrow("Sequential: unknown option 'weight_decay'; scratchnet's is weightDecayLambda");
  expect(() => new Sequential({ ...base, l1: 1e-4 } as never)).toThrow("scratchnet's is l1Lambda");
  expect(() => new Sequential({ layers: base.layers, input_shape: [4] } as never)).toThrow("scratchnet's is inputShape");
  expect(() => new Sequential({ ...base, optimizer: 'adam' } as never)).toThrow('an option of fit() and the Trainer');
});
