// Seeded random numbers: the same seed gives the same sequence on every platform and backend.
// xoshiro128** (Blackman & Vigna) on 32-bit integers, seeded through splitmix32, so it needs
// nothing but Math.imul and is fast in any JS engine.
import { ValueError } from './errors.js';

/** A source of random numbers made by {@link createRng}. */
export interface Rng {
  /** The next 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** Throws unless `seed` is undefined (a random seed) or a finite number; `caller` names the
 *  function or constructor that took it. */
export function checkSeed(caller: string, seed: unknown): number | undefined {
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
    throw new ValueError(`${caller}: seed must be a finite number, got ${typeof seed === 'string' ? JSON.stringify(seed) : String(seed)}`);
  }
  return seed;
}

/**
 * A seeded generator (xoshiro128**, seeded through splitmix32): the same seed gives the same
 * numbers on every platform. Without a seed, a random one.
 * @example
 * const rng = createRng(0);
 * const x = randn([2, 3], rng);
 */
export function createRng(seed: number = (Math.random() * 2 ** 32) >>> 0): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new ValueError(`createRng: expected a finite number as seed, got ${String(seed)}`);
  }
  // splitmix32 spreads any seed (0 included) over the 128-bit state
  let z = Math.trunc(seed) >>> 0;
  const splitmix = (): number => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z ^ (z >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
  let s0 = splitmix(), s1 = splitmix(), s2 = splitmix(), s3 = splitmix();
  let spare: number | undefined; // Box-Muller makes normals in pairs

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const uniform = (): number => nextUint32() / 4294967296;

  return {
    nextUint32,
    uniform,
    normal() {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      const u1 = 1 - uniform(); // (0, 1]: log stays finite
      const u2 = uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
    int(n) {
      if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new ValueError(`Rng.int: expected an integer in [1, 2^32], got ${n}`);
      // NOTE: multiply-shift on 32 random bits; the bias is below n / 2^32, invisible at our sizes
      return Math.floor(uniform() * n);
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
