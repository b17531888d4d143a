// The Trainer on a browser page's main thread (headless Chromium, test/chromium.ts, through Vite): with
// its default yieldEvery (40 ms on a page) tasks stay under 100 ms (the browser's long-task
// entries), and a 10 ms timer of the page keeps ticking between the tasks; with
// yieldEvery 0 the timer waits for the whole run (the measurement sees a blocked page).
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from './chromium.js';

describe('the Trainer on a page\'s main thread', { timeout: 120_000 }, () => {
  let server: ViteDevServer, browser: Browser, page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    server = await createServer({
      configFile: false, root, logLevel: 'warn', server: { port: 0, host: '127.0.0.1' },
      optimizeDeps: { entries: ['test/fixtures/trainer-page/index.html'] },
    });
    await server.listen();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}/test/fixtures/trainer-page/index.html`);
    await page.waitForSelector('#status:text("ready")', { timeout: 60_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // NOTE: tasks are measured in wall time, so a loaded machine stretches some: on 2 cores shared
  // with other test processes one task of 11 took 168 ms (the others 50-60 ms); on a quiet one none
  // passed 63 ms. Hence the 95th percentile, which a Trainer that stopped yielding fails at once.
  test('by default tasks stay under 100 ms (95th percentile), and the page\'s timers run during training', async () => {
    const run = await page.evaluate(() => window.run());
    console.log(`trainer-browser: ${run.iterations} iterations in ${run.ms.toFixed(0)} ms; long tasks (ms): ` +
      `${run.longTasks.map((d) => d.toFixed(0)).join(', ') || 'none'}; timer ticks ${run.ticks}, longest gap ${run.maxGap.toFixed(0)} ms`);
    expect(run.ms).toBeGreaterThan(500); // long enough that a run without yielding would be one long task
    const sorted = [...run.longTasks].sort((a, b) => a - b);
    expect(sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0).toBeLessThan(100);
    expect(run.maxGap).toBeLessThan(250); // at most two tasks between two ticks
    expect(run.ticks).toBeGreaterThan(run.ms / 100);
    expect(errors).toEqual([]);
  });

  test('with yieldEvery 0 the timers wait for the whole run (the measurement sees a blocked page)', async () => {
    const run = await page.evaluate(() => window.run(0));
    console.log(`trainer-browser: yieldEvery 0: ${run.ms.toFixed(0)} ms; timer ticks ${run.ticks}, longest gap ${run.maxGap.toFixed(0)} ms`);
    expect(run.ticks).toBe(0);
    expect(run.maxGap).toBe(run.ms);
  });
});
