// The playground's 2-D data sets, made in the page from a seed: points in about [-1, 1]², two
// classes (0 and 1).

export const DATASETS = ['xor', 'circles', 'spirals', 'moons'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface Points {
  /** (N, 2) coordinates, row by row. */
  x: Float32Array;
  /** N class indices, 0 or 1. */
  t: Float32Array;
}

// mulberry32: a small seeded generator, so a data set is the same on every load
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` points of the named set, each moved by Gaussian noise of std `noise`. */
export function makeDataset(name: DatasetName, n: number, noise: number, seed = 1): Points {
  const rand = random(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x = new Float32Array(2 * n), t = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    let px: number, py: number;
    if (name === 'xor') {
      // a quadrant: class 1 where x and y have the same sign
      [px, py] = [0.1 + 0.9 * rand(), 0.1 + 0.9 * rand()];
      const flipX = rand() < 0.5;
      px = flipX ? -px : px;
      py = (flipX ? -1 : 1) * (label ? py : -py);
    } else if (name === 'circles') {
      // class 1 inside radius 0.5, class 0 in the ring from 0.7 to 1
      const r = label ? 0.5 * Math.sqrt(rand()) : 0.7 + 0.3 * rand();
      const a = 2 * Math.PI * rand();
      [px, py] = [r * Math.cos(a), r * Math.sin(a)];
    } else if (name === 'spirals') {
      // two arms, one turned half a turn from the other
      const s = rand();
      const r = 0.05 + 0.95 * s, a = 3 * Math.PI * s + label * Math.PI;
      [px, py] = [r * Math.cos(a), r * Math.sin(a)];
    } else {
      // two interleaved half circles
      const a = Math.PI * rand();
      [px, py] = label ? [1 - Math.cos(a), 0.5 - Math.sin(a)] : [Math.cos(a), Math.sin(a)];
      [px, py] = [(px - 0.5) * 0.8, (py - 0.25) * 0.8];
    }
    x[2 * i] = px + noise * gauss();
    x[2 * i + 1] = py + noise * gauss();
    t[i] = label;
  }
  return { x, t };
}
