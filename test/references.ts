// Float64 references for the im2col family (the book's np.pad + im2col as direct loops, in the
// book layout and the transposed one) and the checks that compare float32 kernel results with
// them: exactly, within the error bound of a float32 sum, and through adjoint identities.
import { expect } from 'vitest';
import { colSize, dims, imageSize, type Geom } from './conv-geometry.js';

/** A float64 sum per element and Σ|terms| of it, for the float32 error bound. */
export interface SumRef { value: Float64Array; mag: Float64Array }

/** Flat index of x[n, c, iy, ix], or −1 in the padding. */
function pixel(g: Geom, n: number, c: number, iy: number, ix: number): number {
  if (iy < 0 || iy >= g.H || ix < 0 || ix >= g.W) return -1;
  return ((n * g.C + c) * g.H + iy) * g.W + ix;
}

/**
 * Visits every window element: output index o, window position k in (ky, kx) order, pixel i.
 * channelsInRows: o indexes the book's im2col matrix, row (n, oy, ox), column (c, ky, kx);
 * otherwise the pooling output (n, c, oy, ox).
 */
export function forEachWindow(g: Geom, channelsInRows: boolean, f: (o: number, k: number, i: number) => void): void {
  const { OH, OW } = dims(g);
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let ky = 0; ky < g.FH; ky++) {
            for (let kx = 0; kx < g.FW; kx++) {
              const i = pixel(g, n, c, oy * g.stride - g.pad + ky, ox * g.stride - g.pad + kx);
              const o = channelsInRows
                ? (((n * OH + oy) * OW + ox) * g.C + c) * g.FH * g.FW + ky * g.FW + kx
                : ((n * g.C + c) * OH + oy) * OW + ox;
              f(o, ky * g.FW + kx, i);
            }
          }
        }
      }
    }
  }
}

/** Visits the transposed layout col[n, (c, ky, kx), (oy, ox)] in order: flat index o and pixel i. */
export function forEachColT(g: Geom, f: (o: number, i: number) => void): void {
  const { OH, OW } = dims(g);
  let o = 0;
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      for (let ky = 0; ky < g.FH; ky++) {
        for (let kx = 0; kx < g.FW; kx++) {
          for (let oy = 0; oy < OH; oy++) {
            for (let ox = 0; ox < OW; ox++, o++) f(o, pixel(g, n, c, oy * g.stride - g.pad + ky, ox * g.stride - g.pad + kx));
          }
        }
      }
    }
  }
}

type ColVisitor = (g: Geom, f: (o: number, i: number) => void) => void;
const forEachColBook: ColVisitor = (g, f) => forEachWindow(g, true, (o, _k, i) => f(o, i));

function im2colWith(visit: ColVisitor, x: ArrayLike<number>, g: Geom): Float64Array {
  const col = new Float64Array(colSize(g));
  visit(g, (o, i) => (col[o] = i < 0 ? 0 : x[i]));
  return col;
}

function col2imWith(visit: ColVisitor, col: ArrayLike<number>, g: Geom): SumRef {
  const value = new Float64Array(imageSize(g)), mag = new Float64Array(value.length);
  visit(g, (o, i) => {
    if (i < 0) return;
    value[i] += col[o];
    mag[i] += Math.abs(col[o]);
  });
  return { value, mag };
}

/** im2col in the book layout, (N·OH·OW, C·FH·FW). */
export const im2colRef = (x: ArrayLike<number>, g: Geom) => im2colWith(forEachColBook, x, g);
/** col2im from the book layout. */
export const col2imRef = (col: ArrayLike<number>, g: Geom) => col2imWith(forEachColBook, col, g);
/** im2col in the transposed layout, (N, C·FH·FW, OH·OW). */
export const im2colTRef = (x: ArrayLike<number>, g: Geom) => im2colWith(forEachColT, x, g);
/** col2im from the transposed layout. */
export const col2imTRef = (col: ArrayLike<number>, g: Geom) => col2imWith(forEachColT, col, g);

// ---- comparisons ----------------------------------------------------------------------------

/** The same values, NaN equal to NaN. */
export function expectExact(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  if (got.length !== want.length) throw new Error(`${label}: length ${got.length} != ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    if (!(Object.is(got[i], want[i]) || got[i] === want[i])) {
      throw new Error(`${label}: element ${i}: got ${got[i]}, expected ${want[i]}`);
    }
  }
}

/**
 * A float32 sum of at most `terms` terms against its float64 value: NOTE the error bound of
 * sequential summation, (terms + 1)·u·Σ|term| with u = 2^-23 (one more rounding for a division).
 */
export function expectSum(got: ArrayLike<number>, ref: SumRef, terms: number, label: string): void {
  expect(got.length).toBe(ref.value.length);
  for (let i = 0; i < got.length; i++) {
    const tol = (terms + 2) * 1.2e-7 * ref.mag[i];
    if (!(Math.abs(got[i] - ref.value[i]) <= tol)) {
      throw new Error(`${label}: element ${i}: got ${got[i]}, expected ${ref.value[i]} ± ${tol}`);
    }
  }
}

/** ⟨a, b⟩ = ⟨c, d⟩ in float64, relative to Σ|a·b|. */
export function expectAdjoint(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>, d: ArrayLike<number>, label: string): void {
  let lhs = 0, mag = 0, rhs = 0;
  for (let i = 0; i < a.length; i++) {
    lhs += a[i] * b[i];
    mag += Math.abs(a[i] * b[i]);
  }
  for (let i = 0; i < c.length; i++) rhs += c[i] * d[i];
  if (!(Math.abs(lhs - rhs) <= 1e-5 * mag + 1e-30)) {
    throw new Error(`${label}: adjoint identity: ${lhs} vs ${rhs} (Σ|terms| ${mag})`);
  }
}
