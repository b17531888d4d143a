// The error classes: each is an Error and a ScratchnetError, carries its own stable code and name,
// and keeps the message as given (callers that read only e.message see no change).
import { expect, test } from 'vitest';
import { FileFormatError, NotInitializedError, ScratchnetError, ShapeError, ValueError } from '../src/index.js';

test.each([
  [ShapeError, 'ERR_SHAPE'],
  [ValueError, 'ERR_VALUE'],
  [NotInitializedError, 'ERR_NOT_INITIALIZED'],
  [FileFormatError, 'ERR_FILE_FORMAT'],
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
});
