// scratchnet: deep learning from scratch, with the hot loops in WebAssembly SIMD.
export { init, setBackend, getBackend, memoryStats } from './backend/runtime.js';
export type { InitOptions, MemoryStats } from './backend/runtime.js';
export type { BackendName, Kernels } from './backend/kernels.js';
export { Tensor, tensor, zeros, ones, full, empty, randn } from './tensor.js';
export { createRng } from './rng.js';
export type { Rng } from './rng.js';
export { matmul, gemm } from './ops/gemm.js';
