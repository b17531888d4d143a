// Saving and loading a network's parameters (and batch-norm running statistics) as safetensors.
// Loading checks every name, shape and byte range before it changes anything; saving writes a
// temporary file and renames it into place, so a crash never leaves a half-written file.
import type { Network } from '../networks/network.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { deserialize, serialize, type NamedArray } from './safetensors.js';

/** Everything a network needs to compute the same outputs again, by name. */
function stateOf(network: Network): Record<string, Tensor> {
  if (network === null || typeof network !== 'object' || !network.params) {
    throw new Error(`saveParams/loadParams: expected a network with params, got ${String(network)}`);
  }
  return { ...network.params, ...(network.buffers ?? {}) };
}

function networkName(network: Network): string {
  return network.constructor?.name ?? 'Network';
}

/** The network's state as safetensors bytes (for browsers, or any storage), with optional string
 *  metadata (an epoch count, a note) stored beside it. */
export function serializeParams(network: Network, metadata: Record<string, string> = {}): Uint8Array {
  const arrays: Record<string, NamedArray> = {};
  for (const [name, t] of Object.entries(stateOf(network))) {
    checkTensor(`serializeParams: ${name}`, t);
    arrays[name] = { shape: [...t.shape], data: t.data };
  }
  return serialize(arrays, { ...metadata, format: 'scratchnet', network: networkName(network) });
}

/** Loads safetensors bytes into the network, all or nothing; returns the file's metadata. */
export function deserializeParams(network: Network, bytes: Uint8Array, source = 'deserializeParams'): Record<string, string> {
  const state = stateOf(network);
  const { arrays, metadata } = deserialize(bytes, source);
  const name = networkName(network);
  if (metadata.network && metadata.network !== name) {
    throw new Error(`${source}: the file holds a ${metadata.network}, not a ${name}`);
  }
  for (const [key, t] of Object.entries(state)) {
    const a = arrays[key];
    if (!a) throw new Error(`${source}: the file has no '${key}' (it has ${Object.keys(arrays).join(', ') || 'nothing'})`);
    if (a.shape.length !== t.shape.length || a.shape.some((d, i) => d !== t.shape[i])) {
      throw new Error(`${source}: '${key}' is [${a.shape.join(', ')}] in the file but [${t.shape.join(', ')}] in the ${name}`);
    }
  }
  for (const key of Object.keys(arrays)) {
    if (!(key in state)) throw new Error(`${source}: the file has '${key}', which the ${name} does not`);
  }
  for (const [key, t] of Object.entries(state)) t.data.set(arrays[key].data);
  return metadata;
}

async function nodeFs(caller: string) {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof proc?.versions?.node !== 'string') {
    throw new Error(`${caller}: files need Node; in a browser use serializeParams/deserializeParams`);
  }
  const name = 'node:fs/promises';
  return (await import(/* @vite-ignore */ name)) as typeof import('node:fs/promises');
}

/** Writes the network's parameters to a .safetensors file, atomically. */
export async function saveParams(network: Network, path: string, metadata: Record<string, string> = {}): Promise<void> {
  const bytes = serializeParams(network, metadata);
  const fs = await nodeFs('saveParams');
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const file = await fs.open(tmp, 'w');
    try {
      await file.writeFile(bytes);
      await file.sync(); // the bytes are on disk before the rename makes them the file
    } finally {
      await file.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw new Error(`saveParams: could not write ${path}: ${(e as Error).message}`);
  }
}

/** Reads a .safetensors file into the network; on any error the network is left as it was.
 *  Returns the file's metadata. */
export async function loadParams(network: Network, path: string): Promise<Record<string, string>> {
  const fs = await nodeFs('loadParams');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw new Error(`loadParams: could not read ${path}: ${(e as Error).message}`);
  }
  return deserializeParams(network, bytes, `loadParams(${path})`);
}
