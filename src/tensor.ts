// Tensor: a shape plus a block of float32 in the linear memory the kernels work on.
// NOTE: clone() and full() call their kernels (f32_copy, f32_fill) directly, the only calls outside
// ops/ and the backend: ops take tensors, so they sit above this file and it cannot import them.
import { allocator, kernels, memoryBuffer } from './backend/runtime.js';
import { createRng, type Rng } from './rng.js';
import { checkShape, describe, formatShape, shapeSize, type Shape } from './shape.js';
import { ResourceError, ShapeError, ValueError } from './errors.js';

// A block of linear memory shared by a tensor and its reshaped views; freed when the last of
// them is disposed (or garbage-collected without being disposed).
interface Storage {
  offset: number;
  bytes: number;
  refs: number;
}

function release(storage: Storage): void {
  if (--storage.refs === 0) allocator().free(storage.offset);
}

// NOTE: a safety net, not the plan: tensors dropped without dispose() give their memory back when
// the garbage collector gets to them. Layers and networks dispose what they own explicitly.
const finalizer = new FinalizationRegistry<Storage>(release);

const MAX_ARRAY_VALUES = 2 ** 26;

let viewOfStorage: (base: Tensor, start: number, shape: Shape) => Tensor;
let isTensor: (value: unknown) => value is Tensor;
let storageOf: (t: Tensor) => Storage | undefined; // undefined unless t covers its whole block

// NOTE: the constructor takes this module's token: a tensor made elsewhere could name any offset
// (another tensor's block, the kernels' static data) and free it on dispose() or collection.
const INTERNAL = Symbol('scratchnet.Tensor');

/**
 * An n-dimensional array of float32 values in the kernels' memory (row-major, C order). Make one
 * with tensor(), zeros(), ones(), full(), randn() or empty(); read it with `data` (a view),
 * toFloat32Array() or toArray() (copies). Call dispose() when done: the garbage collector also
 * frees unreachable tensors, but later. Several tensors may share storage (reshape() gives views).
 */
