// Data augmentation: each image of a batch warped by its own random affine map — a shift uniform in
// [−shift, shift] pixels (sub-pixel), a rotation uniform in [−rotate, rotate] degrees about the
// image centre and a scale uniform in [1 − scale, 1 + scale] — bilinear, zero border (a wasm kernel).
// The draws come from the generator given, so the same seed gives the same bits.
import { warpAffine } from '../ops/data.js';
import { options as checkKeys } from '../options.js';
import type { Rng } from '../rng.js';
import { describe, formatShape } from '../shape.js';
import { checkTensor, empty, type Tensor } from '../tensor.js';
import { LayerBuffer } from '../layers/buffer.js';
import { ShapeError, ValueError } from '../errors.js';

/** How far augmentation may move each image; every part defaults to 0 (off). */
export interface AugmentOptions {
  /** Largest shift in pixels, along each axis. */
  shift?: number;
  /** Largest rotation in degrees, either way, about the image centre. */
  rotate?: number;
  /** Largest relative change of size: the scale is drawn from [1 − scale, 1 + scale]. */
  scale?: number;
}

/** Checks augment options (`caller` names the function in errors); returns them with zeros filled in. */
export function checkAugment(caller: string, value: unknown): Required<AugmentOptions> {
  if (value === null || typeof value !== 'object') throw new ValueError(`${caller}: augment must be an object { shift?, rotate?, scale? }, got ${describe(value)}`);
  const o = checkKeys(`${caller}: augment`, value as AugmentOptions, ['shift', 'rotate', 'scale']);
  const bound = (name: string, v: unknown, max: number): number => {
    if (v === undefined) return 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new ValueError(`${caller}: augment.${name} must be a number in [0, ${max}], got ${describe(v)}`);
    return v;
  };
  return { shift: bound('shift', o.shift, 1e6), rotate: bound('rotate', o.rotate, 180), scale: bound('scale', o.scale, 0.99) };
}

/** The inverse maps (destination pixel → source pixel) of `n` random warps of an H×W image, six
 *  floats each, drawn in order: shift x, shift y, angle, scale per sample (four draws always). */
function drawMaps(options: Required<AugmentOptions>, n: number, H: number, W: number, rng: Rng, out: Float32Array): void {
  const cx = (W - 1) / 2, cy = (H - 1) / 2;
  const uniform = (r: number) => (2 * rng.uniform() - 1) * r;
  for (let i = 0; i < n; i++) {
    const dx = uniform(options.shift), dy = uniform(options.shift);
    const angle = uniform(options.rotate) * Math.PI / 180;
    const s = 1 + uniform(options.scale);
    // destination = s·R(angle)·(source − centre) + centre + shift, inverted:
    // source = R(−angle)·(destination − centre − shift) / s + centre
    const cos = Math.cos(angle) / s, sin = Math.sin(angle) / s;
    const ox = cx + dx, oy = cy + dy;
    out.set([cos, sin, cx - cos * ox - sin * oy, -sin, cos, cy + sin * ox - cos * oy], i * 6);
  }
}

/** The seed of augmentation's own stream for a training run's `seed`: the batch order and the
 *  dropout masks do not change when augmentation is turned on. */
export function augmentSeed(seed: number): number {
  return (Math.trunc(seed) ^ 0x61756731) >>> 0;
}

/** Throws unless x is images (N, C, H, W), which augmentation warps. */
export function checkImages(caller: string, x: Tensor): void {
  checkTensor(`${caller}: x`, x);
  if (x.shape.length !== 4 || x.shape.some((d) => !(d >= 1))) {
    throw new ShapeError(`${caller}: x must be images (N, C, H, W) with every dimension >= 1, got ${formatShape(x.shape)}`);
  }
}

/**
 * Each image of x (N, C, H, W) warped by its own random shift, rotation and scale (see
 * AugmentOptions), bilinear with a zero border; a new tensor the caller owns. The draws come from
 * `rng` (e.g. `createRng(seed)`): the same seed gives the same images.
 */
export function augmentImages(x: Tensor, options: AugmentOptions, rng: Rng): Tensor {
  checkImages('augmentImages', x);
  const o = checkAugment('augmentImages', options);
  if (rng === null || typeof rng !== 'object' || typeof rng.uniform !== 'function') throw new ValueError(`augmentImages: rng must be a generator made by createRng(seed), got ${describe(rng)}`);
  const y = empty(x.shape);
  const maps = empty([x.shape[0], 6]);
  try {
    const values = new Float32Array(x.shape[0] * 6);
    drawMaps(o, x.shape[0], x.shape[2], x.shape[3], rng, values);
    maps.data.set(values);
    warpAffine(x, y, maps);
  } catch (e) {
    y.dispose();
    throw e;
  } finally {
    maps.dispose();
  }
  return y;
}

/** The Trainer's augmentation: warps each mini-batch into buffers it reuses. */
export class Augmenter {
  readonly #options: Required<AugmentOptions>;
  readonly #rng: Rng;
  readonly #out = new LayerBuffer();
  readonly #maps = new LayerBuffer();
  #values = new Float32Array(0);

  constructor(options: Required<AugmentOptions>, rng: Rng) {
    this.#options = options;
    this.#rng = rng;
  }

  /** The batch x (N, C, H, W) warped, in a buffer valid until the next call. */
  apply(x: Tensor): Tensor {
    checkImages('Augmenter.apply', x);
    const n = x.shape[0];
    if (this.#values.length !== n * 6) this.#values = new Float32Array(n * 6);
    drawMaps(this.#options, n, x.shape[2], x.shape[3], this.#rng, this.#values);
    const maps = this.#maps.get([n, 6]);
    maps.data.set(this.#values);
    const y = this.#out.get(x.shape, x);
    warpAffine(x, y, maps);
    return y;
  }

  dispose(): void {
    this.#out.dispose();
    this.#maps.dispose();
  }
}
