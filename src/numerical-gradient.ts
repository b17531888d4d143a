// Numerical differentiation: the gradient of any scalar function of a tensor, by central differences.
import { checkTensor, zeros, type Tensor } from './tensor.js';
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
