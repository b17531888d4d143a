// The hand-off to PyTorch: Python source (needing only torch) that defines a network's layers with
// torch.nn, loads a scratchnet model file's tensors into them (the safetensors file is parsed with
// json and struct, as the `safetensors` package may be absent), and keeps the book's conventions:
// non-inverted dropout, batch norm per feature of the flattened input with its ε, zero-padded max
// pooling, W (in, out) for dense layers (transposed into nn.Linear's (out, in)).
import { plan, type PlannedLayer } from '../networks/architecture.js';
import type { Architecture } from '../networks/sequential.js';
import type { Network } from '../networks/network.js';
import { describe, shapeSize } from '../shape.js';
import { PYTHON_HELPERS } from './pytorch-helpers.js';
import { ValueError } from '../errors.js';

/** Python source for `net` (a Sequential or one of the book's presets); see pytorchSource. */
export function exportPytorch(net: Network): string {
  const arch = (net as { architecture?: unknown } | null)?.architecture;
  if (arch === undefined) {
    throw new ValueError(`exportPytorch: expected a Sequential or a preset built on it (a network with an architecture), got ${describe(net)}`);
  }
  return pytorchSource(arch as Architecture);
}

/**
 * Python source that defines `build_model(safetensors_path) -> torch.nn.Module` for this
 * architecture, with the file's weights and batch-norm statistics loaded and the module in eval()
 * mode (which computes what predict() does); `loss(model, x, t)`, the network's loss with its
 * weight decay; and `save_model(model, path)`, which writes a file scratchnet's loadModel reads.
 */
export function pytorchSource(architecture: Architecture): string {
  if (architecture === null || typeof architecture !== 'object') throw new ValueError(`pytorchSource: expected an architecture object, got ${describe(architecture)}`);
  const { kind = 'Sequential', inputShape, layers, loss, weightDecayLambda, l1Lambda, seed } = architecture;
  const p = plan(`pytorchSource: ${kind}`, { inputShape, layers, loss, weightDecayLambda, l1Lambda, seed });
  const modules: string[] = [], tensors: string[] = [], decayed: string[] = [];
  p.layers.forEach((l, i) => {
    modules.push(`        ${moduleOf(l)},  # ${i + 1}: ${l.spec.kind} → (${l.output.join(', ')})`);
    for (const t of [...l.params, ...l.buffers]) {
      const [key, transpose] = torchKey(l, t.local);
      tensors.push(`    (${py(t.name)}, ${py(`${i}.${key}`)}, ${transpose ? 'True' : 'False'}),`);
      if (t.local === 'W') decayed.push(py(`${i}.${key}`));
    }
  });
  const count = p.layers.reduce((s, l) => s + l.params.reduce((a, t) => a + shapeSize(t.shape), 0), 0);
  const archJson = JSON.stringify({ ...architecture, kind });
  // NOTE: a raw triple-quoted string holds any JSON but one with ''' in it
  if (archJson.includes("'''")) throw new ValueError("pytorchSource: the architecture holds ''' in a string, which cannot be quoted in Python");
  return `# ${kind} exported by scratchnet (${count.toLocaleString('en-US')} parameters), for PyTorch: needs only torch.
#   model = build_model('model.safetensors')   # a scratchnet model file; eval() mode
#   scores = model(x)                          # x: (N, ${p.inputShape.join(', ')}); what predict() gives
#   loss(model, x, t).backward()               # t: class indices (N,) or one-hot (N, ${p.outputs})
#   save_model(model, 'trained.safetensors')   # back to scratchnet: loadModel('trained.safetensors')
import json
import struct
import sys

import torch
import torch.nn.functional as F
from torch import nn

ARCHITECTURE = json.loads(r'''${archJson}''')
INPUT_SHAPE = (${p.inputShape.join(', ')},)
LOSS = ${py(p.loss)}
WEIGHT_DECAY_LAMBDA = ${num(p.weightDecayLambda)}
L1_LAMBDA = ${num(p.l1Lambda)}
${PYTHON_HELPERS}

def create_model():
    """The layers, with PyTorch's initial values (build_model loads a file's)."""
    return nn.Sequential(
${modules.join('\n')}
    )


# scratchnet's tensor name, the module's state_dict key, and whether the matrix is transposed
# (a dense layer's W is (in, out), nn.Linear's weight (out, in)).
TENSORS = [
${tensors.join('\n')}
]
DECAYED = [${decayed.join(', ')}]
`;
}

// The torch.nn module of one planned layer, as Python source.
function moduleOf(l: PlannedLayer): string {
  const s = l.spec as unknown as Record<string, unknown>;
  const pair = (v: unknown) => (Array.isArray(v) ? `(${v.join(', ')})` : `(${v}, ${v})`);
  switch (l.spec.kind) {
    case 'dense': return `Dense(${shapeSize(l.input)}, ${s.units})`;
    case 'conv2d': return `nn.Conv2d(${l.input[0]}, ${s.filters}, ${pair(s.kernelSize)}, stride=${s.stride}, padding=${s.pad})`;
    case 'maxPool2d': return `ZeroPaddedPool('max', ${pair(s.size)}, ${s.stride}, ${s.pad})`;
    case 'avgPool2d': return `ZeroPaddedPool('avg', ${pair(s.size)}, ${s.stride}, ${s.pad})`;
    case 'relu': return 'nn.ReLU()';
    case 'sigmoid': return 'nn.Sigmoid()';
    case 'tanh': return 'nn.Tanh()';
    case 'leakyRelu': return `nn.LeakyReLU(${num(s.alpha as number)})`;
    case 'elu': return `nn.ELU(${num(s.alpha as number)})`;
    case 'maxout': return `Maxout(${s.pieces})`;
    case 'dropout': return `BookDropout(${num(s.ratio as number)})`;
    case 'batchNorm': return `BookBatchNorm(${shapeSize(l.input)}, ${num(s.momentum as number)}, ${num(s.eps as number)})`;
    case 'flatten': return 'nn.Flatten()';
    default: throw new ValueError(`pytorchSource: no PyTorch module for layer kind '${l.spec.kind}'`);
  }
}

// The state_dict key (below the layer's index) of a layer's tensor, and whether it is transposed.
function torchKey(l: PlannedLayer, local: string): [string, boolean] {
  const keys: Record<string, Record<string, [string, boolean]>> = {
    dense: { W: ['linear.weight', true], b: ['linear.bias', false] },
    conv2d: { W: ['weight', false], b: ['bias', false] },
    batchNorm: { gamma: ['gamma', false], beta: ['beta', false], runningMean: ['running_mean', false], runningVar: ['running_var', false] },
  };
  const key = keys[l.spec.kind]?.[local];
  if (!key) throw new ValueError(`pytorchSource: no PyTorch name for tensor '${local}' of a ${l.spec.kind} layer`);
  return key;
}

const py = (s: string) => JSON.stringify(s); // a JSON string of plain names is a Python string literal
// NOTE: the shortest repr that reads back as the same double, as Python's float() parses it
const num = (v: number) => {
  if (!Number.isFinite(v)) throw new ValueError(`pytorchSource: expected a finite number, got ${v}`);
  return String(v);
};
