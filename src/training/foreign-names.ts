// What users of Keras, PyTorch (Lightning) and TensorFlow.js type for the Trainer's and fit's
// options, and what scratchnet calls it: an unknown option of these names gets the hint instead
// of a bare "unknown option".

const EPOCHS = "epochs: 20 (passes over the training data)";
const BATCH = 'miniBatchSize: 100';
const LR = 'optimizerParam: { lr: 0.01 } (with optimizer: a name), or the optimizer\'s own lr (new Adam({ lr }))';
const VALIDATION = 'validation: { x, t }';
const CALLBACKS = 'onEpochEnd(metrics, result) (called each epoch), onProgress(event) (each iteration), ' +
  'earlyStopping: { monitor, patience, restoreBest } and lrSchedule(epoch)';

/** Foreign option name → scratchnet's, for the Trainer's and fit's options. */
export const TRAINER_HINTS: Readonly<Record<string, string>> = {
  batchSize: BATCH, batch_size: BATCH, mini_batch_size: BATCH,
  learningRate: LR, learning_rate: LR, lr: LR,
  numEpochs: EPOCHS, num_epochs: EPOCHS, nEpochs: EPOCHS, n_epochs: EPOCHS, maxEpochs: EPOCHS,
  max_epochs: EPOCHS, nb_epoch: EPOCHS,
  validation_split: 'validationSplit: 0.2', validationData: VALIDATION, validation_data: VALIDATION,
  shuffle: "sampling: 'epoch-shuffle' (each sample once per epoch in a new order; fit's default) or " +
    "'with-replacement' (the book's random draws)",
  callbacks: CALLBACKS,
  optim: "optimizer: 'Adam' (or 'SGD', 'Momentum', ...; or an optimizer object)",
  momentum: "optimizerParam: { momentum: 0.9 } (with optimizer: 'Momentum' or 'Nesterov')",
  weightDecay: 'weightDecayLambda, an option of the network (new Sequential({ weightDecayLambda }))',
  weight_decay: 'weightDecayLambda, an option of the network (new Sequential({ weightDecayLambda }))',
  loss: "the network's option loss (new Sequential({ loss: 'mean-squared-error' }))",
  metrics: 'always measured: result.history per epoch, and network.evaluate(x, t)',
  patience: 'earlyStopping: { patience: 3 }',
  scheduler: 'lrSchedule: stepDecay({ ... }) or cosineDecay({ ... }) (or any function of the epoch)',
  lrScheduler: 'lrSchedule: stepDecay({ ... }) or cosineDecay({ ... }) (or any function of the epoch)',
  lr_scheduler: 'lrSchedule: stepDecay({ ... }) or cosineDecay({ ... }) (or any function of the epoch)',
  seedValue: 'seed', random_state: 'seed',
  stepsPerEpoch: 'fixed by the data and miniBatchSize (trainer.iterPerEpoch)',
  steps_per_epoch: 'fixed by the data and miniBatchSize (trainer.iterPerEpoch)',
};

/** Foreign early-stopping option names. */
export const EARLY_STOPPING_HINTS: Readonly<Record<string, string>> = {
  restoreBestWeights: 'restoreBest: true', restore_best_weights: 'restoreBest: true',
  mode: "implied by monitor ('valLoss' is minimized, 'valAcc' maximized)",
};

/** Foreign names of the monitored metric → scratchnet's. */
export const MONITOR_HINTS: Readonly<Record<string, string>> = {
  val_loss: 'valLoss', valLoss: 'valLoss', val_acc: 'valAcc', val_accuracy: 'valAcc', valAccuracy: 'valAcc',
  loss: 'valLoss', accuracy: 'valAcc',
};
