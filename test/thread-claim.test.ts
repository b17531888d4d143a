// A kernel thread's range runs on whichever thread claims it first (src/backend/thread-control.ts):
// the kernel thread when it is awake, else the caller after its own range. Products posted to a
// sleeping kernel thread (it sleeps after a quiet spell) or to a busy one give the bits of one
// thread, and many small posts in a row never lose or repeat a range.
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

test('ranges claimed by the caller or by a sleeping, waking or busy kernel thread give the bits of one thread', () => {
  // a fresh process: its own two threads
  const script = `
    const m = await import('./dist/index.js');
    await m.init({ threads: 2 });
    const rng = m.createRng(7);
    const r = (shape) => m.tensor(Array.from({ length: shape[0] * shape[1] }, () => rng.uniform(-1, 1)), shape);
    const a = r([128, 200]), b = r([200, 128]), c = m.zeros([128, 128]); // 6.6 MFLOP: split in two
    const bits = () => Buffer.from(new Float32Array(c.data).buffer).toString('base64');
    m.setThreads(1); m.gemm(a, b, c); const one = bits();
    m.setThreads(2);
    const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
    let same = 0, runs = 0;
    for (const pause of [0, 0, 1, 5, 30, 120]) {
      await sleep(pause); // long pauses let the kernel thread fall asleep: the caller claims its range
      for (let i = 0; i < 200; i++) { c.data.fill(NaN); m.gemm(a, b, c); runs++; if (bits() === one) same++; }
    }
    console.log(same, runs, m.threadCount());`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('1200 1200 2');
});
