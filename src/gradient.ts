// Numerical differentiation, and the check of a network's backprop against it.
import { checkTensor, zeros, type Tensor } from './tensor.js';
import type { Network } from './networks/network.js';
import { ValueError } from './errors.js';

/**
 * Central difference (f(x + h) - f(x - h)) / 2h for every element of x, restoring x after each.
 * NOTE: x is float32, so x ± h is rounded; dividing by the step actually taken (the difference of
 * the two stored values) instead of 2h removes that error. The default h = 1e-3 (the book uses
 * 1e-4 in float64) balances two float32 errors measured on TwoLayerNet: the loss carries rounding
 * noise of ~5e-8, which divided by 2h is ~3e-5 of a gradient here at h = 1e-3 but ~3e-4 at 1e-4;
 * and a larger h lets x ± h cross a ReLU kink more often (pre-activations of a 0.01-std network
 * are ~0.1, some within 1e-3 of zero), which spoils those elements.
 */
export function numericalGradient(f: () => number, x: Tensor, h = 1e-3): Tensor {
  checkTensor('numericalGradient: x', x);
  if (typeof f !== 'function') throw new ValueError(`numericalGradient: f must be a function, got ${typeof f}`);
  if (!(h > 0) || !Number.isFinite(h)) throw new ValueError(`numericalGradient: h must be a positive number, got ${h}`);
  const grad = zeros(x.shape);
  for (let i = 0; i < x.size; i++) {
    const original = x.data[i];
    x.data[i] = original + h;
    const up = x.data[i]; // the float32 actually stored
    const fUp = f();
    x.data[i] = original - h;
    const down = x.data[i];
    const fDown = f();
    x.data[i] = original; // f() may have grown the memory: always re-read x.data
    grad.data[i] = (fUp - fDown) / (up - down);
  }
  return grad;
}

/** How far one parameter's backprop gradient is from its numerical gradient (see {@link gradientCheck}). */
export interface GradientCheckResult {
  /** Mean |analytic - numerical| over the parameter's elements (the book's measure). */
  meanAbsDiff: number;
  /** Max |analytic - numerical| divided by the largest |gradient| of that parameter. */
  maxRelError: number;
  /** ‖analytic - numerical‖₂ / (‖analytic‖₂ + ‖numerical‖₂): 0 is perfect, 1 is unrelated. */
  relError: number;
}

/** Backprop gradients of each parameter against numerical ones, on the batch (x, t). */
export function gradientCheck(network: Network, x: Tensor, t: Tensor, h?: number): Record<string, GradientCheckResult> {
  const analytic: Record<string, Float32Array> = {};
  for (const [name, g] of Object.entries(network.gradient(x, t))) analytic[name] = g.data.slice();
  const numeric = network.numericalGradient(x, t, h);
  const result: Record<string, GradientCheckResult> = {};
  for (const [name, n] of Object.entries(numeric)) {
    const a = analytic[name];
    const nd = n.data;
    let sumAbs = 0, maxAbs = 0, scale = 0, diff2 = 0, a2 = 0, n2 = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - nd[i]);
      sumAbs += d;
      maxAbs = Math.max(maxAbs, d);
      scale = Math.max(scale, Math.abs(a[i]), Math.abs(nd[i]));
      diff2 += d * d;
      a2 += a[i] * a[i];
      n2 += nd[i] * nd[i];
    }
    const norms = Math.sqrt(a2) + Math.sqrt(n2);
    result[name] = {
      meanAbsDiff: a.length ? sumAbs / a.length : 0,
      maxRelError: scale > 0 ? maxAbs / scale : 0,
      relError: norms > 0 ? Math.sqrt(diff2) / norms : 0,
    };
    n.dispose();
  }
  return result;
}
