// The chapter-7/8 scripts in short runs: train_convnet saves parameters that visualize_filter
// draws, and train_deepnet saves after every epoch and resumes from its file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { isPng, runScript as run, tempDir } from './scripts.js';

test('train_convnet learns from 1 000 images in one epoch, and visualize_filter draws its filters', () => {
  const out = tempDir('convnet');
  const log = run('train_convnet', '--epochs', '1', '--train-size', '1000', '--test-size', '2000', '--out', out);
  const accuracy = Number(/test accuracy ([\d.]+)/.exec(log)?.[1]);
  expect(accuracy).toBeGreaterThan(0.3); // 10 Adam steps from 0.1 (chance)
  expect(existsSync(join(out, 'simple_convnet.safetensors'))).toBe(true);
  expect(isPng(join(out, 'train_convnet.png'))).toBe(true);
  run('visualize_filter', '--out', out);
  expect(isPng(join(out, 'visualize_filter.png'))).toBe(true);
}, 120_000);

test('train_deepnet saves after each epoch and resumes where it stopped', () => {
  const params = join(tempDir('deepnet'), 'deep.safetensors');
  const small = ['--train-size', '200', '--test-size', '200', '--params', params];
  const first = run('train_deepnet', '--epochs', '1', ...small);
  expect(first).toMatch(/epoch 1\/1: .* saved/);
  const second = run('train_deepnet', '--epochs', '2', ...small);
  expect(second).toMatch(/resuming from .* after 1 epochs/);
  expect(second).toMatch(/epoch 2\/2: /);
  expect(run('train_deepnet', '--epochs', '2', ...small)).toMatch(/already trained for 2 epochs; test accuracy 0\.\d+/);
}, 180_000);
