// Augmentation: the warp kernel against its JS twin (edge sizes, misaligned offsets, maps far
// outside the image, one and two threads), exact results for maps whose answer is known, the
// draws reproducible per seed, MNIST digits still recognisable after warping, and the Trainer's
// augment option reproducible and leaving the batch order alone.
import { beforeAll, describe, expect, test } from 'vitest';
import { augmentImages, createRng, init, layers as L, loadMnist, Sequential, setBackend, setThreads, tensor, Trainer, type Tensor } from '../src/index.js';
import { backendKernels, threadsReady } from '../src/backend/runtime.js';
import { warpAffine } from '../src/ops/data.js';
import { expectClose, randomValues, read, region, write } from './helpers.js';

await init({ threads: 2 });
await threadsReady(); // the kernel threads run the two-thread halves of every comparison

const SIZES = [1, 3, 5, 17, 63];
const IDENTITY = [1, 0, 0, 0, 1, 0];

describe('f32_warp_affine: wasm against the JS twin', () => {
  test.each(SIZES)('H = %i with W = 5, and W = that with H = 4, random maps (some far outside), misaligned', (size) => {
    for (const [H, W] of [[size, 5], [4, size]]) {
      const N = 4, C = 2, n = N * C * H * W;
      const xv = randomValues(n);
      const rng = createRng(size);
      const maps = new Float32Array(N * 6).map(() => (rng.uniform() - 0.5) * 4);
      maps.set([0.5, 0.1, 1e9, -0.2, 0.7, -3e9], 6); // sample 1 reads far outside: zeros
      const out: Float32Array[] = [];
      for (const backend of ['wasm', 'js'] as const) {
        const x = region(n, 4), y = region(n, 12), m = region(N * 6, 8);
        write(x, xv);
        write(m, maps);
        backendKernels(backend).f32_warp_affine(x, y, m, N, C, H, W);
        out.push(read(y, n));
      }
      expectClose(out[0], out[1], 1e-5, 1e-6, `${H}×${W}`);
      expect(Array.from(out[0].subarray(C * H * W, 2 * C * H * W)).every((v) => v === 0)).toBe(true);
    }
  });

  test.each([1, 2])('the op split between %i thread(s) gives the bits of one call', (threads) => {
    setThreads(threads);
    const x = tensor(randomValues(100 * 28 * 28), [100, 1, 28, 28]);
    const rng = createRng(3);
    const maps = tensor(Float32Array.from({ length: 600 }, () => rng.uniform() * 2 - 0.5), [100, 6]);
    const y = tensor(new Float32Array(x.size), x.shape);
    warpAffine(x, y, maps);
    const whole = region(x.size);
    backendKernels('wasm').f32_warp_affine(x.offset, whole, maps.offset, 100, 1, 28, 28);
    expect(Array.from(y.data)).toEqual(Array.from(read(whole, x.size)));
    for (const t of [x, y, maps]) t.dispose();
    setThreads(2);
  });
});

describe.each(['wasm', 'js'] as const)('maps with known results (%s backend)', (backend) => {
  beforeAll(() => setBackend(backend));
  const x = () => tensor(Array.from({ length: 2 * 3 * 4 }, (_, i) => i + 1), [1, 2, 3, 4]);
  const warp = (map: number[]) => {
    const input = x(), y = tensor(new Float32Array(24), [1, 2, 3, 4]), maps = tensor(map, [1, 6]);
    warpAffine(input, y, maps);
    const values = y.toArray();
    for (const t of [input, y, maps]) t.dispose();
    return values;
  };

  test('the identity map copies; a whole-pixel shift moves the image and fills zeros; a half-pixel one averages', () => {
    expect(warp(IDENTITY)).toEqual(x().toArray());
    // source column = u − 1: the image moves one pixel right
    expect(warp([1, 0, -1, 0, 1, 0]).slice(0, 12)).toEqual([0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11]);
    expect(warp([1, 0, 0.5, 0, 1, 0]).slice(0, 4)).toEqual([1.5, 2.5, 3.5, 2]); // the last averages 4 with the zero border
  });

  test('augmentImages: a 90° rotation of a square image about its centre, and no change with every option 0', () => {
    const img = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const rng = { uniform: () => 1, nextUint32: () => 0, normal: () => 0, int: () => 0 }; // every draw at its upper bound
    const rotated = augmentImages(img, { rotate: 90 }, rng);
    // destination = R(90°)·(source − centre) + centre: a counter-clockwise turn in (x right, y down) pixels
    expectClose(rotated.data, [7, 4, 1, 8, 5, 2, 9, 6, 3], 0, 1e-5, 'rotated');
    const same = augmentImages(img, {}, createRng(1));
    expect(same.toArray()).toEqual(img.toArray());
    for (const t of [img, rotated, same]) t.dispose();
  });
});

