// Model files written by saveParams (0.1.0's `scratchnet train` did): the parameters of one of the
// book's networks without its architecture. The command line accepts such a file where its
// network's name and tensor shapes fit exactly one configuration it knows (a TwoLayerNet of any
// sizes, or one of its recipes), and otherwise says how to resave it.
import { plan } from '../networks/architecture.js';
import { PRESETS } from '../networks/presets.js';
import type { Sequential } from '../networks/sequential.js';
import { deserializeParams } from '../io/params.js';
import { deserialize } from '../io/safetensors.js';
import { MODELS } from './models.js';
import { FileFormatError } from '../errors.js';

/** The network a saveParams file holds, with its parameters, and the recipe's name; or an error
 *  that says why not and how to resave the file with its architecture. */
export function networkFromParams(path: string, bytes: Uint8Array): { model: string; network: Sequential } {
  const { arrays, metadata } = deserialize(bytes, path);
  const kind = metadata.network ?? 'network';
  const shapes = new Map(Object.entries(arrays).filter(([k]) => !k.startsWith('optimizer.')).map(([k, a]) => [k, a.shape.join(',')]));
  const candidates: [string, Record<string, unknown>][] = Object.entries(MODELS).map(([name, m]) => [name, m.options]);
  const [W1, W2] = [arrays.W1?.shape, arrays.W2?.shape];
  if (kind === 'TwoLayerNet' && W1?.length === 2 && W2?.length === 2) {
    candidates.push(['TwoLayerNet', { inputSize: W1[0], hiddenSize: W1[1], outputSize: W2[1] }]);
  }
  const fits = candidates.filter(([, options]) => {
    const preset = PRESETS.get(kind);
    if (!preset) return false;
    try {
      const p = plan(kind, preset.spec(options as never));
      const wanted = p.layers.flatMap((l) => [...l.params, ...l.buffers]);
      return wanted.length === shapes.size && wanted.every((t) => shapes.get(t.name) === t.shape.join(','));
    } catch {
      return false; // options of another preset
    }
  });
  const distinct = new Map<string, string>(); // options → the first name (a recipe's before the generic TwoLayerNet)
  for (const [name, options] of fits) if (!distinct.has(JSON.stringify(options))) distinct.set(JSON.stringify(options), name);
  if (distinct.size !== 1) {
    throw new FileFormatError(`${path}: the file holds a ${kind}'s parameters without its architecture (saved by saveParams), and its ` +
      `shapes fit ${distinct.size === 0 ? 'none' : 'more than one'} of the configurations the command line knows; load it with ` +
      'loadParams into the network you built, and resave it with saveModel (which stores the architecture)');
  }
  const [options, model] = [...distinct][0];
  const network = PRESETS.get(kind)!.create(JSON.parse(options) as never);
  try {
    deserializeParams(network, bytes, { source: path });
  } catch (e) {
    network.dispose();
    throw e;
  }
  return { model, network };
}
