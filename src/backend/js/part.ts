// What each file of the JS twin provides: some of the kernels, over a view of the heap.
import type { Kernels } from '../kernels.js';

/** The whole linear memory as floats, re-derived after growth. */
export type Heap = () => Float32Array;

export type KernelPart = Partial<Kernels>;
