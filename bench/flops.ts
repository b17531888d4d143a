// The direct FLOPs of one training step, counted from a network's layer shapes (its architecture's
// specs walked from the input shape): the matrix products of the convolutions and dense layers,
// 2·M·N·K each, as im2col and a plain GEMM would do them. Per layer: the forward product and the
// weight gradient's; the input gradient's for every layer but the first (nothing needs the data's
// gradient). Biases, activations, pooling, the loss and the optimizer are not counted: they are
// memory-bound passes, a few percent of the arithmetic. Winograd does fewer multiplications than
// this count, so a step's share of the ceiling can exceed 1.

/** A layer spec as Sequential's architecture lists it (only the fields the count reads). */
export interface LayerSpec {
  kind: string;
  units?: number;
  filters?: number;
  kernelSize?: number | [number, number];
  size?: number | [number, number];
  stride?: number | [number, number];
  pad?: number | [number, number];
  pieces?: number;
}

const pair = (v: number | [number, number] | undefined, fallback: number): [number, number] =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : v;

/** Multiply-adds of each product layer's forward pass, per sample, with the output shapes. */
export function productLayers(inputShape: readonly number[], specs: readonly LayerSpec[]): { kind: string; macs: number }[] {
  let shape = [...inputShape];
  const out: { kind: string; macs: number }[] = [];
  for (const spec of specs) {
    if (spec.kind === 'dense') {
      const inputs = shape.reduce((a, b) => a * b, 1);
      out.push({ kind: 'dense', macs: inputs * spec.units! });
      shape = [spec.units!];
    } else if (spec.kind === 'conv2d' || spec.kind === 'maxPool2d' || spec.kind === 'avgPool2d') {
      const [C, H, W] = shape;
      const conv = spec.kind === 'conv2d';
      const [fh, fw] = pair(conv ? spec.kernelSize : spec.size, 1);
      const [sh, sw] = pair(spec.stride, conv ? 1 : fh);
      const [ph, pw] = pair(spec.pad, 0);
      const oh = Math.floor((H + 2 * ph - fh) / sh) + 1, ow = Math.floor((W + 2 * pw - fw) / sw) + 1;
      if (conv) out.push({ kind: 'conv2d', macs: spec.filters! * oh * ow * C * fh * fw });
      shape = [conv ? spec.filters! : C, oh, ow];
    } else if (spec.kind === 'globalAvgPool2d') {
      shape = [shape[0]];
    } else if (spec.kind === 'maxout') {
      shape = [shape[0] / spec.pieces!, ...shape.slice(1)];
    } else if (spec.kind === 'flatten') {
      shape = [shape.reduce((a, b) => a * b, 1)];
    } else if (!['relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'gelu', 'dropout', 'batchNorm', 'batchNorm2d'].includes(spec.kind)) {
      throw new Error(`flops: no count for a '${spec.kind}' layer`);
    }
  }
  return out;
}

/** Direct FLOPs of one training step (forward, input gradients but the first layer's, weight
 *  gradients) on a batch of `batch`. */
export function stepFlops(architecture: { inputShape: readonly number[]; layers: readonly LayerSpec[] }, batch: number): number {
  const layers = productLayers(architecture.inputShape, architecture.layers);
  const macs = layers.reduce((sum, { macs }, i) => sum + macs * (i === 0 ? 2 : 3), 0);
  return 2 * macs * batch;
}
