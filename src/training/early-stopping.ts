// Early stopping on a validation metric: stop once it has not improved for `patience` epochs,
// and (restoreBest) end with the parameters and buffers of the best epoch.
import type { Network } from '../networks/network.js';
import { boolean, options, positiveInteger } from '../options.js';
import { describe } from '../shape.js';
import { EARLY_STOPPING_HINTS, MONITOR_HINTS } from './foreign-names.js';
import { StateSnapshot, stateOf } from './snapshot.js';
import { ValueError } from '../errors.js';

/** Options of the Trainer's `earlyStopping`: stop once a validation metric has not improved for
 *  `patience` epochs. Needs `validation` or `validationSplit`. */
export interface EarlyStoppingOptions {
  /** The validation metric watched: 'valLoss' (lower is better, the default) or 'valAcc'. */
  monitor?: 'valLoss' | 'valAcc';
  /** Epochs in a row without improvement that stop training (default 3). */
  patience?: number;
  /** End with the best epoch's parameters and buffers, however training ends (early stopping, an
   *  abort, the last epoch); default false: the network as the last iteration left it. */
  restoreBest?: boolean;
}

export function checkEarlyStopping(value: EarlyStoppingOptions | undefined): Required<EarlyStoppingOptions> | undefined {
  if (value === undefined) return undefined;
  const { monitor = 'valLoss', patience = 3, restoreBest = false } =
    options('Trainer: earlyStopping', value, ['monitor', 'patience', 'restoreBest'], EARLY_STOPPING_HINTS);
  if (monitor !== 'valLoss' && monitor !== 'valAcc') {
    const hint = typeof monitor === 'string' && Object.hasOwn(MONITOR_HINTS, monitor) ? ` (scratchnet calls it '${MONITOR_HINTS[monitor]}')` : '';
    throw new ValueError(`Trainer: earlyStopping.monitor must be 'valLoss' or 'valAcc', got ${describe(monitor)}${hint}`);
  }
  positiveInteger('Trainer', 'earlyStopping.patience', patience);
  boolean('Trainer', 'earlyStopping.restoreBest', restoreBest);
  return { monitor, patience, restoreBest };
}

export class EarlyStopping {
  /** The best epoch so far (1-based) and its metric. */
  bestEpoch = 0;
  best: number;
  #waited = 0;
  readonly #snapshot: StateSnapshot | undefined;

  constructor(network: Network, private readonly settings: Required<EarlyStoppingOptions>) {
    this.best = settings.monitor === 'valLoss' ? Infinity : -Infinity;
    this.#snapshot = settings.restoreBest ? new StateSnapshot(stateOf(network)) : undefined;
  }

  /** Records an epoch's metrics; true when training should stop. */
  observe(epoch: number, metrics: { valLoss: number; valAcc: number }): boolean {
    const value = metrics[this.settings.monitor];
    // NOTE: strict improvement; a NaN loss never improves
    const better = this.settings.monitor === 'valLoss' ? value < this.best : value > this.best;
    if (better) {
      [this.best, this.bestEpoch, this.#waited] = [value, epoch, 0];
      this.#snapshot?.save();
      return false;
    }
    return ++this.#waited >= this.settings.patience;
  }

  /** With restoreBest, puts the best epoch's state back into the network unless it holds it
   *  already (it ended at the end of the best epoch, `lastEpoch`; NaN: mid-epoch); says whether it did. */
  restoreBest(lastEpoch: number): boolean {
    if (!this.#snapshot || this.bestEpoch === 0 || this.bestEpoch === lastEpoch) return false;
    this.#snapshot.restore();
    return true;
  }

  dispose(): void {
    this.#snapshot?.dispose();
  }
}
