// The error classes: each is an Error and a ScratchnetError, carries its own stable code and name,
// and keeps the message as given (callers that read only e.message see no change). Then: the
// public calls throw the kind their bad input is (checked by class and by code), and src/ throws
// no plain Error except where a system error is passed through.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import {
  createOptimizer, deserialize, FileFormatError, init, matmul, NotInitializedError, preprocessDigit, ResourceError,
  ScratchnetError, ShapeError, tensor, ValueError, zeros,
} from '../src/index.js';
import { trapError } from '../src/backend/trap-guard.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

// First in this file, before init() (each test file has its own module state).
test('a tensor before init() is a NotInitializedError (ERR_NOT_INITIALIZED)', () => {
  const e = caught(() => zeros([2]));
  expect(e).toBeInstanceOf(NotInitializedError);
  expect((e as ScratchnetError).code).toBe('ERR_NOT_INITIALIZED');
  expect((e as Error).message).toMatch(/: scratchnet is not initialized; call `await init\(\)` first$/);
});

test.each([
  [ShapeError, 'ERR_SHAPE'],
  [ValueError, 'ERR_VALUE'],
  [NotInitializedError, 'ERR_NOT_INITIALIZED'],
  [FileFormatError, 'ERR_FILE_FORMAT'],
  [ResourceError, 'ERR_RESOURCE'],
] as const)('%o has code %s, its own name, and the message unchanged', (Kind, code) => {
  const e = new Kind('f: expected a thing, got another');
  expect(e).toBeInstanceOf(Error);
  expect(e).toBeInstanceOf(ScratchnetError);
  expect(e).toBeInstanceOf(Kind);
  expect(e.code).toBe(code);
  expect(e.name).toBe(Kind.name);
  expect(e.message).toBe('f: expected a thing, got another');
  expect(String(e)).toBe(`${Kind.name}: f: expected a thing, got another`);
});

test('the kinds are distinct: a ShapeError is not a ValueError', () => {
  expect(new ShapeError('x')).not.toBeInstanceOf(ValueError);
  expect(new FileFormatError('x')).not.toBeInstanceOf(NotInitializedError);
  expect(new ResourceError('x')).not.toBeInstanceOf(ValueError);
});

function caught(call: () => unknown): unknown {
  try {
    call();
  } catch (e) {
    return e;
  }
  throw new Error('the call did not throw');
}

// [what, call, class, code, message]: one or two public calls per kind
const cases: [string, () => unknown, abstract new (...a: Any[]) => ScratchnetError, string, RegExp][] = [
  ['matmul of (2, 3) and (2, 3)', () => matmul(zeros([2, 3]), zeros([2, 3])), ShapeError, 'ERR_SHAPE', /^matmul: inner dimensions differ/],
  ['tensor with 3 values for (2, 2)', () => tensor([1, 2, 3], [2, 2]), ShapeError, 'ERR_SHAPE', /^tensor: shape \(2, 2\) needs 4 values, got 3$/],
  ['createOptimizer with a typo', () => createOptimizer('Adma' as Any), ValueError, 'ERR_VALUE', /^createOptimizer: unknown optimizer "Adma"/],
  ['tensor of strings', () => tensor(['a'] as Any), ValueError, 'ERR_VALUE', /^tensor: expected numbers, got "a" at index 0$/],
  ['deserialize of 3 bytes', () => deserialize(new Uint8Array(3)), FileFormatError, 'ERR_FILE_FORMAT', /^deserialize: not a valid safetensors file/],
  ['zeros of 2³¹ floats (8 GiB)', () => zeros([2 ** 31]), ResourceError, 'ERR_RESOURCE', /do not fit in the 4 GiB a WebAssembly memory can address/],
  ['preprocessDigit of a 5000-pixel-wide image', () => preprocessDigit(new Float32Array(5000), 5000, 1), ResourceError, 'ERR_RESOURCE',
    /^preprocessDigit: width must be at most 4096 pixels, got 5000$/],
];

test.each(cases)('%s throws the right kind, by class and by code', async (_what, call, Kind, code, message) => {
  await init();
  const e = caught(call);
  expect(e).toBeInstanceOf(Kind);
  expect(e).toBeInstanceOf(ScratchnetError);
  expect((e as ScratchnetError).code).toBe(code);
  expect((e as Error).message).toMatch(message);
});

test('a wasm trap becomes a ScratchnetError with code ERR_INTERNAL; other errors pass unchanged', () => {
  const e = trapError('f32_fill', [1, 2, 3], new WebAssembly.RuntimeError('memory access out of bounds'));
  expect(e).toBeInstanceOf(ScratchnetError);
  expect((e as ScratchnetError).code).toBe('ERR_INTERNAL');
  expect((e as Error).message).toMatch(/^scratchnet: kernel f32_fill\(1, 2, 3\) trapped \(memory access out of bounds\)/);
  const other = new RangeError('x');
  expect(trapError('f32_fill', [], other)).toBe(other);
});

// The only plain Errors in src/: system errors (a file or URL that cannot be read or written, a
// worker that cannot start, an engine that refuses a module) passed through with the caller's
// name, and two that are not thrown to users (a stack trace; a kernel thread's abort, which the
// calling thread reports as ERR_INTERNAL).
const PLAIN_ERRORS = [
  'backend/load.ts: `init: could not fetch ${url.href}',
  'backend/load.ts: `init: could not read the kernels at',
  'backend/runtime.ts: `init: could not instantiate the kernels',
  'backend/threads.ts: `init: could not start kernel threads',
  'backend/threads.ts: e.message',
  'backend/worker.ts: \'kernel aborted\'',
  'cli/read-input.ts: `cannot read ${path}',
  'data/mnist.ts: `loadMnist: could not read ${file}',
  'formats/atomic-file.ts: `${caller}: could not write ${path}',
  'io/model.ts: `loadModel: could not read ${path}',
  'io/params.ts: `loadParams: could not read ${path}',
  'tensor.ts: ).stack',
];

test('src/ makes no plain Error but the listed system errors', () => {
  const src = fileURLToPath(new URL('../src', import.meta.url));
  const found: string[] = [];
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const file = relative(src, path).split('\\').join('/');
    for (const m of readFileSync(path, 'utf8').matchAll(/new Error\((.{0,40})/g)) {
      const listed = PLAIN_ERRORS.find((p) => p.startsWith(`${file}: `) && m[1].startsWith(p.slice(file.length + 2)));
      found.push(listed ?? `${file}: new Error(${m[1]}`);
    }
  }
  expect(found.filter((f) => !PLAIN_ERRORS.includes(f)), 'plain Errors not in PLAIN_ERRORS: use a ScratchnetError kind').toEqual([]);
  expect(PLAIN_ERRORS.filter((p) => !found.includes(p)), 'listed plain Errors no longer in src/').toEqual([]);
});
