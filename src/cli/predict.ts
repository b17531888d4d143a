// `scratchnet predict`: the digit a saved model sees in PNG images, with the probabilities of all
// ten classes. The images are normalized as MNIST's were (preprocessDigit), so a photo or a
// drawing of any size, dark on light or light on dark, works.
import { Command } from 'commander';
import { PNG } from 'pngjs';
import { init } from '../backend/runtime.js';
import { preprocessDigit, rgbaToGray } from '../data/digit-image.js';
import type { Network } from '../networks/network.js';
import { softmax } from '../ops/loss.js';
import { tensor } from '../tensor.js';
import { loadModelFile } from './model-file.js';
import { checkPngSize } from './png-header.js';
import { readInput } from './read-input.js';
import { FileFormatError, ValueError } from '../errors.js';

export function predictCommand(): Command {
  return new Command('predict')
    .description('the digit in each PNG image (one digit per image) and the probabilities of all ten classes')
    .argument('<file>', 'a model file written by `scratchnet train`')
    .argument('<images...>', 'PNG files: grayscale, RGB or RGBA (transparency counts as white paper)')
    .option('--json', 'one JSON object per image: { image, digit, probabilities }')
    .action(async (file: string, images: string[], o: { json?: boolean }) => {
      await init();
      const { network } = await loadModelFile(file);
      for (const image of images) {
        const probabilities = classify(network, await readDigit(image));
        const digit = probabilities.indexOf(Math.max(...probabilities));
        if (o.json) {
          console.log(JSON.stringify({ image, digit, probabilities }));
        } else {
          console.log(`${image}: ${digit}\n  ${probabilities.map((p, c) => `${c} ${p.toFixed(4)}`).join('  ')}`);
        }
      }
    });
}

// A 4096 × 4096 RGBA PNG stored without compression is 64 MiB; no digit's picture needs more.
const MAX_IMAGE_BYTES = 64 << 20;

// The PNG's pixels as MNIST input: 784 floats. Its declared size is checked before decoding.
async function readDigit(image: string): Promise<Float32Array> {
  const bytes = await readInput(image, MAX_IMAGE_BYTES);
  checkPngSize(image, bytes);
  let png: PNG;
  try {
    png = PNG.sync.read(bytes); // any colour type, as 8-bit RGBA
  } catch (e) {
    throw new FileFormatError(`${image} is not a PNG image that can be read (${(e as Error).message})`);
  }
  try {
    return preprocessDigit(rgbaToGray(png.data, png.width, png.height), png.width, png.height);
  } catch (e) {
    throw new ValueError(`${image}: ${(e as Error).message}`);
  }
}

// softmax of the network's class scores for one image
function classify(network: Network, pixels: Float32Array): number[] {
  const x = tensor(pixels, [1, ...(network.inputShape ?? [pixels.length])]);
  const scores = network.predict(x);
  try {
    softmax(scores, scores);
    return Array.from(scores.data);
  } finally {
    x.dispose();
    scores.dispose();
  }
}
