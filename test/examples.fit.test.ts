// examples/fit.ts, the fit loop of issue 17's "done when": validation, early stopping, an abort
// signal and a PNG of the loss curves, run as a user runs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { expect, test } from 'vitest';
import { runScript, tempDir } from './scripts.js';

const dir = tempDir('fit');

test('fit trains with validation until early stopping restores the best epoch, and draws the curves', () => {
  const png = join(dir, 'loss.png');
  const out = runScript('fit', '--train-size', '3000', '--epochs', '40', '--out', png);
  const epochs = out.match(/^epoch \d+: train loss [\d.]+, val loss [\d.]+, val acc [\d.]+$/gm) ?? [];
  const last = /^stopped: (.*); best epoch (\d+); test accuracy ([\d.]+); wrote /m.exec(out);
  expect(last, out).not.toBeNull();
  const [, stopped, best, accuracy] = last!;
  const valLosses = epochs.map((line) => Number(/val loss ([\d.]+)/.exec(line)![1]));
  expect(Number(best)).toBe(valLosses.indexOf(Math.min(...valLosses)) + 1);
  if (stopped === 'early-stopping') expect(epochs).toHaveLength(Number(best) + 2); // patience 2
  else expect(epochs).toHaveLength(40);
  expect(Number(accuracy)).toBeGreaterThan(0.9);
  const image = PNG.sync.read(readFileSync(png));
  expect([image.width, image.height]).toEqual([1280, 800]);
}, 120_000);

test('fit stops cleanly on its AbortSignal and still reports and draws', () => {
  const png = join(dir, 'aborted.png');
  const out = runScript('fit', '--train-size', '3000', '--epochs', '1000', '--patience', '1000', '--seconds', '3', '--out', png);
  expect(out).toMatch(/^stopped: aborted; best epoch \d+; test accuracy 0\.\d{4}; wrote /m);
  expect(PNG.sync.read(readFileSync(png)).width).toBe(1280);
}, 120_000);
