// Fetches and compiles the kernels' .wasm in Node, browsers and bundlers. The URL is written as
// `new URL('…', import.meta.url)` so Vite, webpack and esbuild find and ship the file.

export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/** Which build of the kernels to load: one per memory kind and SIMD instruction set. */
export interface WasmBuild {
  /** The threaded builds import a shared memory; a module must match its memory's kind. */
  threads: boolean;
  /** The relaxed-SIMD builds multiply-add in one rounding (FMA); engines without relaxed SIMD reject them. */
  fma: boolean;
}

// NOTE: four literal URLs (not one built from parts), so bundlers find and ship every file.
export function defaultWasmUrl({ threads, fma }: WasmBuild): URL {
  if (fma) {
    return threads ? new URL('../../build/scratchnet-threads-relaxed.wasm', import.meta.url) : new URL('../../build/scratchnet-relaxed.wasm', import.meta.url);
  }
  return threads ? new URL('../../build/scratchnet-threads.wasm', import.meta.url) : new URL('../../build/scratchnet.wasm', import.meta.url);
}

export async function compileWasm(source: WasmSource | undefined, build: WasmBuild): Promise<WebAssembly.Module> {
  source ??= defaultWasmUrl(build);
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source !== 'string' && !(source instanceof URL)) return WebAssembly.compile(source);
  const url = new URL(source, import.meta.url);
  if (url.protocol === 'file:') return WebAssembly.compile(await readLocalFile(url));
  // NOTE: compileStreaming needs the server to send application/wasm; fall back to bytes if not.
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(fetchOk(url));
    } catch {
      // fall through
    }
  }
  return WebAssembly.compile(await (await fetchOk(url)).arrayBuffer());
}

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`init: could not fetch ${url.href}: HTTP ${response.status}`);
  return response;
}

// Node's fetch does not read file: URLs. The module name is a variable so bundlers targeting
// browsers leave this import alone; browsers never reach it.
async function readLocalFile(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const fsModule = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsModule)) as { readFile(u: URL): Promise<Uint8Array<ArrayBuffer>> };
  try {
    return await fs.readFile(url);
  } catch (e) {
    throw new Error(`init: could not read the kernels at ${url.pathname}: ${(e as Error).message}. ` +
      'Run `npm run asbuild` to compile them.');
  }
}
