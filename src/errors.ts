// The errors the library throws, so callers can tell kinds apart without matching messages: each
// has a stable `code` (what a program tests) and the usual message (what a person reads, naming
// the function, what it expected and what it got). All extend Error, so `catch (e)` code that
// reads only `e.message` keeps working.

/** Codes of the library's errors; stable across versions. */
export type ScratchnetErrorCode = 'ERR_SHAPE' | 'ERR_VALUE' | 'ERR_NOT_INITIALIZED' | 'ERR_FILE_FORMAT' | 'ERR_TRAINING_DIVERGED';

/** The base of every error the library throws on purpose. */
export class ScratchnetError extends Error {
  constructor(message: string, /** What kind of error this is; stable across versions. */ readonly code: ScratchnetErrorCode) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor of the wrong shape, rank or size for the call (e.g. `Affine.forward: x (3, 5) …`). */
export class ShapeError extends ScratchnetError {
  constructor(message: string) {
    super(message, 'ERR_SHAPE');
  }
}

/** An argument of the right shape but a wrong value or type: NaN in data, a label out of range, an
 *  unknown option, a disposed tensor. */
export class ValueError extends ScratchnetError {
  constructor(message: string) {
    super(message, 'ERR_VALUE');
  }
}

/** A call that needs the kernels before `await init()` has loaded them. */
export class NotInitializedError extends ScratchnetError {
  constructor(message: string) {
    super(message, 'ERR_NOT_INITIALIZED');
  }
}

/** A file or byte buffer that is not what it claims to be: a truncated or corrupt IDX, gzip,
 *  safetensors or model file. */
export class FileFormatError extends ScratchnetError {
  constructor(message: string) {
    super(message, 'ERR_FILE_FORMAT');
  }
}
