// Writing a file so that a crash never leaves a half-written one in its place, and reading Node's
// file modules without pulling them into browser bundles. Shared by every save* function
// (saveParams, saveOnnx); test/crash-save.test.ts kills a saving process at random moments.
import { ResourceError } from '../errors.js';

/** Node's fs, path and os modules; throws a clear error outside Node, naming `caller` and the
 *  in-memory alternative a browser user should call (`inBrowser`). */
export async function nodeModules(caller: string, inBrowser: string) {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof proc?.versions?.node !== 'string') {
    throw new ResourceError(`${caller}: files need Node; in a browser use ${inBrowser}`);
  }
  // NOTE: variable module names keep browser bundlers from pulling Node modules in.
  const [fs, path, os] = ['node:fs/promises', 'node:path', 'node:os'];
  return {
    fs: (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises'),
    path: (await import(/* @vite-ignore */ path)) as typeof import('node:path'),
    os: (await import(/* @vite-ignore */ os)) as typeof import('node:os'),
  };
}

// Temporary files (resolved paths) of saves in progress in this process (concurrent saves to one
// path each have their own), which the clean-up below must not touch.
const inFlight = new Set<string>();

/**
 * Writes `bytes` to `path` atomically: they go to a temporary file beside it
 * (`<path>.tmp-<host>-<pid>-<random>`), which is fsynced and then renamed over `path`, and the
 * directory is fsynced so the rename itself is durable. Whenever the process dies, `path` holds
 * either the previous file or the new one, never a mix. Errors name `caller`.
 *
 * A process killed mid-save leaves its temporary file behind. After each successful save, the
 * temporaries of `path` left by processes that no longer run on this host (and failed ones of this
 * process) are deleted; those of live processes, or of other hosts sharing the folder, are kept.
 */
export async function writeFileAtomic(caller: string, inBrowser: string, path: string, bytes: Uint8Array): Promise<void> {
  const { fs, path: paths, os } = await nodeModules(caller, inBrowser);
  const host = tempHost(os.hostname());
  const tmp = `${path}.tmp-${host}-${process.pid}-${Math.random().toString(36).slice(2)}`;
  inFlight.add(paths.resolve(tmp));
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
    // NOTE: the clean-up's own failure (the folder is missing or a file) must not hide the cause
    await fs.rm(tmp, { force: true }).catch(() => {});
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' || code === 'ENOENT'
      ? `its folder ${paths.dirname(path)} does not exist or is not a folder` : (e as Error).message;
    throw new Error(`${caller}: could not write ${path}: ${why}`);
  } finally {
    inFlight.delete(paths.resolve(tmp));
  }
  await syncDirectory(fs, paths.dirname(path));
  await removeStaleTemporaries(fs, paths, path, host);
}

// The host name as it appears in temporary names: no path separators or other surprises.
function tempHost(hostname: string): string {
  return hostname.replace(/[^A-Za-z0-9.]/g, '_') || 'host';
}

// fsync of the folder, so the rename survives a power cut, not only a crash of the process.
// Best effort: some systems (Windows) cannot open a folder for it.
async function syncDirectory(fs: typeof import('node:fs/promises'), dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not supported here; the file itself is complete either way
  }
}

// Deletes `<path>.tmp-<host>-<pid>-<random>` files of this host whose process has exited (or,
// for this process, that no save is still writing). Best effort: errors are ignored.
async function removeStaleTemporaries(fs: typeof import('node:fs/promises'), paths: typeof import('node:path'),
                                      path: string, host: string): Promise<void> {
  try {
    const dir = paths.dirname(path);
    const prefix = `${paths.basename(path)}.tmp-${host}-`;
    for (const name of await fs.readdir(dir)) {
      if (!name.startsWith(prefix)) continue;
      const match = /^(\d+)-[0-9a-z]+$/.exec(name.slice(prefix.length));
      if (!match) continue;
      const pid = Number(match[1]);
      const file = paths.join(dir, name);
      const stale = pid === process.pid ? !inFlight.has(paths.resolve(file)) : !isRunning(pid);
      if (stale) await fs.rm(file, { force: true });
    }
  } catch {
    // the save succeeded; leftovers are only clutter
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, but belongs to another user
  }
}
