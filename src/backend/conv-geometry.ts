// The geometry of a convolution pass as the kernels read it: a params block of i32 in the linear
// memory (layout: conv-layout.ts), written by the host before the call, read by both backends.
import {
  GEOMETRY_C, GEOMETRY_FH, GEOMETRY_FIELDS, GEOMETRY_FN, GEOMETRY_FW, GEOMETRY_H, GEOMETRY_PAD, GEOMETRY_POOL_H, GEOMETRY_POOL_PAD,
  GEOMETRY_POOL_STRIDE, GEOMETRY_POOL_W, GEOMETRY_RELU, GEOMETRY_STRIDE, GEOMETRY_TILE, GEOMETRY_W,
} from './conv-layout.js';

/** A convolution over (N, C, H, W) with FN filters of FH × FW, and what is joined to it. */
export interface ConvGeometry {
  C: number;
  H: number;
  W: number;
  FN: number;
  FH: number;
  FW: number;
  stride: number;
  pad: number;
  /** The max pooling run on the convolution's output in the same pass (0 × 0 without one). */
  poolH: number;
  poolW: number;
  poolStride: number;
  poolPad: number;
  /** A ReLU after the joined pooling. */
  relu: boolean;
  /** Winograd's output tile (2 or 4); 0 on the im2col path. */
  tile: number;
}

/** A max pooling run on a convolution's output in the same pass, and whether a ReLU follows it. */
export interface JoinedPool {
  readonly poolH: number;
  readonly poolW: number;
  readonly stride: number;
  readonly pad: number;
  readonly relu: boolean;
}

/** The geometry of a convolution (and its joined pooling) as the kernels read it. */
export function convGeometry(C: number, H: number, W: number, FN: number, FH: number, FW: number, stride: number, pad: number,
                             tile: number, pool?: JoinedPool): ConvGeometry {
  return {
    C, H, W, FN, FH, FW, stride, pad, tile,
    poolH: pool?.poolH ?? 0, poolW: pool?.poolW ?? 0, poolStride: pool?.stride ?? 0, poolPad: pool?.pad ?? 0, relu: pool?.relu ?? false,
  };
}

/** Bytes of a params block. */
export const GEOMETRY_BYTES = GEOMETRY_FIELDS * 4;

/** Writes `g` into the block at byte offset `at` of `buffer`. */
export function writeGeometry(buffer: ArrayBufferLike, at: number, g: ConvGeometry): void {
  const block = new Int32Array(buffer, at, GEOMETRY_FIELDS);
  block[GEOMETRY_C] = g.C;
  block[GEOMETRY_H] = g.H;
  block[GEOMETRY_W] = g.W;
  block[GEOMETRY_FN] = g.FN;
  block[GEOMETRY_FH] = g.FH;
  block[GEOMETRY_FW] = g.FW;
  block[GEOMETRY_STRIDE] = g.stride;
  block[GEOMETRY_PAD] = g.pad;
  block[GEOMETRY_POOL_H] = g.poolH;
  block[GEOMETRY_POOL_W] = g.poolW;
  block[GEOMETRY_POOL_STRIDE] = g.poolStride;
  block[GEOMETRY_POOL_PAD] = g.poolPad;
  block[GEOMETRY_RELU] = g.relu ? 1 : 0;
  block[GEOMETRY_TILE] = g.tile;
}

/** The block at byte offset `at` of `buffer` (the twin kernels' side of writeGeometry). */
export function readGeometry(buffer: ArrayBufferLike, at: number): ConvGeometry {
  const block = new Int32Array(buffer, at, GEOMETRY_FIELDS);
  return {
    C: block[GEOMETRY_C]!, H: block[GEOMETRY_H]!, W: block[GEOMETRY_W]!, FN: block[GEOMETRY_FN]!, FH: block[GEOMETRY_FH]!,
    FW: block[GEOMETRY_FW]!, stride: block[GEOMETRY_STRIDE]!, pad: block[GEOMETRY_PAD]!, poolH: block[GEOMETRY_POOL_H]!,
    poolW: block[GEOMETRY_POOL_W]!, poolStride: block[GEOMETRY_POOL_STRIDE]!, poolPad: block[GEOMETRY_POOL_PAD]!,
    relu: block[GEOMETRY_RELU] === 1, tile: block[GEOMETRY_TILE]!,
  };
}
