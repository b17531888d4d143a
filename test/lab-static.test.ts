// The built lab (`npm run build:lab`: static files) from plain static servers: one that cannot set
// headers, where the pages run on one kernel thread, and one that sends COOP and COEP (as the
// _headers file asks of Netlify and Cloudflare Pages), where they run on two. MNIST comes from the
// gzipped files the build writes next to the pages.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, openPage, serveStatic, waitForRun } from './lab-browser.js';

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

describe('built lab', { timeout: 90_000 }, () => {
  let dir: string;
  let browser: Browser;
  const servers: Server[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scratchnet-lab-'));
    await build({ configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)), build: { outDir: dir }, logLevel: 'warn' });
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) s.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const serve = async (headers?: Record<string, string>): Promise<string> => {
    const { server, base } = await serveStatic(dir, headers);
    servers.push(server);
    return base;
  };

  test('the build holds the ten pages, the kernels and MNIST gzipped', async () => {
    const files = await readdir(dir);
    for (const page of ['index', 'graph', 'gradient-check', 'optimizers', 'initialization', 'batch-norm', 'overfitting', 'search', 'playground', 'speed']) {
      expect(files).toContain(`${page}.html`);
    }
    expect(await readdir(join(dir, 'mnist'))).toEqual(expect.arrayContaining(['train-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']));
    expect((await readdir(join(dir, 'assets'))).filter((f) => f.endsWith('.wasm'))).toHaveLength(4);
  });

  // Each page with a link that keeps its first run short; the run must finish with no error logged.
  const QUICK: Record<string, string> = {
    graph: '', 'gradient-check': '', optimizers: '', initialization: '?iterations=500', 'batch-norm': '?epochs=10',
    overfitting: '?epochs=20', search: '?trials=4&epochs=5', playground: '', index: '', speed: '?seconds=1',
  };

  test.each([['without', {}], ['with', ISOLATION]] as const)('every page, from a host %s COOP/COEP, finishes its first run with no console error', { timeout: 300_000 }, async (_, headers) => {
    const base = await serve(headers);
    for (const [file, query] of Object.entries(QUICK)) {
      const { page, errors } = await openPage(browser, `${base}${file}.html${query}`, { width: 1280, height: 800 });
      try {
        await waitForRun(page, 0, 60_000);
        expect(errors, file).toEqual([]);
        expect(await page.isHidden('#error'), file).toBe(true);
      } finally {
        await page.close();
      }
    }
  });

  test('from a host without COOP/COEP: one thread; MNIST loads and the demo trains', async () => {
    const base = await serve();
    const { page, errors } = await openPage(browser, `${base}speed.html`);
    await page.waitForFunction(() => document.getElementById('threads')!.textContent !== '–', null, { timeout: 30_000 });
    expect(await page.textContent('#isolated')).toBe('no');
    expect(await page.textContent('#threads')).toBe('1');
    await page.close();
    const demo = await openPage(browser, `${base}index.html`);
    await demo.page.waitForSelector('#start:not([disabled])', { timeout: 30_000 });
    expect(await demo.page.textContent('#recipe')).toMatch(/; one thread$/);
    await demo.page.click('#start');
    await demo.page.waitForFunction(() => Number(document.getElementById('eval-iteration')!.textContent) >= 100, null, { timeout: 30_000 });
    expect(Number(await demo.page.textContent('#test-acc'))).toBeGreaterThan(0.5);
    await demo.page.close();
    expect([...errors, ...demo.errors]).toEqual([]);
  });

  test('from a host that sends COOP/COEP: two threads, and a page runs its experiment', async () => {
    const base = await serve(ISOLATION);
    const { page, errors } = await openPage(browser, `${base}speed.html`);
    await page.waitForFunction(() => document.getElementById('threads')!.textContent !== '–', null, { timeout: 30_000 });
    expect(await page.textContent('#isolated')).toBe('yes');
    expect(await page.textContent('#threads')).toBe('2');
    await page.close();
    const optimizers = await openPage(browser, `${base}optimizers.html`);
    await waitForRun(optimizers.page);
    expect(await optimizers.page.textContent('#final-Adam')).toMatch(/^step 30:/);
    await optimizers.page.close();
    expect([...errors, ...optimizers.errors]).toEqual([]);
  });
});
