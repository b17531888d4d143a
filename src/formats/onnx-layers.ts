// What the layer kinds share to write their ONNX nodes (opset 13), each in its own layer file
// (the `onnx` of a LayerKind). Shapes are followed per sample (without the batch dimension):
// Affine and BatchNormalization need to know whether to flatten, and a network whose layers do
// not fit fails here, not in the runtime that loads the file.
import { outputSize } from '../ops/conv.js';
import { formatShape, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { attribute, type OnnxGraph } from './onnx-graph.js';
import { ShapeError, ValueError } from '../errors.js';

export { attribute };

/** A value of the graph and the shape of one sample of it. */
export interface Value {
  name: string;
  shape: readonly number[];
}

export interface LayerContext {
  graph: OnnxGraph;
  /** The initializer of a layer's tensor, under the network's name for it (W1, gamma2, ...),
   *  or `fallback` for a tensor the network does not name. */
  weight(t: Tensor, fallback: string): string;
  /** The caller and the layer, for errors: 'toOnnx: layer 3 (Affine)'. */
  where: string;
}

export function elementwise(c: LayerContext, op: string, x: Value, alpha?: number): Value {
  const attributes = alpha === undefined ? [] : [attribute.float('alpha', alpha)];
  return { name: c.graph.node(op, [x.name], attributes), shape: x.shape };
}

// (N, ...) → (N, features), C order, as Affine and BatchNormalization read their input
export function flatten(c: LayerContext, x: Value): string {
  return x.shape.length === 1 ? x.name : c.graph.node('Flatten', [x.name], [attribute.int('axis', 1)]);
}

export function checkFeatures(c: LayerContext, x: Value, features: number, what: string): void {
  if (shapeSize(x.shape) !== features) {
    throw new ShapeError(`${c.where}: ${what} expects ${features} features per sample, got ${formatShape(x.shape)} from the layer before`);
  }
}

// The output size of a window over an image value, with the layer's own geometry checks.
export function windowOutput(c: LayerContext, x: Value, FH: number, FW: number, stride: number, pad: number): [number, number] {
  if (x.shape.length !== 3) throw new ShapeError(`${c.where}: expected images (C, H, W) per sample, got ${formatShape(x.shape)} from the layer before`);
  return outputSize(c.where, [1, ...x.shape], { FH, FW, stride, pad });
}

// The same for a pooling window. Windows made of padding only (pad >= window) have no form that
// runtimes accept: onnxruntime refuses pooling pads that are not smaller than the window.
export function poolOutput(c: LayerContext, x: Value, layer: { poolH: number; poolW: number; stride: number; pad: number }): [number, number] {
  const { poolH, poolW, stride, pad } = layer;
  if (pad >= poolH || pad >= poolW) {
    throw new ValueError(`${c.where}: pad ${pad} is not smaller than the ${poolH}×${poolW} window, which ONNX runtimes refuse for pooling`);
  }
  return windowOutput(c, x, poolH, poolW, stride, pad);
}

