// A tensor's data view stays valid across allocations on one thread, as on two: in Node the
// memory is shared (it grows in place) whatever the thread count. Browsers that are not
// cross-origin isolated are the exception (docs/reliability.md).
import { beforeAll, expect, test } from 'vitest';
import { empty, init, memoryStats, setBackend, tensor, threadCount } from '../src/index.js';
import { memoryBuffer } from '../src/backend/runtime.js';

beforeAll(() => init({ threads: 1 }));

test.each(['wasm', 'js'] as const)('on one thread (%s), a view taken before the memory grows still reads and writes the tensor', (backend) => {
  setBackend(backend);
  expect(threadCount()).toBe(1);
  expect(memoryBuffer()).toBeInstanceOf(SharedArrayBuffer);
  const t = tensor([1, 2, 3]);
  const view = t.data;
  const before = memoryStats().memoryBytes;
  const big = empty([(before / 4) | 0]); // more than the memory holds: it grows
  expect(memoryStats().memoryBytes).toBeGreaterThan(before);
  expect(Array.from(view)).toEqual([1, 2, 3]);
  view[0] = 5;
  expect(t.toArray()).toEqual([5, 2, 3]);
  for (const a of [t, big]) a.dispose();
});
