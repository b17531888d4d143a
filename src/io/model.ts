// Models saved with their architecture: a safetensors file (see params.ts) whose metadata also
// holds the network's architecture as JSON, so loading rebuilds any Sequential or preset without
// knowing its class in advance. Loading checks the architecture and every tensor's name and shape
// against it before anything is built, so a malformed or hostile file (an architecture that asks
// for a huge network, say) is refused without allocating it.
import { plan, plannedTensors, type SequentialOptions } from '../networks/architecture.js';
import type { Network } from '../networks/network.js';
import { PRESETS } from '../networks/presets.js';
import { Sequential, type Architecture } from '../networks/sequential.js';
import { describe } from '../shape.js';
import { nodeModules, writeFileAtomic } from './atomic-file.js';
import { deserializeParams, serializeParams } from './params.js';
import { deserialize } from './safetensors.js';
import { FileFormatError, ValueError } from '../errors.js';

const ARCHITECTURE = 'architecture';
const KEYS = new Set(['kind', 'options', 'inputShape', 'layers', 'loss', 'weightDecayLambda', 'l1Lambda', 'seed']);

/** The network's parameters, buffers and architecture as safetensors bytes (anywhere; in Node,
 *  saveModel writes them to a file), with optional string metadata beside them. */
export function serializeModel(network: Network, metadata: Record<string, string> = {}): Uint8Array {
  const net = checkSequential('serializeModel', network);
  return serializeParams(net, { ...metadata, [ARCHITECTURE]: JSON.stringify(net.architecture) });
}

/** Rebuilds the network that serializeModel (or saveModel) stored: the same class, layers and
 *  parameters. Throws, having built nothing, if the bytes are not such a model. */
export function deserializeModel(bytes: Uint8Array, source = 'deserializeModel'): Sequential {
  const { arrays, metadata } = deserialize(bytes, source);
  const arch = parseArchitecture(source, metadata);
  const preset = arch.kind === 'Sequential' ? undefined : PRESETS.get(arch.kind);
  if (arch.kind !== 'Sequential' && !preset) {
    throw new FileFormatError(`${source}: the architecture's kind ${describe(arch.kind)} is not Sequential or one of ${[...PRESETS.keys()].join(', ')}`);
  }
  let options: SequentialOptions;
  try {
    options = preset ? preset.spec(arch.options as never)
      : { inputShape: arch.inputShape, layers: arch.layers, loss: arch.loss, weightDecayLambda: arch.weightDecayLambda, l1Lambda: arch.l1Lambda, seed: arch.seed };
  } catch (e) {
    throw new FileFormatError(`${source}: ${(e as Error).message}`);
  }
  const expected = plannedTensors(plan(`${source}: ${arch.kind}`, options));
  // every tensor the architecture needs, of the shape it needs, before the network is allocated
  for (const [name, shape] of expected) {
    const a = Object.hasOwn(arrays, name) ? arrays[name] : undefined;
    if (!a) throw new FileFormatError(`${source}: the architecture needs a tensor '${name}' of [${shape.join(', ')}], which the file does not have`);
    if (a.shape.length !== shape.length || a.shape.some((d, i) => d !== shape[i])) {
      throw new FileFormatError(`${source}: the architecture needs a tensor '${name}' of [${shape.join(', ')}]; the file's is [${a.shape.join(', ')}]`);
    }
  }
  const network = preset ? preset.create(arch.options as never) : new Sequential(options);
  try {
    deserializeParams(network, bytes, source);
  } catch (e) {
    network.dispose();
    throw e;
  }
  return network;
}

/** Writes the model to `path` atomically: the file holds either its previous contents or the whole
 *  new model, whenever the process dies. Node only; in a browser use serializeModel. */
export async function saveModel(network: Network, path: string, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic('saveModel', 'serializeModel', path, serializeModel(network, metadata));
}

/** Reads a model file written by saveModel (or `scratchnet train`) and rebuilds its network. */
export async function loadModel(path: string): Promise<Sequential> {
  const { fs } = await nodeModules('loadModel', 'deserializeModel');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw new Error(`loadModel: could not read ${path}: ${(e as Error).message}`);
  }
  return deserializeModel(bytes, `loadModel(${path})`);
}

/** The file's metadata other than the architecture (what saveModel's `metadata` added). */
export function modelMetadata(bytes: Uint8Array, source = 'modelMetadata'): Record<string, string> {
  const { [ARCHITECTURE]: _, ...rest } = deserialize(bytes, source).metadata;
  return rest;
}

function checkSequential(caller: string, network: Network): Sequential {
  if (!(network instanceof Sequential)) {
    throw new ValueError(`${caller}: expected a Sequential (or one of the book's networks, which are built on it), got ${describe(network)}`);
  }
  return network;
}

// The architecture JSON, with the shape of an Architecture; its contents are checked by plan().
function parseArchitecture(source: string, metadata: Record<string, string>): Architecture {
  if (metadata.format !== 'scratchnet') throw new FileFormatError(`${source}: not a scratchnet model (a safetensors file written by something else)`);
  const text = Object.hasOwn(metadata, ARCHITECTURE) ? metadata[ARCHITECTURE] : undefined;
  if (text === undefined) {
    throw new FileFormatError(`${source}: the file holds a ${metadata.network ?? 'network'}'s parameters without its architecture ` +
      '(saved by saveParams; save with saveModel, or load it with loadParams into a network you build)');
  }
  let arch: unknown;
  try {
    arch = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(`${source}: the architecture is not JSON (${(e as Error).message})`);
  }
  if (arch === null || typeof arch !== 'object' || Array.isArray(arch)) throw new FileFormatError(`${source}: the architecture is not a JSON object`);
  for (const key of Object.keys(arch)) if (!KEYS.has(key)) throw new FileFormatError(`${source}: the architecture has an unknown field '${key}'`);
  const a = arch as Architecture;
  if (typeof a.kind !== 'string') throw new FileFormatError(`${source}: the architecture's kind must be a string, got ${describe(a.kind)}`);
  if (a.kind !== 'Sequential' && (a.options === null || typeof a.options !== 'object')) {
    throw new FileFormatError(`${source}: the ${a.kind} architecture has no options object`);
  }
  return a;
}
