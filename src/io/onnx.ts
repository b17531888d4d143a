// Exporting a trained network as an ONNX model, for onnxruntime, Netron, or any other ONNX
// runtime: input 'input' (N, ...one sample's shape) with N free, output 'logits' (N, classes), the
// scores predict() returns (before softmax), and optionally 'probabilities', their softmax (the
// sigmoid of each unit for a network with the sigmoid-cross-entropy loss).
// Weights, biases and batch-norm running statistics become initializers under the network's own
// names (W1, b1, gamma1, runningMean1, ...), with their values at the time of the call.
import { boolean } from '../options.js';
import { LayerNet, type Network } from '../networks/network.js';
import { Sequential } from '../networks/sequential.js';
import { describe, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { writeFileAtomic } from '../formats/atomic-file.js';
import { attribute, OnnxGraph } from '../formats/onnx-graph.js';
import type { Value } from '../formats/onnx-layers.js';
import { KIND_NAMES, kindOfLayer } from '../layers/registry.js';
import { DataType, encodeModel, type ValueInfoProto } from '../formats/onnx-proto.js';
import { ShapeError, ValueError } from '../errors.js';

/** Options of {@link toOnnx} and {@link saveOnnx}. */
export interface OnnxOptions {
  /** Also output 'probabilities', the softmax of the logits, or their sigmoid for a
   *  sigmoid-cross-entropy network (default false). */
  probabilities?: boolean;
}

// Opset 13 has every operator used here in its current form (Pad taking its pads as an input);
// IR version 7 is the one released with it (ONNX 1.8), so older runtimes load the file too.
const OPSET = 13;
const IR_VERSION = 7;
const BATCH = 'N';

/** The network as ONNX ModelProto bytes (the contents of an .onnx file). Works in browsers too. */
export function toOnnx(network: Network, options: OnnxOptions = {}): Uint8Array {
  return exportModel('toOnnx', network, options);
}

/** Writes the network as an .onnx file, atomically like saveParams: `path` ends up holding
 *  either its previous contents or the whole new model. Node only; in a browser use toOnnx. */
export async function saveOnnx(network: Network, path: string, options: OnnxOptions = {}): Promise<void> {
  await writeFileAtomic('saveOnnx', 'toOnnx', path, exportModel('saveOnnx', network, options));
}

function exportModel(caller: string, network: Network, options: OnnxOptions): Uint8Array {
  // NOTE: only networks made of layers can be walked; every network of the library is one.
  if (!(network instanceof LayerNet)) {
    throw new ValueError(`${caller}: expected a network made of layers (a Sequential, or one of the book's networks built on it), got ${describe(network)}`);
  }
  if (options === null || typeof options !== 'object') throw new ValueError(`${caller}: expected an options object { probabilities? }, got ${describe(options)}`);
  const { probabilities = false } = options;
  boolean(`${caller}`, 'probabilities', probabilities);

  const names = new Map<Tensor, string>();
  for (const [name, t] of [...Object.entries(network.params), ...Object.entries(network.buffers)]) names.set(t, name);
  const graph = new OnnxGraph(caller, ['input', 'logits', 'probabilities']);
  let x: Value = { name: 'input', shape: network.inputShape };
  network.layerList.forEach((layer, i) => {
    const where = `${caller}: layer ${i + 1} (${layer.constructor.name})`;
    const kind = kindOfLayer(layer);
    if (!kind) throw new ValueError(`${where} has no ONNX export (supported: the layers of the kinds ${KIND_NAMES.join(', ')})`);
    x = kind.onnx(layer, x, { graph, where, weight: (t: Tensor, fallback: string) => graph.weight(t, names.get(t) ?? fallback) });
  });
  if (x.shape.length !== 1 || x.shape[0] !== network.classes) {
    throw new ShapeError(`${caller}: the last layer gives ${formatShape(x.shape)} per sample, not the ${network.classes} class scores`);
  }
  // The walk is a chain: the last node computes x, and its output becomes 'logits'.
  const last = graph.nodes.at(-1);
  if (last?.output[0] === x.name) last.output[0] = last.name = 'logits';
  else graph.node('Identity', [x.name], [], 'logits'); // a network without layers
  const outputs = [tensorInfo('logits', [network.classes])];
  if (probabilities) {
    const loss = network instanceof Sequential ? network.architecture.loss : 'softmax-cross-entropy';
    if (loss === 'mean-squared-error') throw new ValueError(`${caller}: a network trained with mean-squared-error has no probabilities: its logits are its outputs`);
    // independent sigmoid units, or a softmax over the classes
    if (loss === 'sigmoid-cross-entropy') graph.node('Sigmoid', ['logits'], [], 'probabilities');
    else graph.node('Softmax', ['logits'], [attribute.int('axis', 1)], 'probabilities');
    outputs.push(tensorInfo('probabilities', [network.classes]));
  }

  const kind = network.constructor.name;
  const signature = `input (${BATCH}, ${network.inputShape.join(', ')}) → logits (${BATCH}, ${network.classes})`;
  return encodeModel({
    ir_version: IR_VERSION,
    producer_name: 'scratchnet',
    doc_string: `${kind} exported by scratchnet: ${signature}${probabilities ? ' and their softmax, probabilities' : ''}`,
    opset_import: [{ domain: '', version: OPSET }],
    graph: {
      name: kind,
      doc_string: signature,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [tensorInfo('input', network.inputShape)],
      output: outputs,
    },
  });
}

// A float tensor (N, ...sample) with N left to the runtime.
function tensorInfo(name: string, sample: readonly number[]): ValueInfoProto {
  const dim = [{ dim_param: BATCH }, ...sample.map((d) => ({ dim_value: d }))];
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}
