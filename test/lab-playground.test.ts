// The playground (web/playground.html) in a real Chromium: it opens paused; Play, Pause, Step and
// Reset drive the training with an epoch counter; the test share's loss and accuracy show beside
// the training ones; batch size, input features, a width per layer, L1/L2, regression, and the
// drawings of units and weights; a link restores all of it, paused. Waits are on the page's own
// state (body[data-state], the epoch shown), never on the clock.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { numberIn, openPage, runsStarted, screenshot, setControl, useLab, waitForRun } from './lab-browser.js';

const epoch = (page: Page): Promise<number> => numberIn(page, '#pg-epoch');
const untilEpoch = (page: Page, n: number): Promise<unknown> =>
  page.waitForFunction((n) => Number(document.getElementById('pg-epoch')!.textContent) >= n, n, { timeout: 60_000 });

/** Plays until epoch `n`, then pauses; resolves once paused. */
async function playTo(page: Page, n: number): Promise<void> {
  await page.click('#play');
  await untilEpoch(page, n);
  const runs = await runsStarted(page);
  await page.click('#play'); // Pause
  await waitForRun(page, runs);
}

/** Applies a change that rebuilds the network and waits for the new one (paused at epoch 0). */
async function rebuilt(page: Page, change: () => Promise<void>): Promise<void> {
  const runs = await runsStarted(page);
  await change();
  await waitForRun(page, runs);
}

