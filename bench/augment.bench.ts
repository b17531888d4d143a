// The cost of augmentation beside the training step it feeds: warping a batch of 100 MNIST-sized
// images (shift, rotation and scale per image) against one SimpleConvNet iteration on the same
// batch, both on the wasm kernels with the threads init() starts, in one process, alternating.
// Writes bench/results/augment.{json,md} with the load average at the start and the end.
import { loadavg } from 'node:os';
import { augmentImages, createRng, init, tensor, threadCount } from 'scratchnet';
import { CONV_IN, randomArray, simpleConvNetStep, size, threadsReady } from './fixtures.js';
import { fmtMs, medians, publish } from './report.js';

await init();
await threadsReady();
const loadBefore = loadavg()[0];
const images = randomArray(size(CONV_IN));
const x = tensor(images, CONV_IN);
const rng = createRng(1);
const ms = await medians({ augment: () => augmentImages(x, { shift: 2, rotate: 10, scale: 0.1 }, rng).dispose(), step: simpleConvNetStep(images) }, 2000);
const loadAfter = loadavg()[0];
const share = (100 * ms.augment) / ms.step;
publish('augment', {
  title: `Augmentation per batch of 100 28×28 images against a SimpleConvNet step, ${threadCount()} thread(s)`,
  header: ['what', 'median ms'],
  rows: [['augmentImages (shift 2, rotate 10°, scale 0.1)', fmtMs(ms.augment)], ['SimpleConvNet step (Adam)', fmtMs(ms.step)],
    ['warp / step', `${share.toFixed(1)} %`]],
  notes: [`1-minute load average ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end: the ratio of one run, not a timing.`],
  data: { augmentMs: ms.augment, stepMs: ms.step, sharePercent: share, loadBefore, loadAfter, threads: threadCount() },
});
x.dispose();
