// The check of a network's backprop against numerical differentiation (numerical-gradient.ts).
import type { Network } from './networks/network.js';
import type { Tensor } from './tensor.js';

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