describe('playground', { timeout: 180_000 }, () => {
  const lab = useLab();
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    const opened = await openPage(lab.browser(), `${lab.base()}playground.html`, { width: 1280, height: 800 });
    page = opened.page;
    errors.push(...opened.errors);
    opened.errors.length = 0;
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  }, 40_000);

  test('it opens paused at epoch 0, with test loss and accuracy beside the training ones', async () => {
    await waitForRun(page);
    expect(await page.textContent('#play')).toBe('Play');
    expect(await epoch(page)).toBe(0);
    for (const id of ['#pg-loss', '#pg-test-loss', '#pg-accuracy', '#pg-test-accuracy']) expect(Number(await page.textContent(id))).toBeGreaterThan(0);
    expect(await page.textContent('#pg-status')).toMatch(/^Paused at epoch 0, iteration 0 \(10 iterations an epoch\)/); // 100 training points, batches of 10
  });

  test('Step trains one epoch; Play runs until Pause; Reset goes back to epoch 0', async () => {
    let runs = await runsStarted(page);
    await page.click('#step');
    await waitForRun(page, runs);
    expect(await epoch(page)).toBe(1);
    expect(await page.textContent('#pg-status')).toMatch(/iteration 10 /);
    await page.click('#play');
    expect(await page.textContent('#play')).toBe('Pause');
    expect(await page.getAttribute('body', 'data-state')).toBe('running');
    await untilEpoch(page, 5);
    runs = await runsStarted(page);
    await page.click('#play');
    await waitForRun(page, runs);
    const paused = await epoch(page);
    expect(paused).toBeGreaterThanOrEqual(5);
    // paused: another Step goes exactly one epoch further
    runs = await runsStarted(page);
    await page.click('#step');
    await waitForRun(page, runs);
    expect(await epoch(page)).toBe(paused + 1);
    await rebuilt(page, () => page.click('#reset'));
    expect(await epoch(page)).toBe(0);
  });

  test('the default 8-8 tanh network learns the circles, on the test points too', async () => {
    await playTo(page, 60);
    expect(await numberIn(page, '#pg-accuracy')).toBeGreaterThan(0.95);
    expect(await numberIn(page, '#pg-test-accuracy')).toBeGreaterThan(0.9);
    expect(await numberIn(page, '#pg-test-loss')).toBeLessThan(0.3);
    // every unit drawn: 2 features, 8 + 8 hidden units, 1 output
    expect(await page.$$eval('#network .column', (cs) => cs.map((c) => c.querySelectorAll('canvas.unit').length))).toEqual([2, 8, 8, 1]);
    await page.check('#showtest');
    expect(await page.textContent('#boundary-note')).toMatch(/100 test points \(black edge\)/);
    await screenshot(page, 'playground');
  });

  test('with x₁² and x₂² as features, no hidden layer separates the circles; with x₁, x₂ alone it cannot', async () => {
    for (let i = 0; i < 2; i++) await rebuilt(page, () => page.click('#remove-layer'));
    expect(new URL(page.url()).searchParams.get('widths')).toBe('');
    expect(await page.textContent('#summary')).not.toMatch(/W2/);
    await playTo(page, 40);
    expect(await numberIn(page, '#pg-test-accuracy')).toBeLessThan(0.75);
    await rebuilt(page, () => page.check('#x1sq'));
    await rebuilt(page, () => page.check('#x2sq'));
    await playTo(page, 40);
    expect(await numberIn(page, '#pg-test-accuracy')).toBeGreaterThan(0.95);
    expect(new URL(page.url()).searchParams.get('x2sq')).toBe('1');
  });

  test('a layer and units added one at a time; the summary and the drawing follow', async () => {
    await rebuilt(page, () => page.click('#add-layer'));
    await rebuilt(page, () => page.click('#network button[data-layer="0"][data-delta="1"]'));
    expect(new URL(page.url()).searchParams.get('widths')).toBe('5');
    expect(await page.textContent('#summary')).toMatch(/dense W1, b1 +\(5,\)/);
    expect(await page.$$eval('#network .column', (cs) => cs.map((c) => c.querySelectorAll('canvas.unit').length))).toEqual([4, 5, 1]);
  });

  test('a new lr applies to the network as it is: no rebuild, the epoch goes on', async () => {
    await playTo(page, 3);
    const at = await epoch(page);
    const runs = await runsStarted(page);
    await setControl(page, '#lr', '-2');
    await waitForRun(page, runs);
    expect(await epoch(page)).toBe(at); // not back to 0
    expect(new URL(page.url()).searchParams.get('lr')).toBe('-2');
    await rebuilt(page, () => page.click('#reset'));
  });

  test('batch size sets the iterations an epoch', async () => {
    await rebuilt(page, () => setControl(page, '#batch', '25'));
    const runs = await runsStarted(page);
    await page.click('#step');
    await waitForRun(page, runs);
    expect(await page.textContent('#pg-status')).toMatch(/epoch 1, iteration 4 \(4 iterations an epoch\)/);
  });

  test('L2 and L1 regularization train, and a strong L1 keeps the loss up', async () => {
    await rebuilt(page, () => setControl(page, '#reg', 'L2'));
    await playTo(page, 20);
    expect(await numberIn(page, '#pg-test-accuracy')).toBeGreaterThan(0.9);
    await rebuilt(page, () => setControl(page, '#rate', '1'));
    await rebuilt(page, () => setControl(page, '#reg', 'L1'));
    await playTo(page, 20);
    expect(await numberIn(page, '#pg-loss')).toBeGreaterThan(0.5); // λ·Σ|W| = 1·Σ|W| dominates
    expect(await page.isHidden('#error')).toBe(true);
    await rebuilt(page, () => setControl(page, '#reg', 'none'));
  });

  test('a regression set trains with mean squared error and has no accuracy', async () => {
    try {
      await rebuilt(page, () => setControl(page, '#dataset', 'plane'));
      expect(await page.textContent('#summary')).toMatch(/mean-squared-error/);
      expect(await page.textContent('#pg-accuracy')).toBe('–');
      const before = await numberIn(page, '#pg-test-loss');
      await playTo(page, 30);
      expect(await numberIn(page, '#pg-test-loss')).toBeLessThan(Math.min(0.02, before / 2));
    } finally {
      await rebuilt(page, () => setControl(page, '#dataset', 'circles'));
    }
  });

  test('maxout, batch norm and dropout build and train; the summary lists their layers', async () => {
    await rebuilt(page, () => page.check('#batchnorm'));
    await rebuilt(page, () => setControl(page, '#dropout', '0.1'));
    await rebuilt(page, () => setControl(page, '#activation', 'maxout'));
    const summary = await page.textContent('#summary');
    expect(summary).toMatch(/dense W1, b1 +\(10,\)/); // 5 maxout units of 2 pieces each
    expect(summary).toMatch(/batchNorm gamma1, beta1/);
    expect(summary).toMatch(/maxout/);
    expect(summary).toMatch(/dropout/);
    await playTo(page, 10);
    expect(await numberIn(page, '#pg-loss')).toBeLessThan(0.69); // below chance (ln 2)
    await rebuilt(page, () => setControl(page, '#activation', 'tanh'));
    await rebuilt(page, () => setControl(page, '#dropout', '0'));
    await rebuilt(page, () => page.uncheck('#batchnorm'));
  });

  test('the link restores the settings and opens paused, on a phone too', async () => {
    const url = page.url();
    const phone = await openPage(lab.browser(), url, { width: 390, height: 844 });
    try {
      await waitForRun(phone.page);
      expect(await phone.page.textContent('#play')).toBe('Play');
      expect(await epoch(phone.page)).toBe(0);
      expect(await phone.page.isChecked('#x1sq')).toBe(true);
      expect(await phone.page.inputValue('#batch')).toBe('25');
      expect(await phone.page.$$eval('#network .column', (cs) => cs.map((c) => c.querySelectorAll('canvas.unit').length))).toEqual([4, 5, 1]);
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(0);
      await screenshot(phone.page, 'playground-phone');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.page.close();
    }
  });

  test('one affine layer cannot separate XOR; one hidden layer of 8 tanh units does', async () => {
    await page.waitForSelector('body[data-pair="done"]', { timeout: 60_000 });
    expect(await page.textContent('#acc-linear')).toMatch(/^iteration 600:/);
    expect(await numberIn(page, '#acc-linear')).toBeLessThan(0.8); // a line gets three quadrants of four at best
    expect(await numberIn(page, '#acc-mlp')).toBeGreaterThan(0.97);
  });

  test('nothing went wrong on the page', async () => {
    expect(errors).toEqual([]);
    expect(await page.isHidden('#error')).toBe(true);
  });
});
