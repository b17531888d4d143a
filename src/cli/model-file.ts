// The command line's model files: saveModel files (any Sequential or preset, with its
// architecture), plus the name of the command line's recipe when `scratchnet train` wrote them.
import { deserializeModel, saveModel } from '../io/model.js';
import { deserialize } from '../io/safetensors.js';
import type { Sequential } from '../networks/sequential.js';
import { networkFromParams } from './params-file.js';
import { readInput } from './read-input.js';
import { FileFormatError } from '../errors.js';

export interface LoadedModel {
  /** The recipe's name (two-layer, ...) for files `scratchnet train` wrote, else the network's kind. */
  model: string;
  network: Sequential;
}

/** Saves the network with its architecture, the recipe's name and any other metadata. */
export async function saveModelFile(path: string, network: Sequential, model: string, metadata: Record<string, string> = {}): Promise<void> {
  await saveModel(network, path, { ...metadata, model });
}

/** Rebuilds the network a model file describes, with its parameters. */
export async function loadModelFile(path: string): Promise<LoadedModel> {
  const bytes = await readInput(path);
  let metadata: Record<string, string>;
  try {
    metadata = deserialize(bytes, path).metadata;
  } catch (e) {
    throw new FileFormatError(`${path} is not a scratchnet model (${(e as Error).message.replace(`${path}: `, '')})`);
  }
  if (metadata.format !== 'scratchnet') throw new FileFormatError(`${path} is not a scratchnet model (a safetensors file written by something else)`);
  if (!Object.hasOwn(metadata, 'architecture')) return networkFromParams(path, bytes);
  const network = deserializeModel(bytes, path);
  return { model: metadata.model ?? network.architecture.kind, network };
}
