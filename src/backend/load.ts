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

/** The compiled kernels, and their bytes where they were read here (a file, or bytes given):
 *  init() keys its stored GEMM choice by them. */
export interface CompiledWasm {
  module: WebAssembly.Module;
  bytes?: Uint8Array;
}

export async function compileWasm(source: WasmSource | undefined, build: WasmBuild): Promise<CompiledWasm> {
  source ??= defaultWasmUrl(build);
  if (source instanceof WebAssembly.Module) return { module: source };
  if (typeof source !== 'string' && !(source instanceof URL)) {
    const bytes = ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : new Uint8Array(source);
    return { module: await WebAssembly.compile(source), bytes };
  }
  const url = new URL(source, import.meta.url);
  if (url.protocol === 'file:') {
    const bytes = await readLocalFile(url);
    return { module: await WebAssembly.compile(bytes), bytes };
  }
  // NOTE: compileStreaming needs the server to send application/wasm; fall back to bytes if not.
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return { module: await WebAssembly.compileStreaming(fetchOk(url)) };
    } catch {
      // fall through
    }
  }
  return { module: await WebAssembly.compile(await (await fetchOk(url)).arrayBuffer()) };
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
