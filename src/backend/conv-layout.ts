// The params block of the convolution kernels (assembly/conv.ts, winograd.ts, winograd-filter.ts and
// their twins): one i32 per field, at these indices, written by the host (src/ops/conv-geometry.ts)
// and read by both backends. NOTE: plain integer constants, so that the AssemblyScript kernels import
// this file too and the layout is written once.

/** Input channels (Winograd: CI, the channels summed over). */
export const GEOMETRY_C = 0;
/** Input height. */
export const GEOMETRY_H = 1;
/** Input width. */
export const GEOMETRY_W = 2;
/** Filters: output channels (Winograd: FO). */
export const GEOMETRY_FN = 3;
/** Filter height (Winograd: 3). */
export const GEOMETRY_FH = 4;
/** Filter width (Winograd: 3). */
export const GEOMETRY_FW = 5;
/** The convolution's stride (Winograd: 1). */
export const GEOMETRY_STRIDE = 6;
/** The convolution's zero padding on every side. */
export const GEOMETRY_PAD = 7;
/** The joined max pooling's window height (0 without one). */
export const GEOMETRY_POOL_H = 8;
/** The joined max pooling's window width. */
export const GEOMETRY_POOL_W = 9;
/** The joined max pooling's stride. */
export const GEOMETRY_POOL_STRIDE = 10;
/** The joined max pooling's padding. */
export const GEOMETRY_POOL_PAD = 11;
/** 1: a ReLU follows the joined pooling. */
export const GEOMETRY_RELU = 12;
/** Winograd's output tile: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3). */
export const GEOMETRY_TILE = 13;
/** Fields in the block. */
export const GEOMETRY_FIELDS = 14;
