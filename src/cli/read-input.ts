// Reading a file the user named, with the one-line error the command line prints.
import { readFile } from 'node:fs/promises';

export async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}
