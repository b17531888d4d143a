// The lab pages' newer demonstrations in a real Chromium (one browser for all): the graph's
// backward steps, chain rule and refused empty inputs; the optimizers' live reruns, second surface
// and explanation; overfitting's sweeps; batch norm's activations; initialization's histograms
// without the zero bin and its all-zero network; the search's seeds, ranges and narrowing. Each
// waits on the page's own state (body[data-*]), never on the clock.
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { numberIn, openPage, runsStarted, screenshot, setControl, useLab, waitForRun } from './lab-browser.js';

describe('lab pages', { timeout: 240_000 }, () => {
  const lab = useLab();
  const errors: string[] = [];
  afterAll(() => expect(errors).toEqual([]));

  /** Opens a page of the lab at desktop size; its console errors go to `errors`. */
  async function open(path: string): Promise<Page> {
    const p = await openPage(lab.browser(), lab.base() + path, { width: 1280, height: 800 });
    p.page.on('close', () => errors.push(...p.errors));
    return p.page;
  }

  test('graph: the backward pass step by step, z = (x + y)², and an empty input is refused', async () => {
    const page = await open('graph.html');
    await waitForRun(page);
    await setControl(page, '#bstep', '2');
    expect(await page.textContent('#ao-g-tax')).toBe('650'); // reached at step 2
    expect(await page.textContent('#ao-g-apple')).toBe('?'); // not before step 4
    expect(await page.textContent('#bstep-note')).toMatch(/^Step 2: the × tax node/);
    // z = (1 + 2)²: 9 forward, ∂z/∂t = 2·3 = 6 to t and so to x and y
    expect(await page.textContent('#ch-v-z')).toBe('9');
    expect(await page.textContent('#ch-g-x')).toBe('6');
    expect(await page.textContent('#ch-g-y')).toBe('6');
    const runs = await runsStarted(page);
    await page.fill('#cx', '-2.5');
    await waitForRun(page, runs);
    expect(await page.textContent('#ch-g-x')).toBe('-1'); // 2·(−2.5 + 2)
    const price = await page.textContent('#ao-v-price');
    await page.fill('#orange', '');
    expect(await page.textContent('#inputs-note')).toMatch(/^Not computed: orange needs a number/);
    expect(await page.getAttribute('#orange', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#ao-v-price')).toBe(price); // not recomputed with 0
    await screenshot(page, 'graph-steps');
    await page.close();
  });

  test('optimizers: paths rerun while a slider moves; β and the saddle; a sentence on the result', async () => {
    const page = await open('optimizers.html');
    await waitForRun(page);
    expect(await page.textContent('#why')).toMatch(/ends lowest/);
    // a real drag on SGD's lr slider: runs start before the pointer is released
    const box = (await page.locator('#lr-SGD').boundingBox())!;
    const runs = await runsStarted(page);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(box.x + box.width * (0.5 + i * 0.05), box.y + box.height / 2);
    await page.waitForFunction((runs) => Number(document.body.dataset.run) > runs + 1, runs);
    await page.mouse.up();
    await waitForRun(page, runs + 2);
    await setControl(page, '#lr-SGD', String(Math.log10(0.95)));
    let before = await runsStarted(page);
    await setControl(page, '#momentum', '0.5');
    await waitForRun(page, before);
    expect(new URL(page.url()).searchParams.get('momentum')).toBe('0.5');
    before = await runsStarted(page);
    await setControl(page, '#surface', 'saddle');
    await waitForRun(page, before);
    expect(await page.textContent('#why')).toMatch(/saddle/);
    // standardized inputs: a round bowl, where SGD's path has no zig-zag (y never changes sign)
    before = await runsStarted(page);
    await setControl(page, '#surface', 'round');
    await waitForRun(page, before);
    expect(await page.textContent('#why')).toMatch(/standardized bowl/);
    // a schedule changes Adam's end point and the sentence says what it does
    before = await runsStarted(page);
    await setControl(page, '#surface', 'bowl');
    await waitForRun(page, before);
    const bowlConstant = await numberIn(page, '#final-Adam');
    before = await runsStarted(page);
    await setControl(page, '#schedule', 'cosine');
    await waitForRun(page, before);
    expect(await numberIn(page, '#final-Adam')).not.toBe(bowlConstant);
    expect(await page.textContent('#why')).toMatch(/cosine/);
    await screenshot(page, 'optimizers-schedule');
    await page.close();
  });

  test('overfitting: the λ and dropout sweeps rank by test accuracy and mark the best', async () => {
    const page = await open('overfitting.html?epochs=20');
    await waitForRun(page);
    await page.click('#sweep-run');
    await waitForRun(page, 0, 200_000, 'sweep');
    const rows = await page.$$eval('#sweep-lambda tr, #sweep-dropout tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!)));
    expect(rows).toHaveLength(7 + 6); // λ: 0 … 0.3; dropout: 0 (plain), 0.05 … 0.5
    const tests = rows.map((r) => Number(r[1]));
    const starred = rows.filter((r) => r[0].endsWith('★'));
    expect(starred.length).toBeGreaterThanOrEqual(1);
    for (const r of starred) expect(Number(r[1])).toBe(Math.max(...tests));
    await screenshot(page, 'overfitting-sweeps');
    await page.close();
  });

  test('batch norm: at std 0.01 the plain layers\' activations shrink to almost 0; with batch norm they keep their spread', async () => {
    const page = await open('batch-norm.html?scale=-2&epochs=10');
    await waitForRun(page, 0, 120_000);
    const captions = async (id: string) => page.$$eval(`#${id} figcaption`, (fs) => fs.map((f) => f.textContent!));
    const [bn, plain] = [await captions('acts-bn'), await captions('acts-plain')];
    expect(bn).toHaveLength(5);
    const std = (caption: string) => Number(/std ([\d.e-]+)/.exec(caption)![1]);
    expect(std(plain[4])).toBeLessThan(1e-3);
    expect(std(bn[4])).toBeGreaterThan(0.3);
    expect(await page.textContent('#focus-why')).toMatch(/std 0\.01/);
    await screenshot(page, 'batch-norm-activations');
    await page.close();
  });

  test('initialization: ReLU histograms leave out the zeros and say how many; all-zero weights keep the units identical', async () => {
    const page = await open('initialization.html?activation=relu&scale=he&iterations=500');
    await waitForRun(page);
    const caption = await page.textContent('#stats-5');
    expect(caption).toMatch(/^layer 5: std [\d.]+(, past 4: [\d.]+%)?, exactly 0 \(not drawn\): \d+%$/);
    expect(await numberIn(page, '#stats-5')).toBeGreaterThan(30); // the zeros' share
    await waitForRun(page, 0, 200_000, 'zeros');
    expect(await page.textContent('#zeros-caption-0')).toMatch(/: 0 — all 20 units are the same\.$/);
    expect(await numberIn(page, '#zeros-caption-1')).toBeGreaterThan(0.01); // Xavier's units differ
    expect(await page.$$('#compare-activation option[value="sigmoid"]')).toHaveLength(0);
    await screenshot(page, 'initialization-zeros');
    await page.close();
  });

  test('search: a fresh seed per search, editable ranges, narrowing to the best, a grid that says its size', async () => {
    const page = await open('search.html?trials=4&epochs=5');
    await waitForRun(page, 0, 200_000);
    const seed = () => new URL(page.url()).searchParams.get('seed');
    expect(seed()).toBeNull(); // the first search: the page's seed 0
    let runs = await runsStarted(page);
    await page.click('#again');
    await waitForRun(page, runs, 200_000);
    const first = seed();
    expect(first).toMatch(/^\d+$/);
    const bestLr = Number(await page.textContent('#best-1 td:nth-child(4)'));
    runs = await runsStarted(page);
    await page.click('#narrow');
    await waitForRun(page, runs, 200_000);
    expect(seed()).not.toBe(first);
    // the box around the best trials, within the book's 10^-6 … 10^-2 and holding the best lr
    const [lo, hi] = [Number(await page.inputValue('#lr-min')), Number(await page.inputValue('#lr-max'))];
    expect(lo).toBeGreaterThanOrEqual(-6);
    expect(hi).toBeLessThanOrEqual(-2);
    expect(Math.log10(bestLr)).toBeGreaterThanOrEqual(lo - 0.05);
    expect(Math.log10(bestLr)).toBeLessThanOrEqual(hi + 0.05);
    expect(new URL(page.url()).searchParams.get('lr-min')).toBe(String(lo));
    runs = await runsStarted(page);
    await setControl(page, '#trials', '10');
    await setControl(page, '#mode', 'grid');
    expect(await page.textContent('#status')).toMatch(/^A grid runs 3 × 3 = 9 trials, the nearest square to 10/);
    await page.click('#stop');
    await page.close();
  });

  test('MNIST: training settings live, pause and resume, every layer and conv filter, a grid of test predictions', async () => {
    const page = await open('index.html?model=SimpleConvNet&probe=3');
    await page.waitForSelector('#start:not([disabled])', { timeout: 60_000 });
    // the link's network with the book's training for it
    expect(await page.inputValue('#optimizer')).toBe('Adam');
    expect(await page.inputValue('#lr')).toBe('0.001');
    await page.waitForSelector('#predictions figure', { timeout: 30_000 });
    expect(await page.textContent('#probe-label')).toMatch(/^label \d$/);
    const inside = await page.$$eval('#inside figcaption', (fs) => fs.map((f) => f.textContent!));
    expect(inside[0]).toBe('1. conv2d: 30 maps of 24×24');
    expect(inside[inside.length - 1]).toMatch(/dense: 10 values$/);
    expect(await page.$$eval('#conv-filters figcaption', (fs) => fs.map((f) => f.textContent))).toEqual(['W1: 30 filters of 1×5×5']);
    expect(await page.$$('#predictions figure')).toHaveLength(40);
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('eval-iteration')!.textContent) >= 100, null, { timeout: 60_000 });
    await setControl(page, '#lr', '0.003'); // while it trains
    expect(new URL(page.url()).searchParams.get('lr')).toBe('0.003');
    await page.click('#start'); // pause
    await page.waitForFunction(() => document.body.dataset.state === 'done');
    const paused = await numberIn(page, '#iteration');
    await page.click('#start'); // resume: on from where it stopped
    await page.waitForFunction((paused) => Number(document.getElementById('eval-iteration')!.textContent) >= paused + 100 - (paused % 100), paused, { timeout: 60_000 });
    await page.click('#start');
    expect(await numberIn(page, '#test-acc')).toBeGreaterThan(0.7);
    // mistakes in the grid are marked and say the right label
    const grid = await page.$$eval('#predictions figure', (fs) => fs.map((f) => [f.classList.contains('wrong'), f.textContent!] as const));
    for (const [wrong, text] of grid) expect(wrong).toBe(/\(is \d\)/.test(text));
    await screenshot(page, 'mnist-live');
    // TwoLayerNet: the panels say why they have no maps and no filters
    await setControl(page, '#model', 'TwoLayerNet');
    await page.waitForSelector('#start:not([disabled])', { timeout: 60_000 });
    expect(await page.inputValue('#optimizer')).toBe('SGD');
    await page.waitForFunction(() => /no convolution layer/.test(document.getElementById('conv-filters-note')!.textContent!), null, { timeout: 30_000 });
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.15 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.85 * box.height, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => /no convolution or pooling layer/.test(document.getElementById('maps-note')!.textContent!), null, { timeout: 10_000 });
    await page.close();
  });
});
