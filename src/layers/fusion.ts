// The order a network runs its layers in, read from the layer kinds' `fusion`: as listed, except that a Relu right before a max
// Pooling runs right after it. The numbers are the same, because max commutes with ReLU: per
// window, max(relu(a), relu(b), …) = relu(max(a, b, …)), and the gradient reaches the same input.
// Where the window's largest input is positive, it is the first largest in both orders (ReLU leaves
// positive values alone and maps the rest below them); where it is not, ReLU's gradient is 0 in
// both orders, so whichever input the pooling picked gets 0. (The one difference: the sign of a
// zero output whose window holds −0 among its largest inputs.) The ReLU then runs on the pooled
// tensor, a quarter of the elements under 2×2 pooling: SimpleConvNet's ReLU passes over its
// 100 × 30 × 24 × 24 activation took 1.5 ms of a 15 ms step.
// NOTE: only ReLU: LeakyRelu and Elu are monotonic too, but their rounding can tie distinct inputs
// whose gradients differ, which would change which input gets the gradient.
//
// Then a Convolution followed by a max Pooling (and a Relu after it, if any) runs as one step, the
// one the convolution's kind joins them into (ConvMaxPool, layers/conv-max-pool.ts).
import type { LayerKind } from './kind.js';
import type { Layer } from './layer.js';

/** The layers in the order a network runs them, joined steps included; `kindOf` gives each layer's
 *  kind (the registry's kindOfLayer), whose `fusion` says how it joins (layers/kind.ts). */
export function executionOrder(layers: readonly Layer[], kindOf: (layer: Layer) => LayerKind<never, Layer> | undefined): Layer[] {
  const order = [...layers];
  const role = (layer: Layer | undefined) => (layer ? kindOf(layer)?.fusion?.role : undefined);
  for (let i = 0; i + 1 < order.length; i++) {
    if (role(order[i]) === 'relu' && role(order[i + 1]) === 'maxPool') {
      [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
      i++;
    }
  }
  for (let i = 0; i + 1 < order.length; i++) {
    const [conv, pool, relu] = order.slice(i, i + 3) as [Layer, Layer, Layer | undefined];
    const joins = kindOf(conv)?.fusion, windows = kindOf(pool)?.fusion;
    if (joins?.role !== 'convolution' || windows?.role !== 'maxPool') continue;
    const withRelu = role(relu) === 'relu';
    order.splice(i, withRelu ? 3 : 2, joins.join(conv as never, windows.window(pool as never), withRelu ? relu : undefined));
  }
  return order;
}