export class Tensor {
  static {
    viewOfStorage = (base, start, shape) => new Tensor(base.#storage, shape, base.#start + start, INTERNAL);
    // a brand check: `instanceof` also holds for Object.create(Tensor.prototype)
    isTensor = (value): value is Tensor => typeof value === 'object' && value !== null && #storage in value;
    storageOf = (t) => (!t.#disposed && t.#start === 0 && t.size * 4 === t.#storage.bytes ? t.#storage : undefined);
  }

  readonly shape: Shape;
  readonly size: number;
  readonly #storage: Storage;
  readonly #start: number; // first element within the storage (views of a part of it)
  #disposed = false;
  #view: Float32Array | undefined;

  /** Internal: use tensor(), zeros(), ones(), full(), randn() or empty(). */
  constructor(storage: Storage, shape: Shape, start: number, token: symbol) {
    if (token !== INTERNAL) {
      throw new ValueError('new Tensor: tensors come from tensor(), zeros(), ones(), full(), randn() or empty(); the constructor is internal');
    }
    this.shape = shape;
    this.size = shapeSize(shape);
    this.#storage = storage;
    this.#start = start;
    storage.refs++;
    finalizer.register(this, storage, this);
  }

  /** Byte offset of the data in linear memory (what kernels take). */
  get offset(): number {
    if (this.#disposed) throw new ValueError(`Tensor${formatShape(this.shape)}: used after dispose()${calledFrom()}`);
    return this.#storage.offset + this.#start * 4;
  }

  /**
   * The values, as a view over linear memory: writes go straight into the tensor.
   * NOTE: re-created after the memory grows (growth detaches old views), so read `data` again
   * after anything that may allocate instead of keeping the array.
   */
  get data(): Float32Array {
    const offset = this.offset;
    const buffer = memoryBuffer();
    if (this.#view === undefined || this.#view.buffer !== buffer || this.#view.byteOffset !== offset) {
      this.#view = new Float32Array(buffer, offset, this.size);
    }
    return this.#view;
  }

  /** Whether dispose() was called; a disposed tensor throws a ValueError when used. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** The values as a plain array (a copy), for tensors of at most 2²⁶ values. */
  toArray(): number[] {
    const data = this.data;
    // NOTE: engines cap plain arrays well below a tensor's size (V8 near 1.3e8 elements), and
    // fail only after filling most of it; 2²⁶ numbers (512 MiB) is a limit every engine holds
    if (this.size > MAX_ARRAY_VALUES) {
      throw new ResourceError(`Tensor${formatShape(this.shape)}.toArray: ${this.size} values are more than a plain array takes (2²⁶); ` +
        'use toFloat32Array() (a copy) or data (a view)');
    }
    return Array.from(data);
  }

  /** The values as a Float32Array of their own (a copy: it stays valid and unchanged whatever
   *  happens to the tensor or the memory afterwards). */
  toFloat32Array(): Float32Array {
    return this.data.slice();
  }

  /** A view with another shape over the same data (one dimension may be -1). No copy. */
  reshape(shape: readonly number[]): Tensor {
    this.offset; // throws if disposed
    const resolved = resolveReshape(this, shape);
    return new Tensor(this.#storage, resolved, this.#start, INTERNAL);
  }

  /** A copy with its own memory. */
  clone(): Tensor {
    const copy = empty(this.shape);
    kernels().f32_copy(this.offset, copy.offset, this.size);
    return copy;
  }

  /** Returns the memory (once the last view of it is disposed). Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#view = undefined;
    finalizer.unregister(this);
    release(this.#storage);
  }

  /** 'Tensor(2, 3)', with ' (disposed)' after a dispose(); not the values (see toArray()). */
  toString(): string {
    return this.#disposed ? `Tensor${formatShape(this.shape)} (disposed)` : `Tensor${formatShape(this.shape)}`;
  }
}

// " (in Affine.forward)": the nearest caller outside this file, from the stack, for the message
// of a disposed tensor's use (read only on that error path).
function calledFrom(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  // the first frame outside the tensor and the ops a layer calls: the layer's method
  const line = lines.find((l) => !/tensor\.[jt]s|[/\\](?:ops|backend)[/\\]/.test(l)) ?? '';
  const name = /^\s*at (?:new )?([\w$.<>]+) \(/.exec(line)?.[1] ?? /^([\w$.]+)@/.exec(line)?.[1];
  return name ? ` in ${name.replace(/^Object\./, '')}` : '';
}

function resolveReshape(t: Tensor, shape: readonly number[]): Shape {
  const caller = `Tensor${formatShape(t.shape)}.reshape`;
  if (!Array.isArray(shape)) throw new ValueError(`${caller}: expected an array of integers, got ${describe(shape)}`);
  const free = shape.filter((d) => d === -1).length;
  if (free > 1) throw new ShapeError(`${caller}: at most one dimension may be -1, got [${shape.join(', ')}]`);
  const known = checkShape(caller, shape.filter((d) => d !== -1));
  const knownSize = shapeSize(known);
  const resolved = free ? shape.map((d) => (d === -1 ? (knownSize === 0 ? 0 : t.size / knownSize) : d)) : shape;
  if (!resolved.every(Number.isInteger) || shapeSize(resolved) !== t.size) {
    throw new ShapeError(`${caller}: cannot reshape ${t.size} elements into [${shape.join(', ')}]`);
  }
  return Object.freeze([...resolved]);
}

/**
 * Internal: a tensor of `shape` over the first elements of `base`'s memory (a prefix view). Layers
 * use it to serve any batch size from one buffer sized for the largest batch seen.
 */
export function prefixView(base: Tensor, shape: Shape): Tensor {
  base.offset; // throws if disposed
  if (shapeSize(shape) > base.size) {
    throw new ShapeError(`prefixView: ${formatShape(shape)} does not fit in ${base.size} elements`);
  }
  return viewOfStorage(base, 0, shape);
}

/** Internal: rows [start, start + count) of `base` along its first dimension, without a copy. */
export function rowsView(base: Tensor, start: number, count: number): Tensor {
  base.offset; // throws if disposed
  const n = base.shape[0];
  if (!(start >= 0 && count >= 0 && start + count <= n)) {
    throw new ShapeError(`rowsView: rows [${start}, ${start + count}) are outside the ${n} rows of ${formatShape(base.shape)}`);
  }
  const rowSize = n ? base.size / n : 0;
  return viewOfStorage(base, start * rowSize, [count, ...base.shape.slice(1)]);
}

/** Internal: whether exchangeMemory may be used on these tensors: each live and the whole of its
 *  block (no view of a part of another's), no two sharing one. */
export function exchangeable(tensors: readonly Tensor[]): boolean {
  const blocks = tensors.map(storageOf);
  return blocks.every((b) => b !== undefined) && new Set(blocks).size === blocks.length;
}

/**
 * Internal: swaps the memory of two tensors of the same size (see exchangeable()): each, with every
 * view of it, then reads and writes what the other did. No values move. NOTE: a Float32Array taken
 * from `data` before the swap still shows the old block (read `data` again, as after any call).
 */
export function exchangeMemory(a: Tensor, b: Tensor): void {
  const [x, y] = [storageOf(a), storageOf(b)];
  if (!x || !y || x === y || x.bytes !== y.bytes) throw new ValueError(`exchangeMemory: ${a} and ${b} are not two whole blocks of one size`);
  [x.offset, y.offset] = [y.offset, x.offset];
}

/** Throws unless `value` is a live Tensor; `what` names it in the message (e.g. "Affine.forward: x"). */
export function checkTensor(what: string, value: unknown): Tensor {
  if (!isTensor(value)) throw new ValueError(`${what}: expected a Tensor, got ${describe(value)}`);
  if (value.disposed) throw new ValueError(`${what}: the Tensor${formatShape(value.shape)} was disposed`);
  return value;
}

/** Whether the bytes of `a` and `b` overlap (a view of the other's memory, or the same tensor). */
export function sharesMemory(a: Tensor, b: Tensor): boolean {
  if (a.size === 0 || b.size === 0) return false;
  return a.offset < b.offset + b.size * 4 && b.offset < a.offset + a.size * 4;
}

/** A tensor with uninitialized contents (whatever the memory held). */
export function empty(shape: readonly number[]): Tensor {
  const s = checkShape('empty', shape);
  const storage: Storage = { offset: allocator().alloc(shapeSize(s) * 4), bytes: shapeSize(s) * 4, refs: 0 };
  return new Tensor(storage, s, 0, INTERNAL);
}

/** Copies `values` into a new tensor of the given shape (default: one dimension). */
export function tensor(values: ArrayLike<number>, shape?: readonly number[]): Tensor {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new ValueError(`tensor: expected an array or typed array of numbers, got ${describe(values)}`);
  }
  const s = checkShape('tensor', shape ?? [values.length]);
  if (shapeSize(s) !== values.length) {
    throw new ShapeError(`tensor: shape ${formatShape(s)} needs ${shapeSize(s)} values, got ${values.length}`);
  }
  if (!ArrayBuffer.isView(values)) {
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') {
        throw new ValueError(`tensor: expected numbers, got ${describe(values[i])} at index ${i}`);
      }
    }
  }
  // NOTE: a view of the linear memory (another tensor's data) is detached if allocating grows the
  // memory, so copy it out first.
  const source = ArrayBuffer.isView(values) && (values as Float32Array).buffer === memoryBuffer() ? (values as Float32Array).slice() : values;
  const t = empty(s);
  t.data.set(source);
  return t;
}

/** A new tensor of the given shape with every value `value`. */
export function full(shape: readonly number[], value: number): Tensor {
  if (typeof value !== 'number') throw new ValueError(`full: expected a number to fill with, got ${describe(value)}`);
  const t = empty(shape);
  kernels().f32_fill(t.offset, t.size, value);
  return t;
}

/** A new tensor of the given shape filled with 0. */
export function zeros(shape: readonly number[]): Tensor {
  return full(shape, 0);
}

/** A new tensor of the given shape filled with 1. */
export function ones(shape: readonly number[]): Tensor {
  return full(shape, 1);
}

const defaultRng = createRng();

/** Standard normal values from `rng` (seed it with createRng(seed) for reproducible draws). */
export function randn(shape: readonly number[], rng: Rng = defaultRng): Tensor {
  if (rng === null || typeof rng !== 'object' || typeof rng.normal !== 'function') {
    throw new ValueError(`randn: rng must be a generator from createRng(seed), got ${describe(rng)}`);
  }
  const t = empty(shape);
  const data = t.data;
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return t;
}
