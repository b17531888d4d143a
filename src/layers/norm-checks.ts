// The checks the two batch norms (BatchNormalization per feature, BatchNorm2d per channel) make of
// their arguments and of a backward call, in one place: the same rules and messages, each naming
// its layer.
import { checkTensor, type Tensor } from '../tensor.js';
import { describe, formatShape, sameShape } from '../shape.js';
import { ShapeError, ValueError } from '../errors.js';

/** Checks gamma and beta (1-D, one length), momentum in [0, 1], eps in (0, 1), and the running
 *  statistics given (as many entries as gamma; with `paired`, both or neither). `entries` says what
 *  an entry is, for the message. */
export function checkNormArguments(owner: string, gamma: Tensor, beta: Tensor, momentum: unknown, eps: unknown,
                                   runningMean: Tensor | undefined, runningVar: Tensor | undefined,
                                   { entries = '', paired = false } = {}): void {
  checkTensor(`${owner}: gamma`, gamma);
  checkTensor(`${owner}: beta`, beta);
  if (gamma.shape.length !== 1 || !sameShape(beta.shape, gamma.shape)) {
    throw new ShapeError(`${owner}: gamma and beta must be 1-D of the same length${entries}, got ${formatShape(gamma.shape)} and ${formatShape(beta.shape)}`);
  }
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) throw new ValueError(`${owner}: momentum must be a number in [0, 1], got ${describe(momentum)}`);
  if (typeof eps !== 'number' || !(eps > 0 && eps < 1)) throw new ValueError(`${owner}: eps must be a number in (0, 1), got ${describe(eps)}`);
  if (paired && (runningMean === undefined) !== (runningVar === undefined)) throw new ValueError(`${owner}: give both runningMean and runningVar, or neither`);
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    if (t !== undefined && (checkTensor(`${owner}: ${name}`, t), t.size !== gamma.size)) {
      throw new ShapeError(`${owner}: ${name} must have ${gamma.size} entries like gamma, got ${formatShape(t.shape)}`);
    }
  }
}

/** What a training forward kept for the backward: the normalized input and its shape. */
export interface NormTrained {
  xn: Tensor;
  shape: readonly number[];
}

/** Checks a backward call: a training forward came first, and dout has its input's shape. */
export function checkNormBackward(owner: string, trained: NormTrained | undefined, dout: Tensor): NormTrained {
  if (!trained || trained.xn.disposed) throw new ValueError(`${owner}.backward: call forward(x, true) first`);
  checkTensor(`${owner}.backward: dout`, dout);
  if (!sameShape(dout.shape, trained.shape)) {
    throw new ShapeError(`${owner}.backward: dout must have the input's shape ${formatShape(trained.shape)}, got ${formatShape(dout.shape)}`);
  }
  return trained;
}
