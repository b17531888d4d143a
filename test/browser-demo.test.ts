// End-to-end test of the browser demo (web/): Vite serves it, Chromium runs it headless (see chromium.ts),
// and the test uses the page as a person would — train, stop, draw a digit, save and load — then
// leaves a screenshot in out/artifacts/browser-demo.png.
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deserialize } from '../src/formats/safetensors.js';
import { launchChromium } from './chromium.js';

const SCREENSHOT = fileURLToPath(new URL('../out/artifacts/browser-demo.png', import.meta.url));

// Pixels of a canvas close to an RGB colour: a chart has drawn a series of that colour.
async function pixelsOfColour(page: Page, selector: string, [r, g, b]: number[]): Promise<number> {
  return page.$eval(selector, (canvas, [r, g, b]) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 60) n++;
    }
    return n;
  }, [r, g, b]);
}

const number = async (page: Page, selector: string): Promise<number> => Number((await page.textContent(selector))!.replaceAll(',', ''));

describe('browser demo', { timeout: 60_000 }, () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await createServer({
      configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)),
      server: { port: 0, host: '127.0.0.1' },
      logLevel: 'warn',
    });
    await server.listen();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 960 }, acceptDownloads: true });
    page.on('console', (m) => void (m.type() === 'error' && errors.push(`console: ${m.text()}`)));
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    page.on('worker', (w) => w.on('console', (m) => void (m.type() === 'error' && errors.push(`worker: ${m.text()}`))));
    await page.goto(`http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}/`);
    await page.waitForSelector('#start:not([disabled])', { timeout: 20_000 });
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the page is cross-origin isolated, takes two kernel threads where they measure faster, and starts from chance accuracy', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // two threads are on offer; the worker keeps them only if they time faster than one here
    expect(await page.textContent('#recipe')).toMatch(/; (2 threads|one thread \(two measured slower on this device\))$/);
    // the first evaluation follows the 'ready' message that enabled Start
    await page.waitForFunction(() => document.getElementById('eval-iteration')!.textContent !== '–', null, { timeout: 20_000 });
    expect(await page.textContent('#eval-iteration')).toBe('0');
    expect(await number(page, '#test-acc')).toBeLessThan(0.3);
  });

  test('TwoLayerNet trains past 0.5 test accuracy in a few hundred iterations, and the charts draw', async () => {
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('eval-iteration')!.textContent) >= 300, null, { timeout: 30_000 });
    await page.click('#start');
    await page.waitForSelector('#start:text("Start")');
    expect(await number(page, '#train-acc')).toBeGreaterThan(0.5);
    expect(await number(page, '#test-acc')).toBeGreaterThan(0.5);
    expect(await number(page, '#speed')).toBeGreaterThan(0);
    const [train, test] = [[37, 99, 235], [234, 88, 12]]; // --train, --test in style.css
    expect(await pixelsOfColour(page, '#loss-chart canvas', train)).toBeGreaterThan(100);
    expect(await pixelsOfColour(page, '#acc-chart canvas', train)).toBeGreaterThan(50);
    expect(await pixelsOfColour(page, '#acc-chart canvas', test)).toBeGreaterThan(50);
    const grays = await page.$eval('#filters', (c) => {
      const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      return new Set(data.filter((_, i) => i % 4 === 0)).size;
    });
    expect(grays).toBeGreaterThan(100); // 16 weight images, not a blank canvas
  });

  test('a 7 drawn with the mouse is predicted as 7, with 10 probabilities summing to 1', async () => {
    const box = (await page.locator('#pad').boundingBox())!;
    const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
    // a "7": the bar, then the stem
    await page.mouse.move(...at(0.25, 0.2));
    await page.mouse.down();
    await page.mouse.move(...at(0.75, 0.2), { steps: 12 });
    await page.mouse.move(...at(0.45, 0.85), { steps: 16 });
    await page.mouse.up();
    await page.waitForFunction(() => /^\d$/.test(document.getElementById('predicted')!.textContent!), null, { timeout: 5_000 });
    const p = await page.$$eval('#probabilities .bar', (bars) => bars.map((b) => Number(b.getAttribute('aria-valuenow'))));
    expect(p).toHaveLength(10);
    for (const v of p) expect(v).toBeGreaterThanOrEqual(0);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(p.indexOf(Math.max(...p))).toBe(7); // a network at ~0.9 accuracy reads a clean 7
    expect(await number(page, '#predicted')).toBe(7);
    // the trained network, its charts and the prediction, for a person to look at
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  test('Save downloads the weights as safetensors, and Load reads them back', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const file = await download.path();
    const { arrays, metadata } = deserialize(await readFile(file), download.suggestedFilename());
    expect(metadata.network).toBe('TwoLayerNet');
    expect(arrays.W1.shape).toEqual([784, 50]);
    await page.setInputFiles('#load', { name: 'weights.safetensors', mimeType: 'application/octet-stream', buffer: await readFile(file) });
    await page.waitForSelector('#status:text("Loaded weights.safetensors")');
    expect(await page.textContent('#eval-iteration')).toBe(metadata.iterations);
    expect(await number(page, '#test-acc')).toBeGreaterThan(0.5);
  });

  test('nothing went wrong on the page', async () => {
    expect(await page.isHidden('#error')).toBe(true);
    expect(errors).toEqual([]);
  });
});
