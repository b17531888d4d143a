// An ensemble (the book's "toward higher accuracy", ch. 8): several trained networks vote by
// averaging their probabilities — the softmax of each member's scores (or the sigmoid of each unit
// for sigmoid-cross-entropy). The members stay the caller's: the ensemble neither copies nor frees them.
import { checkLabels, labelIndices } from '../labels.js';
import { describe, formatShape } from '../shape.js';
import { checkTensor, tensor, type Tensor } from '../tensor.js';
import { createLoss, type LossName } from './losses.js';
import type { Network } from './network.js';
import { ShapeError, ValueError } from '../errors.js';

// NOTE: the book's cross-entropy adds 1e-7 inside the logarithm, as SoftmaxWithLoss does
const DELTA = 1e-7;

interface Member {
  network: Network;
  outputs: number;
  loss: LossName;
}

function memberOf(network: Network, i: number): Member {
  const where = `Ensemble: network ${i + 1}`;
  const n = network as Partial<Network> & { classes?: unknown; architecture?: { loss?: LossName } };
  if (n === null || typeof n !== 'object' || typeof n.predict !== 'function') throw new ValueError(`${where}: expected a network (with predict), got ${describe(network)}`);
  if (typeof n.classes !== 'number') throw new ValueError(`${where}: expected a network made of layers (a Sequential or one of the book's networks), whose output size is known`);
  return { network, outputs: n.classes, loss: n.architecture?.loss ?? 'softmax-cross-entropy' };
}

/**
 * Several trained networks with the same output size and loss, averaged: `probabilities(x)` is the
 * mean of the members' probabilities, `accuracy` and `evaluate` score that mean (evaluate's loss is
 * the cross-entropy of the mean probabilities). The members are not copied or owned: dispose them
 * yourself, and save them one by one with saveModel.
 */
export class Ensemble {
  readonly networks: readonly Network[];
  /** The members' output size (classes, or units for sigmoid-cross-entropy). */
  readonly outputs: number;
  /** The members' loss. */
  readonly loss: LossName;

  constructor(networks: readonly Network[]) {
    if (!Array.isArray(networks) || networks.length === 0) throw new ValueError(`Ensemble: expected a non-empty array of networks, got ${describe(networks)}`);
    const members = networks.map(memberOf);
    const [first] = members;
    members.forEach((m, i) => {
      if (m.outputs !== first.outputs) throw new ShapeError(`Ensemble: network ${i + 1} gives ${m.outputs} outputs, network 1 gives ${first.outputs}`);
      if (m.loss !== first.loss) throw new ValueError(`Ensemble: network ${i + 1} is trained with ${m.loss}, network 1 with ${first.loss}`);
      const [a, b] = [m.network.inputShape, first.network.inputShape];
      if (a && b && formatShape(a) !== formatShape(b)) throw new ShapeError(`Ensemble: network ${i + 1} takes samples of ${formatShape(a)}, network 1 of ${formatShape(b)}`);
    });
    if (first.loss === 'mean-squared-error') throw new ValueError('Ensemble: networks trained with mean-squared-error have no probabilities to average');
    this.networks = [...networks];
    this.outputs = first.outputs;
    this.loss = first.loss;
  }

  /** The mean of the members' probabilities for x, (N, outputs); a new tensor the caller owns. */
  probabilities(x: Tensor): Tensor {
    return tensor(this.#mean(x), [x.shape[0], this.outputs]);
  }

  // The mean probabilities in float64, each member's scores turned into probabilities row by row.
  #mean(x: Tensor): Float64Array {
    const k = this.outputs;
    let mean: Float64Array | undefined;
    for (const network of this.networks) {
      const scores = network.predict(x);
      const s = scores.data;
      mean ??= new Float64Array(s.length);
      for (let r = 0; r < s.length; r += k) {
        if (this.loss === 'sigmoid-cross-entropy') {
          for (let j = r; j < r + k; j++) mean[j] += 1 / (1 + Math.exp(-s[j]));
          continue;
        }
        let max = -Infinity, sum = 0;
        for (let j = r; j < r + k; j++) max = Math.max(max, s[j]);
        for (let j = r; j < r + k; j++) sum += Math.exp(s[j] - max);
        for (let j = r; j < r + k; j++) mean[j] += Math.exp(s[j] - max) / sum;
      }
      scores.dispose();
    }
    return mean!.map((v) => v / this.networks.length);
  }

  /** The share of samples whose highest mean probability is their label (softmax), or of the units
   *  whose 0.5-threshold decision is right (sigmoid). */
  accuracy(x: Tensor, t: Tensor): number {
    return this.evaluate(x, t).accuracy;
  }

  /** The cross-entropy of the mean probabilities (the book's, with 1e-7 inside the logarithm; for
   *  sigmoid units summed over the units) averaged over the samples, and the accuracy. */
  evaluate(x: Tensor, t: Tensor): { loss: number; accuracy: number } {
    const n = checkTensor('Ensemble.evaluate: x', x).shape[0];
    const k = this.outputs;
    const lossLayer = createLoss(this.loss)!;
    try {
      lossLayer.checkTargets('Ensemble.evaluate', t, n, k);
    } finally {
      lossLayer.dispose();
    }
    const p = this.#mean(x);
    const target = t.data;
    let loss = 0, correct = 0;
    if (this.loss === 'sigmoid-cross-entropy') {
      for (let i = 0; i < p.length; i++) {
        loss -= target[i] * Math.log(p[i] + DELTA) + (1 - target[i]) * Math.log(1 - p[i] + DELTA);
        if ((p[i] > 0.5) === (target[i] > 0.5)) correct++;
      }
      return { loss: loss / n, accuracy: correct / p.length };
    }
    const labels = labelIndices(t, checkLabels('Ensemble.evaluate', t, n, k));
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
      if (best === labels[i]) correct++;
      loss -= Math.log(p[i * k + labels[i]] + DELTA);
    }
    return { loss: loss / n, accuracy: correct / n };
  }
}
