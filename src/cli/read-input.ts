// Reading a file the user named, with the one-line error the command line prints.
import { readFile, stat } from 'node:fs/promises';
import { ResourceError } from '../errors.js';

/** The file's bytes; with `maxBytes`, a larger file is an error before it is read. */
export async function readInput(path: string, maxBytes = Infinity): Promise<Buffer> {
  try {
    if (maxBytes < Infinity) {
      const { size } = await stat(path);
      if (size > maxBytes) throw new ResourceError(`cannot read ${path}: ${size} bytes is more than the ${maxBytes} this takes`);
    }
    return await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (!err.code) throw e;
    throw new Error(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}
