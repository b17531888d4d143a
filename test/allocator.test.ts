// The linear-memory allocator: alignment, reuse, coalescing, growth, and its errors.
import { describe, expect, test } from 'vitest';
import { Allocator, ALIGN } from '../src/backend/allocator.js';

const PAGE = 65536;

function fresh(pages = 1): [Allocator, WebAssembly.Memory] {
  const memory = new WebAssembly.Memory({ initial: pages });
  return [new Allocator(memory, 1024), memory];
}

describe('Allocator', () => {
  test('hands out 64-byte aligned, non-overlapping blocks above its base', () => {
    const [a] = fresh();
    const blocks = [1, 3, 64, 65, 100, 0].map((n) => [a.alloc(n), n] as const);
    for (const [off] of blocks) {
      expect(off % ALIGN).toBe(0);
      expect(off).toBeGreaterThanOrEqual(1024);
    }
    const sorted = [...blocks].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i][0]).toBeGreaterThanOrEqual(sorted[i - 1][0] + Math.max(ALIGN, sorted[i - 1][1]));
    }
  });

  test('reuses a freed block of the same size at the same address', () => {
    const [a] = fresh();
    const x = a.alloc(1000);
    a.alloc(64); // keeps x from being the top block
    a.free(x);
    expect(a.alloc(1000)).toBe(x);
  });

  test('coalesces neighbours, so three freed blocks hold one of their combined size', () => {
    const [a] = fresh();
    const p = [a.alloc(128), a.alloc(128), a.alloc(128)];
    a.alloc(64);
    a.free(p[0]);
    a.free(p[2]);
    a.free(p[1]);
    expect(a.alloc(384)).toBe(p[0]);
  });

  test('counts live bytes and blocks, and returns to zero', () => {
    const [a] = fresh();
    const x = a.alloc(100), y = a.alloc(10);
    expect(a.liveBytes).toBe(128 + 64);
    expect(a.liveBlocks).toBe(2);
    a.free(x);
    a.free(y);
    expect(a.liveBytes).toBe(0);
    expect(a.liveBlocks).toBe(0);
  });

  test('grows the memory when a block does not fit, keeping what was written', () => {
    const [a, memory] = fresh(1);
    const x = a.alloc(1000);
    new Float32Array(memory.buffer, x, 4).set([1, 2, 3, 4]);
    const big = a.alloc(5 * PAGE);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 5 * PAGE);
    expect(Array.from(new Float32Array(memory.buffer, x, 4))).toEqual([1, 2, 3, 4]);
  });

  test('a steady alloc/free cycle does not grow the memory', () => {
    const [a, memory] = fresh(4);
    for (let i = 0; i < 1000; i++) {
      const blocks = [a.alloc(4000), a.alloc(100), a.alloc(30000)];
      blocks.reverse().forEach((b) => a.free(b));
    }
    expect(memory.buffer.byteLength).toBe(4 * PAGE);
    expect(a.liveBytes).toBe(0);
  });

  test('rejects double frees, unknown offsets and bad sizes with clear errors', () => {
    const [a] = fresh();
    const x = a.alloc(10);
    a.free(x);
    expect(() => a.free(x)).toThrow(/free: no live block at offset \d+/);
    expect(() => a.alloc(-1)).toThrow(/alloc: expected a non-negative integer byte count, got -1/);
    expect(() => a.alloc(1.5)).toThrow(/alloc: expected a non-negative integer/);
  });

  test('says out of memory when the memory cannot grow', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const a = new Allocator(memory, 1024);
    expect(() => a.alloc(3 * PAGE)).toThrow(/alloc: out of WebAssembly memory/);
  });
});
