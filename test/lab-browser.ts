// What the lab's end-to-end tests share: the browser (chromium.ts's), the lab's dev server and a
// plain static server, pages that collect their errors, and screenshots.
import { mkdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import { launchChromium } from './chromium.js';

export const launchBrowser = (): Promise<Browser> => launchChromium();

/** The lab's dev server (web/vite.config.ts) on a free port; returns it and its base URL. */
export async function startLab(): Promise<{ server: ViteDevServer; base: string }> {
  const server = await createServer({
    configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)),
    server: { port: 0, host: '127.0.0.1' },
    logLevel: 'warn',
  });
  await server.listen();
  return { server, base: `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}/` };
}

/** The lab's dev server and one browser shared by the tests of the calling describe block (started
 *  before them, closed after); the getters read them once started. */
export function useLab(): { base: () => string; browser: () => Browser } {
  let lab: { server: ViteDevServer; base: string } | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    lab = await startLab();
    browser = await launchBrowser();
  }, 40_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.server.close();
  });
  return { base: () => lab!.base, browser: () => browser! };
}

export interface LabPage {
  page: Page;
  /** Console errors of the page and its workers, and uncaught exceptions. */
  errors: string[];
}

/** Opens `url` in a new page (desktop-sized unless told), collecting its errors. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1200, height: 900 }): Promise<LabPage> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(`console: ${m.text()}`)));
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => void (m.type() === 'error' && errors.push(`worker: ${m.text()}`))));
  await page.goto(url);
  return { page, errors };
}

/** The number of runs of a kind the page has started (body[data-<kind>], set by the lab's pages). */
export async function runsStarted(page: Page, kind = 'run'): Promise<number> {
  return Number(await page.getAttribute('body', `data-${kind}`) ?? 0);
}

/** Waits until a run of the kind later than `after` has started and the latest one is done. */
export async function waitForRun(page: Page, after = 0, timeout = 30_000, kind = 'run'): Promise<void> {
  await page.waitForFunction(([after, kind]) => {
    const state = document.body.dataset[kind === 'run' ? 'state' : `${kind}State`];
    return Number(document.body.dataset[kind] ?? 0) > after && state === 'done';
  }, [after, kind] as const, { timeout });
}

/** Saves a full-page screenshot as out/artifacts/lab/<name>.png (docs/figures/lab/ keeps copies). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = fileURLToPath(new URL('../out/artifacts/lab/', import.meta.url));
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: `${dir}${name}.png`, fullPage: true });
}

/** A number shown in an element, e.g. "f = 0.0123" → 0.0123 (the last number in its text). */
export async function numberIn(page: Page, selector: string): Promise<number> {
  const text = (await page.textContent(selector)) ?? '';
  const numbers = text.replaceAll(',', '').match(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi);
  if (!numbers) throw new Error(`${selector} shows no number: ${JSON.stringify(text)}`);
  return Number(numbers[numbers.length - 1]);
}

/** Sets a range input or a select as a person would, firing input and change. */
export async function setControl(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.gz': 'application/gzip',
};

/** A plain static file server over `dir`, as a static host would be, sending `headers` with every
 *  file (none: a host that cannot set them). Returns it and its base URL. */
export async function serveStatic(dir: string, headers: Record<string, string> = {}): Promise<{ server: Server; base: string }> {
  const server = createHttpServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(dir, path.endsWith('/') ? `${path}index.html` : path));
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}
