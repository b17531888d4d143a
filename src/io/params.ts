// Saving and loading a network's parameters (and batch-norm running statistics) as safetensors.
// Loading checks every name, shape and byte range before it changes anything; saving writes a
// temporary file, fsyncs it and renames it into place, so a crash never leaves a half-written file
// (test/crash-save.test.ts kills a saving process at random moments to check it).
import { kernels } from '../backend/runtime.js';
import type { Network } from '../networks/network.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { nodeModules, writeFileAtomic } from '../formats/atomic-file.js';
import { deserialize, serialize, type NamedArray } from '../formats/safetensors.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { StatefulOptimizer, type OptimizerCheckpoint } from '../optimizers/stateful.js';
import { FileFormatError, ValueError } from '../errors.js';

/** Everything a network needs to compute the same outputs again, by name. */
function stateOf(network: Network): Record<string, Tensor> {
  if (network === null || typeof network !== 'object' || !network.params) {
    throw new ValueError(`saveParams/loadParams: expected a network with params, got ${String(network)}`);
  }
  return { ...network.params, ...(network.buffers ?? {}) };
}

function networkName(network: Network): string {
  return network.constructor?.name ?? 'Network';
}

/** The network's state as safetensors bytes (for browsers, or any storage), with optional string
 *  metadata (an epoch count, a note) stored beside it. Refuses a state holding NaN or Infinity
 *  (a diverged network), which would load as a network that predicts NaN. */
export function serializeParams(network: Network, metadata: Record<string, string> = {}, optimizer?: Optimizer): Uint8Array {
  return serializeState('serializeParams', network, metadata, optimizer);
}

// NOTE: an optimizer's state (momentum, Adam's moments and step count) rides along as tensors
// named `optimizer.<param>.<slot>` and metadata `optimizer.<value>`, so a resumed run continues
// exactly where it stopped; readers that only want the weights skip those entries.
const OPTIMIZER_PREFIX = 'optimizer.';

/** The network's state (and an optimizer's) as safetensors bytes, stored as float32 or float16. */
export function serializeState(caller: string, network: Network, metadata: Record<string, string>, optimizer?: Optimizer, dtype: 'F32' | 'F16' = 'F32'): Uint8Array {
  const arrays: Record<string, NamedArray> = {};
  const k = kernels();
  const entries = Object.entries(stateOf(network));
  const extra: Record<string, string> = {};
  if (optimizer !== undefined) {
    const checkpoint = checkpointOf(caller, optimizer);
    for (const [name, t] of Object.entries(checkpoint.tensors)) entries.push([OPTIMIZER_PREFIX + name, t]);
    extra.optimizer = optimizer.constructor.name;
    for (const [name, v] of Object.entries(checkpoint.values)) extra[OPTIMIZER_PREFIX + name] = String(v);
  }
  for (const [name, t] of entries) {
    checkTensor(`${caller}: ${name}`, t);
    // NOTE: one SIMD pass; a finite Σv² means every value is finite. Only a non-finite sum (or
    // values beyond ~1.8e19, whose squares overflow float32) pays for the scan that finds the culprit.
    if (!Number.isFinite(k.f32_sum_squares(t.offset, t.size))) checkFinite(caller, name, t.data, ' (a diverged network?); nothing was written');
    arrays[name] = { shape: [...t.shape], data: t.data };
  }
  return serialize(arrays, { ...metadata, ...extra, format: 'scratchnet', network: networkName(network) }, { dtype, caller });
}

function checkpointOf(caller: string, optimizer: Optimizer): OptimizerCheckpoint {
  if (optimizer instanceof StatefulOptimizer) return optimizer.exportState();
  if (optimizer !== null && typeof optimizer === 'object' && typeof optimizer.update === 'function') return { tensors: {}, values: {} };
  throw new ValueError(`${caller}: optimizer must be an optimizer, got ${String(optimizer)}`);
}

// Throws if `data` holds a negative value (a sum of squares that cannot be), naming the first.
function checkNonNegative(source: string, name: string, data: Float32Array): void {
  const i = data.findIndex((v) => v < 0);
  if (i >= 0) throw new ValueError(`${source}: '${name}' sums squares and must be >= 0, got ${data[i]} at index ${i}`);
}

// Throws if `data` holds NaN or ±Infinity, naming the first.
function checkFinite(caller: string, name: string, data: Float32Array, why = ''): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new ValueError(`${caller}: '${name}' must be finite, got ${data[i]} at index ${i}${why}`);
  }
}

/** Loads safetensors bytes into the network (and, if given, the optimizer's saved state), all or
 *  nothing; returns the file's metadata. */
