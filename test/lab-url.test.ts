// The lab's URL contract (DESIGN, "The lab") on every page, in a real Chromium: a change of a
// named control lands in location.search; opening that URL restores it, at desktop and phone size;
// a query of HTML payloads in every field runs nothing and is refused visibly; unknown names are
// ignored; body[data-state] says 'running' or 'done'; "Copy link" gives the page's link.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { openPage, setControl, useLab } from './lab-browser.js';

const DESKTOP = { width: 1280, height: 800 }, PHONE = { width: 390, height: 844 };

/** Each page and a change of one of its controls that is not its default. */
const CHANGES: [page: string, name: string, value: string][] = [
  ['graph', 'apple', '120'],
  ['gradient-check', 'seed', '3'],
  ['optimizers', 'surface', 'saddle'],
  ['initialization', 'scale', 'he'],
  ['batch-norm', 'epochs', '10'],
  ['overfitting', 'lambda', '0.05'],
  ['search', 'mode', 'grid'],
  ['playground', 'dataset', 'xor'],
  ['index', 'model', 'SimpleConvNet'],
  ['speed', 'seconds', '1'],
];

const PAYLOADS = ['<img src=x onerror="window.__pwned=1">', '"><script>window.__pwned=1</script>'];

// The page's script has run: the navigation (with its copy-link button) is there and the page
// has said what it is doing.
const started = (page: Page): Promise<unknown> => page.waitForFunction(() => document.getElementById('copy-link') && document.body.dataset.state, null, { timeout: 30_000 });

const valueOf = (page: Page, name: string): Promise<string> => page.$eval(`[name="${name}"]`,
  (el) => (el instanceof HTMLInputElement && el.type === 'checkbox' ? (el.checked ? '1' : '0') : (el as HTMLInputElement).value));

describe('the lab keeps each page in its URL', { timeout: 120_000 }, () => {
  const lab = useLab();
  const browser = (): Browser => lab.browser();

  test.each(CHANGES)('%s.html: a change of %s lands in the URL, and the URL restores it on a desktop and a phone', async (file, name, value) => {
    const { page, errors } = await openPage(browser(), `${lab.base()}${file}.html`, DESKTOP);
    await started(page);
    expect(await valueOf(page, name)).not.toBe(value); // a real change
    await setControl(page, `[name="${name}"]`, value);
    const url = page.url();
    expect(new URL(url).searchParams.get(name)).toBe(value);
    await page.close();
    for (const viewport of [DESKTOP, PHONE]) {
      const again = await openPage(browser(), url, viewport);
      await started(again.page);
      expect(await valueOf(again.page, name)).toBe(value);
      expect(await again.page.isHidden('#url-note')).toBe(true); // nothing refused
      await again.page.close();
      errors.push(...again.errors);
    }
    expect(errors).toEqual([]);
  });

  test.each(CHANGES.map(([file]) => file))('%s.html: HTML in every field of the query runs nothing and is refused visibly', async (file) => {
    const { page, errors } = await openPage(browser(), `${lab.base()}${file}.html`, DESKTOP);
    await started(page);
    const names = await page.$$eval('input[name], select[name], textarea[name]', (els) => els.map((e) => (e as HTMLInputElement).name));
    await page.close();
    const query = new URLSearchParams(names.map((n, i) => [n, PAYLOADS[i % PAYLOADS.length]]));
    query.set('no-such-control', PAYLOADS[0]);
    const attacked = await openPage(browser(), `${lab.base()}${file}.html?${query}`, DESKTOP);
    try {
      await started(attacked.page);
      await attacked.page.waitForTimeout(300); // an image's error handler would have fired by now
      expect(await attacked.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await attacked.page.$$('img[src="x"], body script')).toHaveLength(0);
      // every select, range and number refuses it, named in the note
      const note = (await attacked.page.textContent('#url-note')) ?? '';
      expect(await attacked.page.isVisible('#url-note')).toBe(true);
      const strict = await attacked.page.$$eval('select[name], input[type=range][name], input[type=number][name], input[type=checkbox][name]',
        (els) => els.map((e) => (e as HTMLInputElement).name));
      for (const n of strict) expect(note).toContain(`The link's ${n} = `);
      expect(note).not.toContain('no-such-control'); // unknown names are ignored
      expect(attacked.errors).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await attacked.page.close();
    }
  });

  test('body[data-state] goes running → done, and a playground link opens paused', async () => {
    const { page, errors } = await openPage(browser(), `${lab.base()}graph.html?apple=300`, DESKTOP);
    await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 30_000 });
    expect(await page.textContent('#ao-v-price')).toBe(String(Number(((300 * 2 + 150 * 3) * 1.1).toPrecision(6))));
    await page.close();
    expect(errors).toEqual([]);
  });

  test('"Copy link" gives the page\'s link with its settings', async () => {
    const { page, errors } = await openPage(browser(), `${lab.base()}gradient-check.html`, DESKTOP);
    await started(page);
    await setControl(page, '[name="seed"]', '5');
    await page.click('#copy-link');
    // the clipboard where the browser grants it, else the link shown selected in a field
    await page.waitForFunction(() => document.getElementById('copy-link')!.textContent !== 'Copy link');
    const shown = await page.$('#link-field');
    const link = shown ? await shown.inputValue() : await page.evaluate(() => navigator.clipboard.readText());
    expect(new URL(link).searchParams.get('seed')).toBe('5');
    await page.close();
    expect(errors).toEqual([]);
  });

  test('a refused range value leaves the default and says so', async () => {
    const { page, errors } = await openPage(browser(), `${lab.base()}overfitting.html?lambda=7&epochs=abc&dropout=0.2`, DESKTOP);
    await started(page);
    expect(await valueOf(page, 'lambda')).toBe('0.1');
    expect(await valueOf(page, 'dropout')).toBe('0.2');
    const note = await page.textContent('#url-note');
    expect(note).toContain('lambda = "7" was not used: expected a number from 0 to 0.3');
    expect(note).toContain('epochs = "abc"');
    await page.close();
    expect(errors).toEqual([]);
  });
});
