// How the big kernels are cut into one range per thread.
import type { Kernels } from './kernels.js';
import { runParallel, threadCount, type KernelArgs } from './runtime.js';

// NOTE: a hand-off to a kernel thread costs about 10 µs, the time of ~0.4 MFLOP here; below this
// many flops per thread a kernel stays on the calling thread.
const MIN_FLOPS_PER_THREAD = 2e6;

/** Threads worth using for a kernel of this many flops (1 on the JS backend). */
export function threadsFor(flops: number): number {
  return Math.max(1, Math.min(threadCount(), Math.floor(flops / MIN_FLOPS_PER_THREAD)));
}

// NOTE: an elementwise pass is bound by memory traffic; one element costs about the time of 16
// GEMM flops here (ReLU over 1.7 M floats: 0.7 ms).
const ELEMENT_COST = 16;

/** Runs an elementwise kernel over n floats, cut at whole cache lines (16 floats, so each range
 *  but the last has no scalar tail) between the threads worth using; `args(start, count)` gives
 *  a range's arguments. */
export function runElementwise<K extends keyof Kernels>(name: K, n: number, args: (start: number, count: number) => KernelArgs<K>): void {
  runSplit(name, n, ELEMENT_COST, 16, args);
}

/** Runs a kernel over N samples of `elementsPerSample` floats each (the larger of its input and
 *  output), cut into whole samples between the threads worth using. */
export function runSamples<K extends keyof Kernels>(name: K, N: number, elementsPerSample: number,
                                                  args: (n0: number, count: number) => KernelArgs<K>): void {
  runSplit(name, N, elementsPerSample * ELEMENT_COST, 1, args);
}

// `total` units of work costing `unitCost` flops each, cut at multiples of `multiple`.
function runSplit<K extends keyof Kernels>(name: K, total: number, unitCost: number, multiple: number,
                                           args: (start: number, count: number) => KernelArgs<K>): void {
  runParallel(name, splitRange(total, threadsFor(total * unitCost), multiple).map(([start, count]) => args(start, count)));
}

/** [start, count] ranges covering [0, total) in `parts` near-equal pieces whose boundaries are
 *  multiples of `multiple` (a kernel's tile size, so no thread gets a ragged tile it would not
 *  have had alone); fewer pieces when there is not enough to cut. */
export function splitRange(total: number, parts: number, multiple = 1): [number, number][] {
  if (total === 0) return [[0, 0]]; // one empty range: the kernel still runs (and does nothing)
  const units = Math.ceil(total / multiple);
  const pieces = Math.max(1, Math.min(parts, units));
  const ranges: [number, number][] = [];
  let start = 0;
  for (let p = 0; p < pieces; p++) {
    const end = Math.min(total, Math.round((units * (p + 1)) / pieces) * multiple);
    if (end > start) ranges.push([start, end - start]);
    start = end;
  }
  return ranges;
}
