// Chapter 8's scripts in short runs: mnist_record trains an ensemble of two on a few hundred images,
// saves each network and writes its record; half_float_network loads the record's model and
// compares float32 with float16 accuracy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runScript as run, tempDir } from './scripts.js';

test('mnist_record on 300 images: two networks saved, an ensemble, output/mnist_record.json; half_float_network on its model', () => {
  const out = tempDir('record');
  const small = ['--train-size', '300', '--test-size', '200', '--epochs', '1', '--out', out];
  const log = run('mnist_record', '--networks', '2', ...small);
  expect(log).toMatch(/network 1, epoch 1\/1: train loss [\d.]+, test acc [\d.]+/);
  expect(log).toMatch(/ensemble of 2: test accuracy [\d.]+/);
  for (const i of [1, 2]) expect(existsSync(join(out, `mnist_record_${i}.safetensors`))).toBe(true);
  const record = JSON.parse(readFileSync(join(out, 'mnist_record.json'), 'utf8'));
  expect(Object.keys(record).slice(0, 4)).toEqual(['testAcc', 'seconds', 'threads', 'ensembleTestAcc']);
  for (const key of ['testAcc', 'ensembleTestAcc']) expect(record[key]).toBeGreaterThanOrEqual(0);
  expect(record.networks).toHaveLength(2);
  expect(record.networks[0].history).toHaveLength(1);
  expect(record.wrong.length).toBe(Math.round((1 - record.ensembleTestAcc) * 200));
  // run again: the saved networks are loaded, not trained
  expect(run('mnist_record', '--networks', '2', ...small)).toMatch(/network 2: loaded .*mnist_record_2\.safetensors/);

  const half = run('half_float_network', '--test-size', '200', '--train-size', '100', '--out', out);
  expect(half).toContain(`network: ${join(out, 'mnist_record_1.safetensors')}`);
  const [f32, f32Bytes] = /accuracy \(float32\) \.\.\. ([\d.]+) {2}\((\d+) bytes\)/.exec(half)!.slice(1).map(Number);
  const [f16, f16Bytes] = /accuracy \(float16\) \.\.\. ([\d.]+) {2}\((\d+) bytes\)/.exec(half)!.slice(1).map(Number);
  expect(Math.abs(f32 - f16)).toBeLessThanOrEqual(0.01);
  expect(f16Bytes / f32Bytes).toBeLessThan(0.55);
}, 240_000);

test('half_float_network trains a DeepConvNet first when no trained network exists', () => {
  const out = tempDir('half');
  const log = run('half_float_network', '--epochs', '1', '--train-size', '200', '--test-size', '100', '--out', out);
  expect(log).toMatch(/no trained network in .*: training a DeepConvNet for 1 epoch\(s\) on 200 images first/);
  expect(log).toMatch(/calculate accuracy \(float16\) \.\.\. [\d.]+/);
}, 240_000);
