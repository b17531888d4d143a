// A model file is a saveParams file whose metadata also names the command line's model and the
// options its network was built with, so any command can rebuild the network before loading it.
import { deserializeParams, saveParams } from '../io/params.js';
import { deserialize } from '../io/safetensors.js';
import type { Network } from '../networks/network.js';
import { MODEL_NAMES, MODELS } from './models.js';
import { readInput } from './read-input.js';

export interface LoadedModel {
  model: string;
  network: Network;
}

/** Saves the network with its model name and constructor options (and any other metadata). */
export async function saveModel(path: string, network: Network, model: string, options: Record<string, unknown>,
                                metadata: Record<string, string> = {}): Promise<void> {
  await saveParams(network, path, { ...metadata, model, modelOptions: JSON.stringify(options) });
}

/** Rebuilds the network a model file describes and loads its parameters into it. */
export async function loadModel(path: string): Promise<LoadedModel> {
  const bytes = await readInput(path);
  let metadata: Record<string, string>;
  try {
    metadata = deserialize(bytes, path).metadata; // the description first; deserializeParams below reads the tensors
  } catch (e) {
    throw new Error(`${path} is not a scratchnet model (${(e as Error).message.replace(`${path}: `, '')})`);
  }
  if (metadata.format !== 'scratchnet') throw new Error(`${path} is not a scratchnet model (a safetensors file written by something else)`);
  const model = metadata.model;
  if (model === undefined) {
    throw new Error(`${path} holds a ${metadata.network ?? 'network'} saved without a model description ` +
      "(metadata 'model' and 'modelOptions', which `scratchnet train` writes)");
  }
  if (!Object.hasOwn(MODELS, model)) throw new Error(`${path} holds an unknown model type ${JSON.stringify(model)} (known: ${MODEL_NAMES.join(', ')})`);
  let options: Record<string, unknown>;
  try {
    options = JSON.parse(metadata.modelOptions ?? '');
  } catch {
    throw new Error(`${path}: the ${model} model's options (metadata 'modelOptions') are not JSON: ${JSON.stringify(metadata.modelOptions)}`);
  }
  let network: Network;
  try {
    network = MODELS[model].create(options);
  } catch (e) {
    throw new Error(`${path}: the ${model} model's options do not build a network: ${(e as Error).message}`);
  }
  try {
    deserializeParams(network, bytes, path); // checks that the tensors are this network's: names, shapes, values
  } catch (e) {
    network.dispose();
    throw e;
  }
  return { model, network };
}
