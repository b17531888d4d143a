// The pure-JS twin of the wasm kernels: plain loops over the same linear memory, one function
// per wasm export with the same arguments, one file per assembly/ file. It is the oracle the wasm
// kernels are tested against and the "pure JavaScript" baseline the benchmarks compare with, so
// it is written for clarity first and decent speed second (good loop order, no allocation per
// call, no closures per element). Arithmetic runs in float64 and rounds once when stored.
import type { Kernels } from '../kernels.js';
import { activationKernels } from './activation.js';
import { geluKernels } from './gelu.js';
import { biasKernels } from './bias.js';
import { elementwiseKernels } from './elementwise.js';
import { gatherKernels } from './gather.js';
import { gemmKernels } from './gemm.js';
import { im2colKernels } from './im2col.js';
import { convKernels } from './conv.js';
import { winogradKernels } from './winograd.js';
import { winogradFilterKernels } from './winograd-filter.js';
import { transposeKernels } from './transpose.js';
import { poolKernels } from './pool.js';
import { optimKernels } from './optim.js';
import { batchnormKernels } from './batchnorm.js';
import { batchnorm2dKernels } from './batchnorm2d.js';
import { warpKernels } from './warp.js';
import { dropoutKernels } from './dropout.js';
import { reduceKernels } from './reduce.js';
import { maxoutKernels } from './maxout.js';
import { lossKernels } from './loss.js';
import type { Heap } from './part.js';
import { softmaxKernels } from './softmax.js';

export function createJsKernels(heap: Heap): Kernels {
  return {
    ...elementwiseKernels(heap),
    ...biasKernels(heap),
    ...activationKernels(heap),
    ...geluKernels(heap),
    ...softmaxKernels(heap),
    ...lossKernels(heap),
    ...gatherKernels(heap),
    ...gemmKernels(heap),
    ...im2colKernels(heap),
    ...convKernels(heap),
    ...winogradKernels(heap),
    ...winogradFilterKernels(heap),
    ...transposeKernels(heap),
    ...poolKernels(heap),
    ...maxoutKernels(heap),
    ...reduceKernels(heap),
    ...dropoutKernels(heap),
    ...batchnormKernels(heap),
    ...batchnorm2dKernels(heap),
    ...warpKernels(heap),
    ...optimKernels(heap),
  };
}
