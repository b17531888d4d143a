// init({ fma }): the relaxed-SIMD build multiply-adds fused, the plain one does not, and usesFma()
// tells which one runs. A probe product tells them apart: (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴ is not a
// float32, so fused it survives exactly against −(1 + 2⁻¹¹) (leaving 2⁻²⁴), while unfused it rounds
// to 1 + 2⁻¹¹ first (leaving 0).
import { execFileSync, spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { init, matmul, setBackend, tensor, usesFma } from '../src/index.js';

await init();

const x = 1 + 2 ** -12;
const probe = (lib: { matmul: typeof matmul; tensor: typeof tensor }): number =>
  matmul(lib.tensor([-(1 + 2 ** -11), x], [1, 2]), lib.tensor([1, x], [2, 1])).toArray()[0];

test('the probe product tells fused from unfused multiply-add: it is 2⁻²⁴ fused, 0 unfused', () => {
  // Node 20's V8 has relaxed SIMD behind a flag that init() turns on; Node 22 has it by default
  expect(usesFma()).toBe(true);
  expect(probe({ matmul, tensor })).toBe(2 ** -24);
  setBackend('js');
  try {
    expect(usesFma()).toBe(false); // the JS twin is no wasm build
  } finally {
    setBackend('wasm');
  }
});

// a fresh process each: the build is fixed by the first init()
const run = (initCall: string, env: Record<string, string> = {}) => spawnSync(process.execPath, ['--input-type=module', '-e',
  `const m = await import('./dist/index.js'); await m.init(${initCall}); const x = 1 + 2 ** -12; ` +
  'const p = m.matmul(m.tensor([-(1 + 2 ** -11), x], [1, 2]), m.tensor([1, x], [2, 1])).toArray()[0]; ' +
  'console.log(m.usesFma(), p === 2 ** -24 ? "fused" : p === 0 ? "unfused" : p);'], { encoding: 'utf8', env: { ...process.env, SCRATCHNET_FMA: '', ...env } });

test('init({ fma: false }) loads the unfused build, on one thread and on two', () => {
  expect(run('{ fma: false, threads: 1 }').stdout.trim()).toBe('false unfused');
  expect(run('{ fma: false, threads: 2 }').stdout.trim()).toBe('false unfused');
  expect(run('{ threads: 2 }').stdout.trim()).toBe('true fused');
});

test('SCRATCHNET_FMA=0 makes the unfused build the default; the option overrides it', () => {
  expect(run('', { SCRATCHNET_FMA: '0' }).stdout.trim()).toBe('false unfused');
  expect(run('{ fma: true }', { SCRATCHNET_FMA: '0' }).stdout.trim()).toBe('true fused');
  expect(run('', { SCRATCHNET_FMA: '1' }).stdout.trim()).toBe('true fused');
  const bad = run('', { SCRATCHNET_FMA: 'off' });
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toMatch(/init: SCRATCHNET_FMA must be 0 or 1, got "off"/);
});

test('fma is checked and fixed by the first init()', () => {
  const bad = run("{ fma: 'yes' }");
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toMatch(/init: fma must be a boolean, got "yes"/);
  const changed = execFileSync(process.execPath, ['--input-type=module', '-e',
    "const m = await import('./dist/index.js'); await m.init({ fma: false }); await m.init({ fma: false }); " +
    'await m.init({ fma: true }).catch((e) => console.log(e.message));'], { encoding: 'utf8' });
  expect(changed.trim()).toBe('init: fma is fixed by the first init() (false); got true');
});
