// The playground's 2-D data sets, made in the page from a seed: points in about [-2, 2]², either
// two classes (0 and 1) or, for the regression sets, a real target in [-1, 1]; the input features
// a network sees (x₁, x₂, x₁², …); and the split into training and test points.

export const CLASSIFICATION = ['circles', 'xor', 'spirals', 'moons'] as const;
export const REGRESSION = ['plane', 'bumps'] as const;
export const DATASETS = [...CLASSIFICATION, ...REGRESSION] as const;
export type DatasetName = (typeof DATASETS)[number];
export const isRegression = (name: DatasetName): boolean => (REGRESSION as readonly string[]).includes(name);

/** The plane the data lies in and the playground shades: [-EXTENT, EXTENT]². */
export const EXTENT = 3;
const SCALE = 2; // the sets are made in about [-1, 1]² and stretched to about [-2, 2]²

export interface Points {
  /** (N, 2) coordinates, row by row. */
  x: Float32Array;
  /** N targets: class indices 0 or 1, or reals in [-1, 1] for a regression set. */
  t: Float32Array;
}

// mulberry32: a small seeded generator, so a data set is the same on every load
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The regression sets' targets at (x, y) in the stretched plane. */
function regressionTarget(name: DatasetName, x: number, y: number): number {
  if (name === 'plane') return Math.max(-1, Math.min(1, (x + y) / 4));
  // a positive bump up-right and a negative one down-left
  const bump = (cx: number, cy: number): number => Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 1.5);
  return bump(1, 1) - bump(-1, -1);
}

/** `n` points of the named set, each moved by Gaussian noise of std `noise` (before stretching). */
export function makeDataset(name: DatasetName, n: number, noise: number, seed = 1): Points {
  const rand = random(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const x = new Float32Array(2 * n), t = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    let px: number, py: number;
    if (isRegression(name)) {
      [px, py] = [2 * rand() - 1, 2 * rand() - 1];
    } else if (name === 'xor') {
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
    x[2 * i] = SCALE * (px + noise * gauss());
    x[2 * i + 1] = SCALE * (py + noise * gauss());
    t[i] = isRegression(name) ? regressionTarget(name, SCALE * px, SCALE * py) : label;
  }
  return { x, t };
}

/** The input features the playground offers, by their control's name. */
export const FEATURES: Record<string, { label: string; of: (x: number, y: number) => number }> = {
  x1: { label: 'x₁', of: (x) => x },
  x2: { label: 'x₂', of: (_x, y) => y },
  x1sq: { label: 'x₁²', of: (x) => x * x },
  x2sq: { label: 'x₂²', of: (_x, y) => y * y },
  x1x2: { label: 'x₁x₂', of: (x, y) => x * y },
  sinx1: { label: 'sin x₁', of: (x) => Math.sin(x) },
  sinx2: { label: 'sin x₂', of: (_x, y) => Math.sin(y) },
};

/** (N, features) rows of the chosen features of (N, 2) points. */
export function featureRows(x: Float32Array, features: readonly string[]): Float32Array {
  const n = x.length / 2, out = new Float32Array(n * features.length);
  for (let i = 0; i < n; i++) features.forEach((f, j) => (out[i * features.length + j] = FEATURES[f].of(x[2 * i], x[2 * i + 1])));
  return out;
}

/** Splits the points: a seeded shuffle, the first `testShare` of them for testing. */
export function split(points: Points, testShare: number, seed = 2): { train: Points; test: Points } {
  const n = points.t.length, rand = random(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.round(n * testShare);
  const take = (ids: number[]): Points => ({
    x: Float32Array.from(ids.flatMap((i) => [points.x[2 * i], points.x[2 * i + 1]])),
    t: Float32Array.from(ids.map((i) => points.t[i])),
  });
  return { test: take(order.slice(0, nTest)), train: take(order.slice(nTest)) };
}

/** The grid's points as (GRID², 2) rows, from the top (y = EXTENT) down. */
export function gridPoints(grid: number): Float32Array {
  const g = new Float32Array(grid * grid * 2);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      g[2 * (r * grid + c)] = -EXTENT + ((c + 0.5) / grid) * 2 * EXTENT;
      g[2 * (r * grid + c) + 1] = EXTENT - ((r + 0.5) / grid) * 2 * EXTENT;
    }
  }
  return g;
}
