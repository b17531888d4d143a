// The errors the library throws, so callers can tell kinds apart without matching messages: each
// has a stable `code` (what a program tests) and the usual message (what a person reads, naming
// the function, what it expected and what it got). All extend Error, so `catch (e)` code that
// reads only `e.message` keeps working.

/** Codes of the library's errors; stable across versions. */
export type ScratchnetErrorCode = 'ERR_SHAPE' | 'ERR_VALUE' | 'ERR_NOT_INITIALIZED' | 'ERR_FILE_FORMAT' | 'ERR_RESOURCE'
  | 'ERR_TRAINING_DIVERGED' | 'ERR_INTERNAL';

/** The base of every error the library throws on purpose. A plain ScratchnetError (no subclass)
 *  has code `'ERR_INTERNAL'`: a kernel trapped or aborted although its arguments passed the
 *  host's checks, which is a bug in scratchnet. */
export class ScratchnetError extends Error {
  constructor(message: string, /** What kind of error this is; stable across versions. */ readonly code: ScratchnetErrorCode) {
    super(message);
    // NOTE: a literal, not new.target.name: minifiers rename classes (each kind sets its own)
    this.name = 'ScratchnetError';
  }
}

/** A tensor of the wrong shape, rank or size for the call (e.g. `Affine.forward: x (3, 5) …`). */
export class ShapeError extends ScratchnetError {
  override readonly name = 'ShapeError';

  constructor(message: string) {
    super(message, 'ERR_SHAPE');
  }
}

/** An argument of the right shape but a wrong value or type: NaN in data, a label out of range, an
 *  unknown option, a disposed tensor. */
export class ValueError extends ScratchnetError {
  override readonly name = 'ValueError';

  constructor(message: string) {
    super(message, 'ERR_VALUE');
  }
}

/** A call that needs the kernels before `await init()` has loaded them. */
export class NotInitializedError extends ScratchnetError {
  override readonly name = 'NotInitializedError';

  constructor(message: string) {
    super(message, 'ERR_NOT_INITIALIZED');
  }
}

/** A file or byte buffer that is not what it claims to be: a truncated or corrupt IDX, gzip,
 *  safetensors or model file. */
export class FileFormatError extends ScratchnetError {
  override readonly name = 'FileFormatError';

  constructor(message: string) {
    super(message, 'ERR_FILE_FORMAT');
  }
}

/** A request past what the library or its environment can hold: a WebAssembly memory past 4 GiB,
 *  more values than a plain array takes, an image larger than the digit reader accepts, or a
 *  facility that is absent (an optional package that is not installed, Node's file system in a
 *  browser). The call itself is well formed. */
export class ResourceError extends ScratchnetError {
  override readonly name = 'ResourceError';

  constructor(message: string) {
    super(message, 'ERR_RESOURCE');
  }
}
