// fit(): training as most frameworks offer it, on the Trainer.
import type { Network } from '../networks/network.js';
import type { Tensor } from '../tensor.js';
import { createFitTrainer } from './trainer.js';
import type { TrainerOptions, TrainResult } from './trainer-options.js';

/**
 * Trains `network` on x and targets t (whatever its loss takes: class labels, 0/1 or multi-label
 * targets, real values) and resolves with the run's `history`, one EpochMetrics per epoch.
 * Takes the Trainer's options (without test data); its defaults are the Trainer's but for
 * `evaluateAt: 'epoch-end'` and `sampling: 'epoch-shuffle'`. Each epoch's `trainAcc` (or, for
 * mean-squared-error, `trainMeanAbsoluteError`) is measured on its mini-batches as they were
 * trained, with no extra pass; `validationSplit` or `validation` add the val metrics.
 * Everything (options, shapes, every value of x and t) is checked before anything changes.
 * @example
 * const r = await fit(net, x, y, { epochs: 50, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, validationSplit: 0.2 });
 * r.history.at(-1); // { epoch: 50, trainLoss, valLoss, valMeanAbsoluteError, lr, ... }
 */
export function fit(network: Network, x: Tensor, t: Tensor, options: TrainerOptions = {}): Promise<TrainResult> {
  try {
    return createFitTrainer(network, x, t, options).train();
  } catch (e) {
    return Promise.reject(e);
  }
}
