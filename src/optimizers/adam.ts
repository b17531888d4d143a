// Adam, with the book's bias correction folded into the step size:
// t += 1; lr_t = lr·√(1 - β2ᵗ) / (1 - β1ᵗ); m += (1 - β1)(g - m); v += (1 - β2)(g² - v);
// p -= lr_t·m / (√v + 1e-7).
import { fraction, options, positive } from './hyper.js';
import { StatefulOptimizer } from './stateful.js';
import { FileFormatError, ValueError } from '../errors.js';

/** Adam with the book's bias correction. Options: lr (default 0.001), beta1 (default 0.9) and
 *  beta2 (default 0.999), the decay rates of the gradient's mean and square, in [0, 1).
 *  NOTE: as PyTorch's, the step count of the bias correction is kept per parameter, so one Adam
 *  updating two networks, or a changing set of parameters, steps each parameter as if alone;
 *  checkpoints carry each parameter's count. */
export class Adam extends StatefulOptimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  /** update() calls so far (the book's iter; each parameter's own count drives its bias correction). */
  t = 0;
  protected override readonly savesSteps = true;

  constructor(opts: { lr?: number; beta1?: number; beta2?: number } = {}) {
    const { lr = 0.001, beta1 = 0.9, beta2 = 0.999 } = options('Adam', opts, ['lr', 'beta1', 'beta2']);
    super('Adam', 2, [1]); // v, the second moment, is a mean of squares
    this.lr = positive('Adam', 'lr', lr);
    this.beta1 = fraction('Adam', 'beta1', beta1);
    this.beta2 = fraction('Adam', 'beta2', beta2);
  }

  protected override stateValues(): Record<string, number> {
    return { t: this.t };
  }

  protected override checkOwnValues(source: string, values: Record<string, number>): void {
    for (const key of Object.keys(values)) if (key !== 't') throw new FileFormatError(`${source}: an Adam has no saved value '${key}'`);
    const t = values.t ?? 0;
    if (!Number.isSafeInteger(t) || t < 0) throw new FileFormatError(`${source}: Adam's step count t must be an integer >= 0, got ${t}`);
  }

  // checkpoints from before the per-parameter count: every parameter had stepped t times
  protected override stepWithoutRecord(values: Record<string, number>): number {
    return values.t ?? 0;
  }

  protected override loadStateValues(values: Record<string, number>): void {
    this.t = values.t ?? 0;
  }

  protected override beginUpdate(): void {
    // t is writable (a schedule or a restore may set it); a negative or fractional one makes lr_t NaN
    if (!Number.isSafeInteger(this.t) || this.t < 0) throw new ValueError(`Adam.update: t (the step count) must be an integer >= 0, got ${this.t}`);
    this.t++;
  }

  protected kernel(step: number) {
    const lrT = (this.lr * Math.sqrt(1 - this.beta2 ** step)) / (1 - this.beta1 ** step);
    return { name: 'f32_adam_step', scalars: [lrT, this.beta1, this.beta2] } as const;
  }
}
