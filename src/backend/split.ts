// How the big kernels are cut into one range per thread.
import { threadCount } from './runtime.js';

// NOTE: a hand-off to a kernel thread costs about 10 µs, the time of ~0.4 MFLOP here; below this
// many flops per thread a kernel stays on the calling thread.
const MIN_FLOPS_PER_THREAD = 2e6;

/** Threads worth using for a kernel of this many flops (1 on the JS backend). */
export function threadsFor(flops: number): number {
  return Math.max(1, Math.min(threadCount(), Math.floor(flops / MIN_FLOPS_PER_THREAD)));
}

/** [start, count] ranges covering [0, total) in `parts` near-equal pieces whose boundaries are
 *  multiples of `multiple` (a kernel's tile size, so no thread gets a ragged tile it would not
 *  have had alone); fewer pieces when there is not enough to cut. */
export function splitRange(total: number, parts: number, multiple = 1): [number, number][] {
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
