// End-to-end tests of the lab (web/*.html): Vite serves it, a real Chromium runs each page, and
// each test uses a page as a learner would: its experiment runs to a stated result, a control
// changes the run, nothing logs an error; a screenshot of each page goes to out/artifacts/lab/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LabPage, numberIn, openPage, runsStarted, screenshot, setControl, useLab, waitForRun } from './lab-browser.js';

// NOTE: a test's own waits bound it; the timeout only catches a hang (the machine may be busy)
describe('lab', { timeout: 300_000 }, () => {
  const lab = useLab();

  /** Opens a page of the lab for the tests of one describe block, and closes it after them. */
  function labPage(file: string): () => LabPage {
    let p: LabPage | undefined;
    beforeAll(async () => void (p = await openPage(lab.browser(), lab.base() + file)), 30_000);
    afterAll(async () => p?.page.close());
    return () => p!;
  }

  describe('3. optimizer paths', () => {
    const get = labPage('optimizers.html');

    test("Adam's path, at the book's lr 0.3, ends below f = 0.2 within 30 steps; so do the others", async () => {
      const { page } = get();
      await waitForRun(page);
      expect(await page.textContent('#final-Adam')).toMatch(/^step 30:/);
      expect(await numberIn(page, '#final-Adam')).toBeLessThan(0.2);
      for (const name of ['SGD', 'Momentum', 'Nesterov', 'AdaGrad', 'RMSprop']) expect(await numberIn(page, `#final-${name}`)).toBeLessThan(0.2);
      await screenshot(page, 'optimizers');
    });

    test('an SGD learning rate above 1 makes its path diverge, and the others stay as they were', async () => {
      const { page } = get();
      const adam = await page.textContent('#final-Adam');
      const runs = await runsStarted(page);
      await setControl(page, '#lr-SGD', '0.1'); // 10^0.1 = 1.3: y ← y − 2.6·y grows by 1.6× a step
      await waitForRun(page, runs);
      expect(await page.textContent('#lr-SGD + output')).toBe('1.3');
      expect(await numberIn(page, '#final-SGD')).toBeGreaterThan(100); // f(-7, 2) = 6.45 at the start
      expect(await page.textContent('#final-Adam')).toBe(adam);
    });

    test('dragging on a plot moves the start of every path', async () => {
      const { page } = get();
      const box = (await page.locator('#plot-Momentum').boundingBox())!;
      const runs = await runsStarted(page);
      // (x, y) = (5, 2.5): three quarters across, a quarter down the window [-10, 10] × [-5, 5]
      await page.mouse.move(box.x + 0.75 * box.width, box.y + 0.25 * box.height);
      await page.mouse.down();
      await page.mouse.up();
      await waitForRun(page, runs + 1); // the run of the press, then the animated one of the release
      const status = await page.textContent('#status');
      const [x, y] = /\((-?[\d.]+), (-?[\d.]+)\)/.exec(status!)!.slice(1).map(Number);
      expect(x).toBeCloseTo(5, 0);
      expect(y).toBeCloseTo(2.5, 0);
      expect(await numberIn(page, '#final-Adam')).toBeLessThan(0.2); // f(5, 2.5) = 7.5 at the start
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });
  describe('1. computational graph', () => {
    const get = labPage('graph.html');

    test("the book's apples and oranges: 715 forward; 2.2, 110, 3.3, 165 and 650 backward", async () => {
      const { page } = get();
      await waitForRun(page);
      const shown = (id: string) => page.textContent(`#${id}`);
      expect(await shown('ao-v-price')).toBe('715');
      expect(await shown('ao-g-apple')).toBe('2.2');
      expect(await shown('ao-g-appleNum')).toBe('110');
      expect(await shown('ao-g-orange')).toBe('3.3');
      expect(await shown('ao-g-orangeNum')).toBe('165');
      expect(await shown('ao-g-tax')).toBe('650');
      expect(await shown('ao-g-allPrice')).toBe('1.1');
      // the sigmoid at x = 0: y = 0.5, and each node's gradient on the way back
      expect(await shown('sg-v-y')).toBe('0.5');
      expect(await shown('sg-g-c')).toBe('-0.25');
      expect(await shown('sg-g-x')).toBe('0.25');
      await screenshot(page, 'graph');
    });

    test('editing an input recomputes the graph; the sigmoid from nodes matches the Sigmoid layer', async () => {
      const { page } = get();
      let runs = await runsStarted(page);
      await page.fill('#appleNum', '4');
      await waitForRun(page, runs);
      expect(await page.textContent('#ao-v-price')).toBe('935'); // (100·4 + 150·3)·1.1
      expect(await page.textContent('#ao-g-apple')).toBe('4.4');
      runs = await runsStarted(page);
      await setControl(page, '#x', '2');
      await waitForRun(page, runs);
      const expected = Math.exp(-2) / (1 + Math.exp(-2)) ** 2; // σ'(2)
      expect(await numberIn(page, '#sg-g-x')).toBeCloseTo(expected, 5);
      const library = /∂y\/∂x = ([\d.e-]+)/.exec((await page.textContent('#library'))!)![1];
      expect(Number(library)).toBeCloseTo(expected, 5);
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });
  describe('2. gradient check', () => {
    const get = labPage('gradient-check.html');
    const cell = async (page: LabPage['page'], name: string, column: number) => Number(await page.textContent(`#row-${name} td:nth-child(${column})`));

    test("at the library's h = 1e-3, backprop and numerical gradients agree (the book's mean |diff|)", async () => {
      const { page } = get();
      await waitForRun(page, 0, 120_000);
      for (const name of ['W1', 'b1', 'W2', 'b2']) expect(await cell(page, name, 2)).toBeLessThan(1e-4);
      // ‖diff‖ / (‖a‖ + ‖n‖): W2 and b2 sit after the ReLU; W1 and b1 (~0.04) are spoiled by units near its kink
      for (const name of ['W2', 'b2']) expect(await cell(page, name, 4)).toBeLessThan(1e-2);
      expect(await page.textContent('#units-caption')).toMatch(/of 50 hidden units/);
      await screenshot(page, 'gradient-check');
    });

    test('h = 1e-7 drowns the difference in float32 rounding; the sweep shows it too', async () => {
      const { page } = get();
      const before = await cell(page, 'b2', 2);
      const runs = await runsStarted(page);
      await setControl(page, '#h', '-7');
      await waitForRun(page, runs, 120_000);
      expect(await page.textContent('#h + output')).toBe('1e-7');
      expect(await cell(page, 'b2', 2)).toBeGreaterThan(10 * before);
      expect(await cell(page, 'W2', 4)).toBeGreaterThan(1e-2);
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });
  describe('4. initialization', () => {
    const get = labPage('initialization.html');

    test('sigmoid with std 1 saturates; Xavier keeps the last layer spread', async () => {
      const { page } = get();
      await waitForRun(page);
      expect(await page.textContent('#stats-5')).toMatch(/^layer 5: std/);
      expect(await numberIn(page, '#stats-5')).toBeGreaterThan(50); // % of activations within 0.05 of 0 or 1 (68 measured)
      let runs = await runsStarted(page);
      await setControl(page, '#scale', 'xavier');
      await waitForRun(page, runs);
      expect(await numberIn(page, '#stats-5')).toBeLessThan(10);
      // ReLU with std 0.01: each layer shrinks the spread about tenfold (1.2e-6 measured in the fifth)
      runs = await runsStarted(page);
      await setControl(page, '#activation', 'relu');
      await setControl(page, '#scale', 'std=0.01');
      await waitForRun(page, runs + 1);
      const std = Number(/std ([\d.e-]+)/.exec((await page.textContent('#stats-5'))!)![1]);
      expect(std).toBeLessThan(1e-4);
    });

    test('on MNIST, std 0.01 stays at chance (loss ln 10 = 2.30); He learns fastest, Xavier later', async () => {
      const { page } = get();
      await waitForRun(page, 0, 120_000, 'compare');
      expect(await page.textContent('#compare-status')).toBe('iteration 500 of 500');
      expect(await numberIn(page, '#loss-std')).toBeGreaterThan(2.2);
      const [xavier, he] = [await numberIn(page, '#loss-xavier'), await numberIn(page, '#loss-he')];
      expect(xavier).toBeLessThan(2); // 0.96 measured
      expect(he).toBeLessThan(0.7); // 0.37 measured
      expect(he).toBeLessThan(xavier);
      // the figure: tanh under Xavier, spread over every layer
      const runs = await runsStarted(page);
      await setControl(page, '#activation', 'tanh');
      await setControl(page, '#scale', 'xavier');
      await waitForRun(page, runs + 1);
      await screenshot(page, 'initialization');
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });
  describe('5. batch normalization', () => {
    const get = labPage('batch-norm.html');

    test('at weight std 0.01 the batch-norm run beats the plain one', async () => {
      const { page } = get();
      await waitForRun(page, 0, 120_000);
      expect(await page.textContent('#focus-epoch')).toBe('20');
      const [bn, plain] = [await numberIn(page, '#focus-bn'), await numberIn(page, '#focus-plain')];
      expect(bn).toBeGreaterThan(0.8);
      expect(bn).toBeGreaterThan(plain + 0.2);
    });

    test('the sweep fills sixteen panels; batch norm wins at every std from 0.1 down', async () => {
      const { page } = get();
      await setControl(page, '#epochs', '10'); // half the book's 20, to keep the test short
      await page.click('#sweep-run');
      await waitForRun(page, 0, 180_000, 'sweep');
      const captions = await page.$$eval('#sweep figcaption', (els) => els.map((e) => e.textContent!));
      expect(captions).toHaveLength(16);
      for (const caption of captions) {
        const [, std, bn, plain] = /^std ([\d.e-]+): ([\d.]+) \/ ([\d.]+)$/.exec(caption)!.map(Number);
        if (std <= 0.1) expect(bn, caption).toBeGreaterThan(plain);
      }
      await screenshot(page, 'batch-norm');
    });

    test('moving the slider reruns the pair at the new scale', async () => {
      const { page } = get();
      const runs = await runsStarted(page);
      await setControl(page, '#scale', '-0.5'); // std 0.32
      await waitForRun(page, runs, 120_000);
      expect(await page.textContent('#scale + output')).toBe('0.32');
      expect(await page.textContent('#focus-epoch')).toBe('10'); // as the sweep's test left the epochs
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });
  describe('6. overfitting', () => {
    const get = labPage('overfitting.html');

    test('300 images are learned by heart; weight decay λ = 0.1 narrows the train/test gap', async () => {
      const { page } = get();
      await waitForRun(page, 0, 180_000);
      expect(await page.textContent('#epoch')).toBe('200');
      expect(await numberIn(page, '#plain-train')).toBeGreaterThan(0.98);
      const plainGap = await numberIn(page, '#plain-gap');
      expect(plainGap).toBeGreaterThan(0.2);
      expect(await numberIn(page, '#regularized-gap')).toBeLessThan(plainGap - 0.05);
      await screenshot(page, 'overfitting');
    });

    test('dropout alone (λ = 0, ratio 0.2) narrows it too', async () => {
      const { page } = get();
      const runs = await runsStarted(page);
      await setControl(page, '#epochs', '100');
      await setControl(page, '#lambda', '0');
      await setControl(page, '#dropout', '0.2');
      await waitForRun(page, runs + 2, 180_000);
      expect(await page.textContent('#regularized-name')).toBe('dropout 0.2');
      expect(await page.textContent('#epoch')).toBe('100');
      expect(await numberIn(page, '#regularized-gap')).toBeLessThan(await numberIn(page, '#plain-gap'));
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });
  describe('7. hyper-parameter search', () => {
    const get = labPage('search.html');
    let randomBest = 0;
    const best = async (page: LabPage['page']) => {
      const cells = await page.$$eval('#best-1 td', (tds) => tds.map((td) => Number(td.textContent)));
      return { valAcc: cells[1], lr: cells[3] };
    };

    test('25 random trials: the best validation accuracy comes from a learning rate above 1e-3', async () => {
      const { page } = get();
      await waitForRun(page, 0, 180_000);
      expect(await page.textContent('#status')).toMatch(/^All 25 trials done/);
      const { valAcc, lr } = await best(page);
      expect(valAcc).toBeGreaterThan(0.5);
      expect(lr).toBeGreaterThan(1e-3);
      randomBest = valAcc;
      await screenshot(page, 'search');
    });

    test('a grid of 9 trials tries three learning rates only, and misses what random search found', async () => {
      const { page } = get();
      const runs = await runsStarted(page);
      await setControl(page, '#trials', '9');
      await setControl(page, '#mode', 'grid');
      await waitForRun(page, runs + 1, 180_000);
      expect(await page.textContent('#status')).toMatch(/^All 9 trials done/);
      const lrs = await page.$$eval('#best td:nth-child(4)', (tds) => tds.map((td) => td.textContent));
      expect(new Set(lrs).size).toBeLessThanOrEqual(3);
      // 10^-5.3, 10^-4 and 10^-2.7: none in the region above 10^-2.5 where the best random trials are
      expect((await best(page)).valAcc).toBeLessThan(randomBest);
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });
  describe('10. speed', () => {
    const get = labPage('speed.html');
    const results = (page: LabPage['page']) => page.$$eval('#results tr', (trs) => trs.map((tr) => { const cells = (tr as HTMLTableRowElement).cells; return [cells[0].textContent!, Number(cells[2].textContent!.replaceAll(',', ''))] as const; }));

    test('the dev server makes the page cross-origin isolated: two kernel threads, and each set-up measured', async () => {
      const { page } = get();
      await waitForRun(page, 0, 120_000);
      expect(await page.textContent('#isolated')).toBe('yes');
      expect(await page.textContent('#threads')).toBe('2');
      const rows = await results(page);
      expect(rows.map(([label]) => label)).toEqual(['TwoLayerNet, JavaScript', 'TwoLayerNet, wasm SIMD, 1 thread', 'TwoLayerNet, wasm SIMD, 2 threads']);
      for (const [, imagesPerSecond] of rows) expect(imagesPerSecond).toBeGreaterThan(0);
      await screenshot(page, 'speed');
    });

    test('choosing SimpleConvNet measures it', async () => {
      const { page } = get();
      const runs = await runsStarted(page);
      await setControl(page, '#seconds', '1');
      await setControl(page, '#model', 'SimpleConvNet');
      await waitForRun(page, runs + 1, 180_000);
      const rows = await results(page);
      expect(rows).toHaveLength(3);
      for (const [label, imagesPerSecond] of rows) {
        expect(label).toMatch(/^SimpleConvNet, /);
        expect(imagesPerSecond).toBeGreaterThan(0);
      }
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });
  describe('9. MNIST and CNNs (the demo, whose own test is browser-demo.test.ts)', () => {
    const get = labPage('index.html');

    test('the page is in the lab: the navigation lists the ten pages and marks this one', async () => {
      const { page } = get();
      const links = await page.$$eval('#lab-nav a', (as) => as.map((a) => [a.textContent, a.getAttribute('aria-current')]));
      expect(links).toHaveLength(10);
      expect(links[8]).toEqual(['9. MNIST and CNNs', 'page']);
      expect(links.filter(([, current]) => current)).toHaveLength(1);
    });

    test('SimpleConvNet trains past 0.5 test accuracy in 100 iterations', async () => {
      const { page } = get();
      await page.waitForSelector('#start:not([disabled])', { timeout: 30_000 });
      await setControl(page, '#model', 'SimpleConvNet');
      await page.waitForSelector('#start:not([disabled])', { timeout: 30_000 });
      await page.click('#start');
      await page.waitForFunction(() => Number(document.getElementById('eval-iteration')!.textContent) >= 100, null, { timeout: 60_000 });
      await page.click('#start');
      expect(await numberIn(page, '#test-acc')).toBeGreaterThan(0.5);
      // the filters before training are kept beside the trained ones; mistakes are listed
      expect(await page.$eval('#filters-start', (c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(100);
      const mistakes = await page.$$eval('#mistakes figcaption', (fs) => fs.map((f) => f.textContent!));
      expect(mistakes.length).toBeGreaterThan(0);
      for (const m of mistakes) {
        const [label, answer] = m.split(' → ').map(Number);
        expect(label).not.toBe(answer);
      }
    });

    test("a drawn digit shows each convolutional layer's feature maps", async () => {
      const { page } = get();
      const box = (await page.locator('#pad').boundingBox())!;
      await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.15 * box.height);
      await page.mouse.down();
      await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.85 * box.height, { steps: 12 }); // a "1"
      await page.mouse.up();
      await page.waitForSelector('#maps figure', { timeout: 10_000 });
      const captions = await page.$$eval('#maps figcaption', (fs) => fs.map((f) => f.textContent));
      // SimpleConvNet: conv 30×5×5 → 24×24, ReLU, 2×2 max pooling → 12×12
      expect(captions).toEqual(['1. conv2d: 30 maps of 24×24', '2. relu: 30 maps of 24×24', '3. maxPool2d: 30 maps of 12×12']);
      await screenshot(page, 'mnist');
    });

    test('a Sequential of your layers trains; layers that do not fit say why and leave the network', async () => {
      const { page } = get();
      await page.click('#clear');
      await setControl(page, '#model', 'Sequential');
      await page.waitForSelector('#recipe:text("Sequential of your layers")', { timeout: 30_000 });
      await page.waitForFunction(() => document.getElementById('eval-iteration')!.textContent === '0'); // the new network's first evaluation
      expect(await numberIn(page, '#test-acc')).toBeLessThan(0.3);
      await page.click('#start');
      await page.waitForFunction(() => Number(document.getElementById('eval-iteration')!.textContent) >= 100, null, { timeout: 60_000 });
      await page.click('#start');
      expect(await numberIn(page, '#test-acc')).toBeGreaterThan(0.5);
      // a 40×40 kernel on a 28×28 image
      await page.fill('#layers', '[{ "kind": "conv2d", "filters": 4, "kernelSize": 40 }]');
      await page.click('#build');
      await page.waitForSelector('#error:not([hidden])', { timeout: 10_000 });
      expect(await page.textContent('#error')).toMatch(/conv2d/);
      expect(await page.inputValue('#model')).toBe('Sequential');
      expect(await page.isEnabled('#start')).toBe(true);
      await page.click('#error'); // dismissed
    });

    test('nothing went wrong on the page', async () => {
      expect(get().errors).toEqual([]);
      expect(await get().page.isHidden('#error')).toBe(true);
    });
  });

  describe('every page on a phone-sized screen (390 × 844)', () => {
    const pages = ['graph', 'gradient-check', 'optimizers', 'initialization', 'batch-norm', 'overfitting', 'search', 'playground', 'index', 'speed'];

    test.each(pages)('%s.html fits the width and shows no error', async (file) => {
      const { page, errors } = await openPage(lab.browser(), `${lab.base()}${file}.html`, { width: 390, height: 844 });
      try {
        await page.waitForTimeout(1500); // its first drawing
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await screenshot(page, `${file}-phone`);
        expect(errors).toEqual([]);
        expect(await page.isHidden('#error')).toBe(true);
      } finally {
        await page.close();
      }
    });
  });
});
