// Each layer as the ONNX nodes (opset 13) that compute what its forward(x, train = false) does.
// Shapes are followed per sample (without the batch dimension): Affine and BatchNormalization
// need to know whether to flatten, and a network whose layers do not fit fails here, not in the
// runtime that loads the file.
import { Elu, LeakyRelu, Relu, Sigmoid, Tanh } from '../layers/activations.js';
import { Affine } from '../layers/affine.js';
import { BatchNormalization, EPS } from '../layers/batch-normalization.js';
import { Convolution } from '../layers/convolution.js';
import { Dropout } from '../layers/dropout.js';
import type { Layer } from '../layers/layer.js';
import { AvgPooling, Pooling } from '../layers/pooling.js';
import { outputSize } from '../ops/conv.js';
import { formatShape, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { attribute, type OnnxGraph } from './onnx-graph.js';

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

const SUPPORTED_LAYERS = 'Affine, Relu, Sigmoid, Tanh, LeakyRelu, Elu, Dropout, BatchNormalization, Convolution, Pooling, AvgPooling';

/** Appends the nodes of `layer` applied to x; returns their output. */
export function exportLayer(layer: Layer, x: Value, c: LayerContext): Value {
  if (layer instanceof Affine) return affine(layer, x, c);
  if (layer instanceof Relu) return elementwise(c, 'Relu', x);
  if (layer instanceof Sigmoid) return elementwise(c, 'Sigmoid', x);
  if (layer instanceof Tanh) return elementwise(c, 'Tanh', x);
  // NOTE: ONNX's LeakyRelu and Elu are ours (Elu(0) = 0 either side), alpha a float as in the kernels.
  if (layer instanceof LeakyRelu) return elementwise(c, 'LeakyRelu', x, layer.alpha);
  if (layer instanceof Elu) return elementwise(c, 'Elu', x, layer.alpha);
  if (layer instanceof Dropout) return dropout(layer, x, c);
  if (layer instanceof BatchNormalization) return batchNormalization(layer, x, c);
  if (layer instanceof Convolution) return convolution(layer, x, c);
  if (layer instanceof Pooling) return maxPooling(layer, x, c);
  if (layer instanceof AvgPooling) return avgPooling(layer, x, c);
  throw new Error(`${c.where} has no ONNX export (supported: ${SUPPORTED_LAYERS})`);
}

function elementwise(c: LayerContext, op: string, x: Value, alpha?: number): Value {
  const attributes = alpha === undefined ? [] : [attribute.float('alpha', alpha)];
  return { name: c.graph.node(op, [x.name], attributes), shape: x.shape };
}

// (N, ...) → (N, features), C order, as Affine and BatchNormalization read their input
function flatten(c: LayerContext, x: Value): string {
  return x.shape.length === 1 ? x.name : c.graph.node('Flatten', [x.name], [attribute.int('axis', 1)]);
}

function checkFeatures(c: LayerContext, x: Value, features: number, what: string): void {
  if (shapeSize(x.shape) !== features) {
    throw new Error(`${c.where}: ${what} expects ${features} features per sample, got ${formatShape(x.shape)} from the layer before`);
  }
}

// x·W + b with W (in, out): Gemm's B needs no transpose
function affine(layer: Affine, x: Value, c: LayerContext): Value {
  const [inputs, outputs] = layer.W.shape;
  checkFeatures(c, x, inputs, `W ${formatShape(layer.W.shape)}`);
  const name = c.graph.node('Gemm', [flatten(c, x), c.weight(layer.W, 'W'), c.weight(layer.b, 'b')]);
  return { name, shape: [outputs] };
}

// The book's dropout at test time is not the identity: every value is scaled by 1 - ratio.
function dropout(layer: Dropout, x: Value, c: LayerContext): Value {
  const scale = c.graph.floats('dropout_scale', [], [1 - layer.dropoutRatio]);
  return { name: c.graph.node('Mul', [x.name, scale]), shape: x.shape };
}

// Per feature, with the running statistics: on (N, features), where ONNX's channel axis 1 is the
// feature axis; an image input is flattened first and reshaped back after, as the book's layer does.
function batchNormalization(layer: BatchNormalization, x: Value, c: LayerContext): Value {
  checkFeatures(c, x, layer.gamma.size, `gamma ${formatShape(layer.gamma.shape)}`);
  const inputs = [flatten(c, x), c.weight(layer.gamma, 'gamma'), c.weight(layer.beta, 'beta'),
    c.weight(layer.runningMean, 'runningMean'), c.weight(layer.runningVar, 'runningVar')];
  const y = c.graph.node('BatchNormalization', inputs, [attribute.float('epsilon', EPS)]);
  if (x.shape.length === 1) return { name: y, shape: x.shape };
  const shape = c.graph.int64s('batchnorm_shape', [-1, ...x.shape]);
  return { name: c.graph.node('Reshape', [y, shape]), shape: x.shape };
}

// The output size of a window over an image value, with the layer's own geometry checks.
function windowOutput(c: LayerContext, x: Value, FH: number, FW: number, stride: number, pad: number): [number, number] {
  if (x.shape.length !== 3) throw new Error(`${c.where}: expected images (C, H, W) per sample, got ${formatShape(x.shape)} from the layer before`);
  return outputSize(c.where, [1, ...x.shape], { FH, FW, stride, pad });
}

// The same for a pooling window. Windows made of padding only (pad >= window) have no form that
// runtimes accept: onnxruntime refuses pooling pads that are not smaller than the window.
function poolOutput(c: LayerContext, x: Value, layer: Pooling | AvgPooling): [number, number] {
  const { poolH, poolW, stride, pad } = layer;
  if (pad >= poolH || pad >= poolW) {
    throw new Error(`${c.where}: pad ${pad} is not smaller than the ${poolH}×${poolW} window, which ONNX runtimes refuse for pooling`);
  }
  return windowOutput(c, x, poolH, poolW, stride, pad);
}

function convolution(layer: Convolution, x: Value, c: LayerContext): Value {
  const [FN, C, FH, FW] = layer.W.shape;
  const [OH, OW] = windowOutput(c, x, FH, FW, layer.stride, layer.pad);
  if (x.shape[0] !== C) throw new Error(`${c.where}: W ${formatShape(layer.W.shape)} expects ${C} channels, got ${formatShape(x.shape)}`);
  const p = layer.pad, s = layer.stride;
  const name = c.graph.node('Conv', [x.name, c.weight(layer.W, 'W'), c.weight(layer.b, 'b')], [
    attribute.ints('kernel_shape', [FH, FW]), attribute.ints('strides', [s, s]), attribute.ints('pads', [p, p, p, p]),
  ]);
  return { name, shape: [FN, OH, OW] };
}

// Our max pooling pads with zeros (the book's im2col does); ONNX's MaxPool pads with -∞. The two
// differ only in the windows that overlap the padding, where zero padding means max(window, 0): a
// Max with a constant (1, 1, OH, OW) mask, 0 at those windows and -∞ at the others, adds exactly
// that. NOTE: the plainer Pad(0) + MaxPool is also exact by the ONNX spec, but onnxruntime's
// PadFusion (microsoft/onnxruntime#18136) folds that Pad into MaxPool's pads, which pad with -∞.
function maxPooling(layer: Pooling, x: Value, c: LayerContext): Value {
  const [OH, OW] = poolOutput(c, x, layer);
  const { poolH, poolW, stride: s, pad: p } = layer;
  const pooled = c.graph.node('MaxPool', [x.name], [
    attribute.ints('kernel_shape', [poolH, poolW]), attribute.ints('strides', [s, s]), attribute.ints('pads', [p, p, p, p]),
  ]);
  if (p === 0) return { name: pooled, shape: [x.shape[0], OH, OW] };
  const [, H, W] = x.shape;
  const mask = new Float32Array(OH * OW);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const inside = oy * s - p >= 0 && oy * s - p + poolH <= H && ox * s - p >= 0 && ox * s - p + poolW <= W;
      mask[oy * OW + ox] = inside ? -Infinity : 0;
    }
  }
  const name = c.graph.node('Max', [pooled, c.graph.floats('pool_padding_mask', [1, 1, OH, OW], mask)]);
  return { name, shape: [x.shape[0], OH, OW] };
}

// Padding counts as zeros in the average, ONNX's count_include_pad = 1.
function avgPooling(layer: AvgPooling, x: Value, c: LayerContext): Value {
  const [OH, OW] = poolOutput(c, x, layer);
  const p = layer.pad;
  const name = c.graph.node('AveragePool', [x.name], [
    attribute.ints('kernel_shape', [layer.poolH, layer.poolW]), attribute.ints('strides', [layer.stride, layer.stride]),
    attribute.ints('pads', [p, p, p, p]), attribute.int('count_include_pad', 1),
  ]);
  return { name, shape: [x.shape[0], OH, OW] };
}
