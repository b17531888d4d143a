// init()'s store of the timed GEMM choice (src/backend/gemm-choice-store.ts) and the default
// thread count (src/backend/thread-check.ts): a valid entry is used and the timing skipped, a
// corrupt file or a foreign key is ignored and re-timed, an unwritable directory costs nothing but
// the store; the default's thread count and its verdict on the second thread, from fake numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadGemmChoice, saveGemmChoice, STORE_FILE, storeDir } from '../src/backend/gemm-choice-store.js';
import { defaultThreadCount } from '../src/backend/init-options.js';
import { secondThreadPays } from '../src/backend/thread-check.js';
import { init } from '../src/index.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'scratchnet-store-'));
const KEY = 'AMD EPYC | v8 11 | scratchnet 0.1.0 | threads | fma | wasm 0123456789abcdef';

describe('the store file', () => {
  test('a choice saved is loaded under its key only; other keys are kept', async () => {
    const dir = join(fresh(), 'nested', 'scratchnet'); // created on the first save
    expect(await loadGemmChoice(dir, KEY)).toBeUndefined();
    expect(await saveGemmChoice(dir, KEY, { fewRows: '2x16', manyRows: '4x8' })).toBe(true);
    expect(await saveGemmChoice(dir, 'other', { fewRows: '4x8', manyRows: '2x16' })).toBe(true);
    expect(await loadGemmChoice(dir, KEY)).toEqual({ fewRows: '2x16', manyRows: '4x8' });
    expect(await loadGemmChoice(dir, 'other')).toEqual({ fewRows: '4x8', manyRows: '2x16' });
    expect(await loadGemmChoice(dir, `${KEY} `)).toBeUndefined();
  });

  test('keeps the 32 entries written last', async () => {
    const dir = fresh();
    for (let i = 0; i < 40; i++) await saveGemmChoice(dir, `key ${i}`, { fewRows: '4x8', manyRows: '4x8' });
    const { entries } = JSON.parse(readFileSync(join(dir, STORE_FILE), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(entries)).toEqual(Array.from({ length: 32 }, (_, i) => `key ${i + 8}`));
  });

  test.each([
    ['not JSON', '{"format": "scratchnet-gemm-kernels", "entries": {'],
    ['another format', JSON.stringify({ format: 'something-else', entries: { [KEY]: { fewRows: '4x8', manyRows: '4x8' } } })],
    ['entries not an object', JSON.stringify({ format: 'scratchnet-gemm-kernels', entries: [1, 2] })],
    ['an unknown kernel', JSON.stringify({ format: 'scratchnet-gemm-kernels', entries: { [KEY]: { fewRows: '8x8', manyRows: '4x8' } } })],
    ['a kind missing', JSON.stringify({ format: 'scratchnet-gemm-kernels', entries: { [KEY]: { fewRows: '4x8' } } })],
    ['an extra field', JSON.stringify({ format: 'scratchnet-gemm-kernels', entries: { [KEY]: { fewRows: '4x8', manyRows: '4x8', x: 1 } } })],
    ['a name inherited, not own', JSON.stringify({ format: 'scratchnet-gemm-kernels', entries: { [KEY]: { fewRows: 'toString', manyRows: '4x8' } } })],
    ['null', 'null'],
  ])('a corrupt file (%s) gives no choice, and the next save replaces it', async (_, text) => {
    const dir = fresh();
    writeFileSync(join(dir, STORE_FILE), text);
    expect(await loadGemmChoice(dir, KEY)).toBeUndefined();
    expect(await saveGemmChoice(dir, KEY, { fewRows: '2x16', manyRows: '2x16' })).toBe(true);
    expect(await loadGemmChoice(dir, KEY)).toEqual({ fewRows: '2x16', manyRows: '2x16' });
  });

  test('a directory that cannot be made or written: no choice, a save that says false, no throw', async () => {
    const file = join(fresh(), 'a-file');
    writeFileSync(file, 'not a directory');
    const dir = join(file, 'scratchnet');
    expect(await loadGemmChoice(dir, KEY)).toBeUndefined();
    expect(await saveGemmChoice(dir, KEY, { fewRows: '4x8', manyRows: '4x8' })).toBe(false);
  });

  test('where: the option, then $SCRATCHNET_CACHE_DIR (off: none), then $XDG_CACHE_HOME, then ~/.cache', async () => {
    const saved = { ...process.env };
    try {
      process.env.SCRATCHNET_CACHE_DIR = '/tmp/a';
      process.env.XDG_CACHE_HOME = '/tmp/xdg';
      expect(await storeDir('/tmp/option')).toBe('/tmp/option');
      expect(await storeDir(false)).toBeUndefined();
      expect(await storeDir(undefined)).toBe('/tmp/a');
      process.env.SCRATCHNET_CACHE_DIR = 'off';
      expect(await storeDir(undefined)).toBeUndefined();
      process.env.SCRATCHNET_CACHE_DIR = '';
      expect(await storeDir(undefined)).toBe(join('/tmp/xdg', 'scratchnet'));
      process.env.XDG_CACHE_HOME = 'relative/ignored';
      expect(await storeDir(undefined)).toMatch(/[/\\]\.cache[/\\]scratchnet$/);
    } finally {
      process.env = saved;
    }
  });
});

test('init: cacheDir must be a path or false', async () => {
  await expect(init({ cacheDir: '' })).rejects.toThrow(/init: cacheDir must be a directory path or false, got/);
  await expect(init({ cacheDir: true as unknown as false })).rejects.toThrow(/init: cacheDir must be a directory path or false, got/);
});

describe('init() with the store (a fresh process each)', () => {
  const script = "const m = await import('./dist/index.js'); await m.init(); const i = m.kernelInfo(); " +
    'console.log(JSON.stringify({ kernels: [i.gemmKernels.fewRows.name, i.gemmKernels.manyRows.name], timed: i.gemmKernelTimed, cached: i.gemmKernelCached }));';
  const start = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script],
      { encoding: 'utf8', env: { ...process.env, SCRATCHNET_GEMM_KERNEL: '', SCRATCHNET_THREADS: '1', ...env } });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as { kernels: string[]; timed: boolean; cached: boolean };
  };
  const entries = (dir: string) => (JSON.parse(readFileSync(join(dir, STORE_FILE), 'utf8')) as { entries: Record<string, { fewRows: string; manyRows: string }> }).entries;

  test('the first start times and stores; the next reads the entry (the one planted there, too)', () => {
    const dir = fresh();
    const first = start({ SCRATCHNET_CACHE_DIR: dir });
    expect(first.cached).toBe(false);
    if (!first.timed) return; // the timing did not settle (a very busy machine): nothing is stored
    const [key, ...others] = Object.keys(entries(dir));
    expect(others).toEqual([]);
    expect(entries(dir)[key]).toEqual({ fewRows: first.kernels[0], manyRows: first.kernels[1] });
    expect(start({ SCRATCHNET_CACHE_DIR: dir })).toEqual({ ...first, cached: true });
    // both crossed choices, planted under this build's key: whichever is there runs
    for (const [fewRows, manyRows] of [['2x16', '4x8'], ['4x8', '2x16']]) {
      writeFileSync(join(dir, STORE_FILE), JSON.stringify({ format: 'scratchnet-gemm-kernels', entries: { [key]: { fewRows, manyRows } } }));
      expect(start({ SCRATCHNET_CACHE_DIR: dir })).toEqual({ kernels: [fewRows, manyRows], timed: true, cached: true });
    }
  });

  test('a corrupt file or another build\'s key: timed again and stored beside it', () => {
    const dir = fresh();
    writeFileSync(join(dir, STORE_FILE), '{ "format": "scratchnet-gemm-kernels", "entr');
    expect(start({ SCRATCHNET_CACHE_DIR: dir }).cached).toBe(false);
    const other = { format: 'scratchnet-gemm-kernels', entries: { [KEY]: { fewRows: '2x16', manyRows: '2x16' } } };
    writeFileSync(join(dir, STORE_FILE), JSON.stringify(other));
    const retimed = start({ SCRATCHNET_CACHE_DIR: dir });
    expect(retimed.cached).toBe(false);
    if (retimed.timed) expect(Object.keys(entries(dir))).toEqual([KEY, expect.any(String)]);
  });

  test('an unwritable store, or none (off): init() still times and runs', () => {
    const file = join(fresh(), 'a-file');
    writeFileSync(file, '');
    expect(start({ SCRATCHNET_CACHE_DIR: join(file, 'sub') }).cached).toBe(false);
    const dir = fresh();
    mkdirSync(join(dir, 'scratchnet'));
    expect(start({ SCRATCHNET_CACHE_DIR: 'off', XDG_CACHE_HOME: dir }).cached).toBe(false);
    expect(start({ SCRATCHNET_CACHE_DIR: 'off', XDG_CACHE_HOME: dir }).cached).toBe(false);
    expect(existsSync(join(dir, 'scratchnet', STORE_FILE))).toBe(false);
  });
});

describe('the default thread count', () => {
  test.each([[undefined, true, 1], [0, true, 1], [1, true, 1], [2, true, 2], [3, true, 2], [64, true, 2], [2.5, true, 2], [NaN, true, 1],
    [8, false, 1], [2, false, 1]])('%s cores, shared memory %s: %i', (cores, shared, threads) => {
    expect(defaultThreadCount(cores, shared)).toBe(threads);
  });

  test.each([[1, 0.55, true], [1, 0.89, true], [1, 0.9, false], [1, 1, false], [1, 1.4, false], [Infinity, 1, false], [1, Infinity, false], [NaN, 0.5, false]])(
    'one thread %s ms, two %s ms: the second thread pays %s', (one, two, pays) => {
      expect(secondThreadPays(one, two)).toBe(pays);
    });
});
