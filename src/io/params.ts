// Saving and loading a network's parameters (and batch-norm running statistics) as safetensors.
// Loading checks every name, shape and byte range before it changes anything; saving writes a
// temporary file, fsyncs it and renames it into place, so a crash never leaves a half-written file
// (test/crash-save.test.ts kills a saving process at random moments to check it).
import type { Network } from '../networks/network.js';
import { sumOfSquares } from '../ops/elementwise.js';
import { checkTensor, type Tensor } from '../tensor.js';
import { nodeModules, writeFileAtomic } from '../formats/atomic-file.js';
import { deserialize, serialize, type NamedArray } from '../formats/safetensors.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { StatefulOptimizer, type OptimizerCheckpoint } from '../optimizers/stateful.js';
import { options as checkOptions } from '../options.js';
import { describe } from '../shape.js';
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
  checkMetadata('serializeParams', metadata);
  return serializeState('serializeParams', network, metadata, optimizer);
}

// NOTE: an optimizer's state (momentum, Adam's moments and step count) rides along as tensors
// named `optimizer.<param>.<slot>` and metadata `optimizer.<value>`, so a resumed run continues
// exactly where it stopped; readers that only want the weights skip those entries.
const OPTIMIZER_PREFIX = 'optimizer.';

/** The network's state (and an optimizer's) as safetensors bytes, stored as float32 or float16. */
export function serializeState(caller: string, network: Network, metadata: Record<string, string>, optimizer?: Optimizer, dtype: 'F32' | 'F16' = 'F32'): Uint8Array {
  const arrays: Record<string, NamedArray> = {};
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
    if (!Number.isFinite(sumOfSquares(t))) checkFinite(caller, name, t.data, ' (a diverged network?); nothing was written');
    arrays[name] = { shape: [...t.shape], data: t.data };
  }
  return serialize(arrays, { ...metadata, ...extra, format: 'scratchnet', network: networkName(network) }, { dtype, caller });
}

// Metadata is a record of strings; an optimizer in its place (serializeParams(net, optimizer))
// would otherwise be saved as its fields, and its state not at all.
function checkMetadata(caller: string, metadata: unknown): void {
  if (isOptimizer(metadata)) {
    throw new ValueError(`${caller}: the metadata argument is a record of strings, got an optimizer (${metadata.constructor.name}); ` +
      'pass it after the metadata: ({}, optimizer)');
  }
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValueError(`${caller}: metadata must be a record of strings, got ${describe(metadata)}`);
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new ValueError(`${caller}: metadata.${key} must be a string, got ${describe(value)}`);
  }
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

/** Options of deserializeParams. */
export interface DeserializeParamsOptions {
  /** The name errors give the bytes (a file name); default 'deserializeParams'. */
  source?: string;
  /** An optimizer to restore the file's optimizer state into (saved by serializeParams or
   *  saveParams with one): a fresh one, or one used only on this network. */
  optimizer?: Optimizer;
}

/** Loads safetensors bytes into the network (and, if given, the optimizer's saved state), all or
 *  nothing; returns the file's metadata. Takes `{ source, optimizer }`, or (as before) the source
 *  and the optimizer as third and fourth arguments. */
export function deserializeParams(network: Network, bytes: Uint8Array, options?: string | DeserializeParamsOptions,
                                  optimizer?: Optimizer): Record<string, string> {
  let source: string;
  [source, optimizer] = readDeserializeArguments(options, optimizer);
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

// deserializeParams' third and fourth arguments, checked: [source, optimizer]. NOTE: an optimizer
// passed third (by analogy with loadParams(net, path, optimizer)) would otherwise be taken for the
// source and restore nothing, silently.
function readDeserializeArguments(options: unknown, optimizer: unknown): [string, Optimizer | undefined] {
  const caller = 'deserializeParams';
  if (options === undefined || typeof options === 'string') {
    if (optimizer !== undefined) checkpointOf(caller, optimizer as Optimizer);
    return [options ?? caller, optimizer as Optimizer | undefined];
  }
  if (isOptimizer(options)) {
    throw new ValueError(`${caller}: the third argument is an options object { source, optimizer } (or the source's name), got ` +
      `an optimizer (${options.constructor.name}); pass { optimizer } to restore its state`);
  }
  const o = checkOptions(caller, options as DeserializeParamsOptions, ['source', 'optimizer']);
  if (optimizer !== undefined) throw new ValueError(`${caller}: give the optimizer in the options object, not as a fourth argument too`);
  if (o.source !== undefined && typeof o.source !== 'string') throw new ValueError(`${caller}: source must be a string, got ${describe(o.source)}`);
  if (o.optimizer !== undefined) checkpointOf(caller, o.optimizer);
  return [o.source ?? caller, o.optimizer];
}

function isOptimizer(value: unknown): value is Optimizer {
  return value !== null && typeof value === 'object' && typeof (value as Partial<Optimizer>).update === 'function';
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
  if (optimizer.holdsStateOutside(Object.values(network.params))) {
    throw new ValueError(`${source}: the ${name} holds the state of parameters that are not this network's (it was used on another ` +
      'network); restore into a fresh optimizer');
  }
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
  checkMetadata('saveParams', metadata);
  const bytes = serializeState('saveParams', network, metadata, optimizer);
  await writeFileAtomic('saveParams', BROWSER_ALTERNATIVE, path, bytes);
}

/** Reads a .safetensors file into the network; on any error the network is left as it was.
 *  Returns the file's metadata. */
export async function loadParams(network: Network, path: string, optimizer?: Optimizer): Promise<Record<string, string>> {
  if (optimizer !== undefined) checkpointOf('loadParams', optimizer);
  const { fs } = await nodeModules('loadParams', BROWSER_ALTERNATIVE);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw new Error(`loadParams: could not read ${path}: ${(e as Error).message}`);
  }
  return deserializeParams(network, bytes, `loadParams(${path})`, optimizer);
}