export function deserializeParams(network: Network, bytes: Uint8Array, source = 'deserializeParams', optimizer?: Optimizer): Record<string, string> {
  const state = stateOf(network);
  const decoded = deserialize(bytes, source);
  const metadata = decoded.metadata;
  const arrays: typeof decoded.arrays = Object.create(null);
  const optimizerArrays: typeof decoded.arrays = Object.create(null);
  for (const [key, a] of Object.entries(decoded.arrays)) {
    if (key.startsWith(OPTIMIZER_PREFIX)) optimizerArrays[key.slice(OPTIMIZER_PREFIX.length)] = a;
    else arrays[key] = a;
  }
  const restoreOptimizer = optimizer === undefined ? undefined : checkOptimizerState(source, network, optimizer, optimizerArrays, metadata);
  const name = networkName(network);
  if (metadata.network && metadata.network !== name) {
    throw new FileFormatError(`${source}: the file holds a ${metadata.network}, not a ${name}`);
  }
  for (const [key, t] of Object.entries(state)) {
    checkTensor(`${source}: the ${name}'s ${key}`, t);
    const a = arrays[key];
    if (!a) throw new FileFormatError(`${source}: the file has no '${key}' (it has ${Object.keys(arrays).join(', ') || 'nothing'})`);
    if (a.shape.length !== t.shape.length || a.shape.some((d, i) => d !== t.shape[i])) {
      throw new FileFormatError(`${source}: '${key}' is [${a.shape.join(', ')}] in the file but [${t.shape.join(', ')}] in the ${name}`);
    }
  }
  for (const key of Object.keys(arrays)) {
    if (!Object.hasOwn(state, key)) throw new FileFormatError(`${source}: the file has '${key}', which the ${name} does not`);
  }
  for (const key of Object.keys(state)) {
    checkFinite(source, key, arrays[key].data);
    // batch norm's running variance goes under a square root
    if (/^runningVar\d*$/.test(key)) checkNonNegative(source, key, arrays[key].data);
  }
  for (const [key, t] of Object.entries(state)) t.data.set(arrays[key].data);
  restoreOptimizer?.();
  return metadata;
}

// Checks the optimizer entries of a file against the optimizer and the network; returns the
// function that applies them (run only once everything has been checked).
function checkOptimizerState(source: string, network: Network, optimizer: Optimizer, arrays: Record<string, NamedArray>,
                             metadata: Record<string, string>): () => void {
  checkpointOf(source, optimizer); // is an optimizer
  const name = optimizer.constructor.name;
  if (metadata.optimizer !== name) {
    throw new FileFormatError(`${source}: the file holds ${metadata.optimizer ? `the state of a ${metadata.optimizer}` : 'no optimizer state'}, not of a ${name}`);
  }
  if (!(optimizer instanceof StatefulOptimizer)) return () => {};
  const slots: Record<string, Float32Array[]> = Object.create(null);
  for (const [key, a] of Object.entries(arrays)) {
    const dot = key.lastIndexOf('.');
    const param = key.slice(0, dot), slot = Number(key.slice(dot + 1));
    const p = Object.hasOwn(network.params, param) ? network.params[param] : undefined;
    if (!p || !/^\d+$/.test(key.slice(dot + 1)) || !Number.isInteger(slot) || slot < 0 || slot >= optimizer.slotsPerParam) {
      throw new FileFormatError(`${source}: the file has optimizer state '${key}', which this ${name} and network do not`);
    }
    if (a.shape.length !== p.shape.length || a.shape.some((d, i) => d !== p.shape[i])) {
      throw new FileFormatError(`${source}: optimizer state '${key}' is [${a.shape.join(', ')}] in the file but params.${param} is [${p.shape.join(', ')}]`);
    }
    checkFinite(source, OPTIMIZER_PREFIX + key, a.data);
    if (optimizer.nonNegativeSlots.includes(slot)) checkNonNegative(source, OPTIMIZER_PREFIX + key, a.data);
    (slots[param] ??= [])[slot] = a.data;
  }
  for (const [param, list] of Object.entries(slots)) {
    if (list.filter(Boolean).length !== optimizer.slotsPerParam) throw new FileFormatError(`${source}: the optimizer state of '${param}' is incomplete`);
  }
  const values: Record<string, number> = Object.create(null);
  for (const [key, v] of Object.entries(metadata)) {
    if (!key.startsWith(OPTIMIZER_PREFIX)) continue;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new FileFormatError(`${source}: optimizer value '${key}' must be a finite number, got ${JSON.stringify(v)}`);
    values[key.slice(OPTIMIZER_PREFIX.length)] = n;
  }
  optimizer.checkStateValues(source, values);
  return () => optimizer.importState(network.params as Record<string, Tensor>, slots, values);
}

const BROWSER_ALTERNATIVE = 'serializeParams/deserializeParams';

/**
 * Writes the network's parameters to a .safetensors file, atomically (see writeFileAtomic): the
 * bytes go to a temporary file beside it, which is fsynced and renamed over `path`, so `path`
 * holds either the previous file or the new one whenever the process dies. Temporaries left by
 * processes that died mid-save are cleaned up by the next successful save.
 */
export async function saveParams(network: Network, path: string, metadata: Record<string, string> = {}, optimizer?: Optimizer): Promise<void> {
  const bytes = serializeState('saveParams', network, metadata, optimizer);
  await writeFileAtomic('saveParams', BROWSER_ALTERNATIVE, path, bytes);
}

/** Reads a .safetensors file into the network; on any error the network is left as it was.
 *  Returns the file's metadata. */
export async function loadParams(network: Network, path: string, optimizer?: Optimizer): Promise<Record<string, string>> {
  const { fs } = await nodeModules('loadParams', BROWSER_ALTERNATIVE);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw new Error(`loadParams: could not read ${path}: ${(e as Error).message}`);
  }
  return deserializeParams(network, bytes, `loadParams(${path})`, optimizer);
}