describe('augmentImages on MNIST', () => {
  let xTrain: Tensor, tTrain: Tensor, xTest: Tensor, tTest: Tensor;
  beforeAll(async () => {
    setBackend('wasm');
    ({ xTrain, tTrain, xTest, tTest } = await loadMnist({ flatten: false, trainSize: 2000, testSize: 500 }));
  });
  const options = { shift: 2, rotate: 12, scale: 0.1 };

  test('the same seed gives the same bits; another seed other images', () => {
    const a = augmentImages(xTest, options, createRng(5)), b = augmentImages(xTest, options, createRng(5)), c = augmentImages(xTest, options, createRng(6));
    expect(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength))).toBe(true);
    expect(Array.from(a.data.subarray(0, 784))).not.toEqual(Array.from(c.data.subarray(0, 784)));
    expect(Array.from(a.data.subarray(0, 784))).not.toEqual(Array.from(xTest.data.subarray(0, 784)));
    for (const t of [a, b, c]) t.dispose();
  });

  // A warp in the wrong units (radians for degrees, a fraction of the image for pixels) or about
  // the wrong centre would push the digit out of place or out of the frame: each digit's ink keeps
  // its amount (scaled by s² ∈ [0.81, 1.21]) and its centre of mass moves by at most the shift
  // (2√2 px) plus what the turn and the scale about the image centre move it (digits are centred).
  test('each digit stays in the frame and in place: its ink and its centre of mass', () => {
    const warped = augmentImages(xTest, options, createRng(7));
    const moments = (d: Float32Array, i: number) => {
      let ink = 0, mx = 0, my = 0;
      for (let p = 0; p < 784; p++) {
        const v = d[i * 784 + p];
        ink += v;
        mx += v * (p % 28);
        my += v * Math.floor(p / 28);
      }
      return [ink, mx / ink, my / ink];
    };
    let worstInk = 1, worstMove = 0;
    for (let i = 0; i < 500; i++) {
      const [ink0, x0, y0] = moments(xTest.data, i), [ink1, x1, y1] = moments(warped.data, i);
      worstInk = Math.abs(ink1 / ink0 - 1) > Math.abs(worstInk - 1) ? ink1 / ink0 : worstInk;
      // the turn (12°) and the scale (10 %) move a centre of mass r px from the image centre by about 0.31·r
      const r = Math.hypot(x0 - 13.5, y0 - 13.5);
      worstMove = Math.max(worstMove, Math.hypot(x1 - x0, y1 - y0) - 0.31 * r);
    }
    console.log(`augment.test: 500 digits warped (shift 2, rotate 12, scale 0.1): ink ratio at worst ${worstInk.toFixed(3)}, centre moved ${worstMove.toFixed(2)} px beyond the turn's share`);
    expect(worstInk).toBeGreaterThan(0.75);
    expect(worstInk).toBeLessThan(1.3);
    expect(worstMove).toBeLessThan(2 * Math.SQRT2 + 0.5);
    warped.dispose();
  });

  test("the Trainer's augment: the same seed the same losses; all-zero options the losses without it (same batches)", async () => {
    const run = async (augment?: object) => {
      const net = new Sequential({ inputShape: [1, 28, 28], layers: [L.conv2d({ filters: 4, kernelSize: 5, stride: 2 }), L.relu(), L.dense({ units: 10 })], seed: 1 });
      const trainer = new Trainer(net, xTrain, tTrain, xTest, tTest, { epochs: 1, miniBatchSize: 100, verbose: false, seed: 9, evaluateSampleNumPerEpoch: 100, ...(augment ? { augment } : {}) });
      const losses = (await trainer.train()).trainLossList;
      net.dispose();
      return losses;
    };
    const plain = await run(), zero = await run({ shift: 0 }), a = await run(options), b = await run(options);
    expect(zero).toEqual(plain);
    expect(a).toEqual(b);
    expect(a).not.toEqual(plain);
  });

  test('bad augment options and data that are not images are clear errors', () => {
    const net = new Sequential({ inputShape: [784], layers: [L.dense({ units: 10 })] });
    const flat = xTest.reshape([500, 784]);
    expect(() => new Trainer(net, flat, tTest, flat, tTest, { augment: { shift: 1 } })).toThrow('Trainer: augment: x must be images (N, C, H, W) with every dimension >= 1, got (500, 784)');
    expect(() => new Trainer(net, flat, tTest, flat, tTest, { augment: { rotate: -1 } })).toThrow('Trainer: augment.rotate must be a number in [0, 180], got -1');
    expect(() => new Trainer(net, flat, tTest, flat, tTest, { augment: { shear: 1 } as never })).toThrow(/^Trainer: augment: unknown option 'shear'/);
    expect(() => augmentImages(flat, {}, createRng(1))).toThrow('augmentImages: x must be images (N, C, H, W) with every dimension >= 1, got (500, 784)');
    flat.dispose();
    net.dispose();
  });
});
