// Which GEMM micro-kernels init() sets: the ones named, else those an earlier run on this machine
// timed and stored (Node), else the fastest as timed now (stored for the next run where it settled).
import type { Allocator } from './allocator.js';
import { GEMM_KERNELS, type GemmKernelName, type WasmExports } from './kernels.js';
import type { GemmChoice } from './gemm-choice-store.js';
import { selectGemmKernel, warmUp } from './wasm-setup.js';

/** How the choice was made: named by init() (or the environment), read from the store, or timed now
 *  (`timed` false when the timing did not settle and 4x8 runs). */
export interface GemmKernelChoice {
  kernels: GemmChoice;
  timed: boolean;
  stored: boolean;
}

/** Where the store is and what identifies this build of the kernels in it. */
export interface StoreContext {
  cacheDir: string | false | undefined; // init()'s option
  threads: boolean;
  fma: boolean;
  bytes: Uint8Array | undefined; // the kernels' bytes: without them (a compiled Module given), no store
}

export async function chooseGemmKernels(k: WasmExports, alloc: Allocator, named: GemmKernelName | undefined, context: StoreContext): Promise<GemmKernelChoice> {
  if (named) return set(k, alloc, { fewRows: named, manyRows: named }, false, false);
  const place = await storePlace(context);
  const stored = place && await place.store.loadGemmChoice(place.dir, place.key);
  if (stored) return set(k, alloc, stored, true, true);
  // the timing runs every candidate until V8 has optimized it: no warm-up needed after it
  const selection = await selectGemmKernel(k, alloc);
  if (place && selection.settled) await place.store.saveGemmChoice(place.dir, place.key, selection.kernels);
  return { kernels: selection.kernels, timed: selection.settled, stored: false };
}

function set(k: WasmExports, alloc: Allocator, kernels: GemmChoice, timed: boolean, stored: boolean): GemmKernelChoice {
  k.gemm_set_kernel(GEMM_KERNELS[kernels.fewRows].id, GEMM_KERNELS[kernels.manyRows].id);
  warmUp(k, alloc);
  return { kernels, timed, stored };
}

// The store's directory and this build's key there; none outside Node, without the kernels' bytes,
// or when the store is turned off. Never throws: init() does not depend on the store.
async function storePlace(context: StoreContext) {
  if (!context.bytes || typeof process === 'undefined' || !process.versions?.node) return undefined;
  try {
    // a module of its own: browsers, which have no store, never load it
    const store = await import('./gemm-choice-store.js');
    const dir = await store.storeDir(context.cacheDir);
    if (!dir) return undefined;
    return { store, dir, key: await store.storeKey({ version: await libraryVersion(), threads: context.threads, fma: context.fma, wasm: context.bytes }) };
  } catch {
    return undefined;
  }
}

async function libraryVersion(): Promise<string> {
  const fsModule = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const { version } = JSON.parse(await fs.readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
