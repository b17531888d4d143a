// Regions of linear memory for kernel suites: inputs, and outputs filled with NaN (every float
// must be written) followed by guard floats that must survive; all freed together by release().
import { allocator, heapF32 } from '../src/backend/runtime.js';
import { read, region, write } from './helpers.js';

const GUARD = 4;
const SENTINEL = 7777;

export function guardedMemory() {
  const blocks: number[] = [];
  const track = (n: number, misalign: number) => {
    const r = region(n, misalign);
    blocks.push(r - misalign);
    return r;
  };
  return {
    /** A region holding `values`, `misalign` bytes past a 64-byte boundary. */
    input(values: ArrayLike<number>, misalign: number): number {
      const r = track(values.length + GUARD, misalign);
      write(r, values);
      return r;
    },
    /** A region holding int32 `values` (no guard). */
    inputI32(values: Int32Array, misalign: number): number {
      const r = track(values.length, misalign);
      new Int32Array(heapF32().buffer, r, values.length).set(values);
      return r;
    },
    /** n floats of garbage (NaN: every one must be written) followed by the guard. */
    output(n: number, misalign: number): number {
      const r = track(n + GUARD, misalign);
      write(r, new Float32Array(n).fill(NaN));
      write(r + 4 * n, new Float32Array(GUARD).fill(SENTINEL));
      return r;
    },
    /** The n floats of an output, after checking its guard. */
    readOutput(offset: number, n: number, label: string): Float32Array {
      const guard = read(offset + 4 * n, GUARD);
      if (!guard.every((v) => v === SENTINEL)) throw new Error(`${label}: wrote past its ${n} floats`);
      return read(offset, n);
    },
    /** Frees every region allocated so far. */
    release(): void {
      for (const b of blocks.splice(0)) allocator().free(b);
    },
  };
}
