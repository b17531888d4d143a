// The timed GEMM choice kept between runs (Node): a small JSON file in the user's cache directory,
// one entry per machine and kernel build, so that only the first start on a machine spends the
// 20–70 ms of timing. Nothing here may fail init(): a file that cannot be read, parsed or written
// is treated as absent, and an entry is used only when its key and its kernel names check out.
import { GEMM_KERNELS, type GemmKernelName, type GemmProductKind } from './kernels.js';

export const STORE_FILE = 'gemm-kernels.json';
const FORMAT = 'scratchnet-gemm-kernels';
const MAX_ENTRIES = 32; // the most recently written: a few Node versions × builds × library versions

/** What one timing decided, and for which machine and build. */
export type GemmChoice = Record<GemmProductKind, GemmKernelName>;

interface StoreFile {
  format: typeof FORMAT;
  entries: Record<string, GemmChoice>;
}

// Node's modules by variable names, so bundlers for browsers leave them alone
async function node() {
  const [fs, os, path, crypto] = ['node:fs/promises', 'node:os', 'node:path', 'node:crypto'];
  return {
    fs: (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises'),
    os: (await import(/* @vite-ignore */ os)) as typeof import('node:os'),
    path: (await import(/* @vite-ignore */ path)) as typeof import('node:path'),
    crypto: (await import(/* @vite-ignore */ crypto)) as typeof import('node:crypto'),
  };
}

/** The directory init() keeps its measurements in: `cacheDir` when given (false: none), else
 *  $SCRATCHNET_CACHE_DIR ('off': none), else $XDG_CACHE_HOME/scratchnet, else ~/.cache/scratchnet.
 *  Undefined outside Node. */
export async function storeDir(cacheDir: string | false | undefined): Promise<string | undefined> {
  if (typeof process === 'undefined' || !process.versions?.node || cacheDir === false) return undefined;
  if (cacheDir !== undefined) return cacheDir;
  const fromEnv = process.env.SCRATCHNET_CACHE_DIR;
  if (fromEnv === 'off') return undefined;
  if (fromEnv) return fromEnv;
  const { os, path } = await node();
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'scratchnet');
}

/** The key of an entry: whatever changes which micro-kernel is fastest (the CPU, V8's compiler,
 *  the kernels' bytes and build: threads, FMA) or what the names mean (the library's version). */
export async function storeKey(parts: { version: string; threads: boolean; fma: boolean; wasm: Uint8Array }): Promise<string> {
  const { fs, os, crypto } = await node();
  const digest = crypto.createHash('sha256').update(parts.wasm).digest('hex').slice(0, 16);
  // NOTE: virtual machines often name the CPU by its brand alone ("AMD EPYC"), which covers
  // generations that time differently; Linux's family and model tell them apart
  const info = await fs.readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const family = /^cpu family\s*:\s*(\d+)/m.exec(info)?.[1], model = /^model\s*:\s*(\d+)/m.exec(info)?.[1];
  const cpu = (os.cpus()[0]?.model.trim() ?? 'unknown cpu') + (family && model ? ` (family ${family}, model ${model})` : '');
  return [cpu, `v8 ${process.versions.v8}`, `scratchnet ${parts.version}`, parts.threads ? 'threads' : 'single', parts.fma ? 'fma' : 'unfused', `wasm ${digest}`].join(' | ');
}

function isChoice(v: unknown): v is GemmChoice {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  const kinds: GemmProductKind[] = ['fewRows', 'manyRows'];
  return keys.length === kinds.length && kinds.every((kind) => typeof (v as Record<string, unknown>)[kind] === 'string' &&
    Object.hasOwn(GEMM_KERNELS, (v as Record<string, string>)[kind]));
}

// The file's entries, or none when it is missing, unreadable or not this format (then it is
// rewritten whole at the next save).
async function readEntries(file: string): Promise<Record<string, GemmChoice>> {
  const { fs } = await node();
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<StoreFile>;
    if (parsed?.format !== FORMAT || parsed.entries === null || typeof parsed.entries !== 'object' || Array.isArray(parsed.entries)) return {};
    return Object.fromEntries(Object.entries(parsed.entries).filter(([, choice]) => isChoice(choice)));
  } catch {
    return {};
  }
}

/** The choice stored under `key` in `dir`, if a valid one is there. */
export async function loadGemmChoice(dir: string, key: string): Promise<GemmChoice | undefined> {
  const { path } = await node();
  const entries = await readEntries(path.join(dir, STORE_FILE));
  return Object.hasOwn(entries, key) ? { fewRows: entries[key].fewRows, manyRows: entries[key].manyRows } : undefined;
}

/** Stores `choice` under `key` in `dir`; returns whether it was written. NOTE: written to a file
 *  of its own, then renamed over the old one, so a reader never sees half a file. */
export async function saveGemmChoice(dir: string, key: string, choice: GemmChoice): Promise<boolean> {
  const { fs, path } = await node();
  const file = path.join(dir, STORE_FILE);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const entries = await readEntries(file);
    delete entries[key]; // re-inserted last: the oldest entries go first
    entries[key] = { fewRows: choice.fewRows, manyRows: choice.manyRows };
    const kept = Object.entries(entries).slice(-MAX_ENTRIES);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(temp, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(kept) } satisfies StoreFile, null, 1));
    await fs.rename(temp, file);
    return true;
  } catch {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    return false;
  }
}
