// Whether this engine runs WebAssembly relaxed SIMD, which the FMA builds of the kernels need.
// Chrome and Edge ship it (114+), as does Node from 22. Node 20's V8 has it behind
// --experimental-wasm-relaxed-simd: there we turn that flag on. It only lets modules use the
// instructions, V8 reads it whenever it compiles a module, and it is process-wide, so the kernel
// threads' workers see it too (checked on Node 20.20). Engines without it get the unfused build.
import { relaxedSimd } from 'wasm-feature-detect';

export async function relaxedSimdAvailable(): Promise<boolean> {
  if (await relaxedSimd()) return true;
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  try {
    // NOTE: a variable module name keeps bundlers for browsers away from it
    const v8Module = 'node:v8';
    const v8 = (await import(/* @vite-ignore */ v8Module)) as typeof import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false; // a Node-like runtime without V8's flags
  }
  return relaxedSimd();
}
