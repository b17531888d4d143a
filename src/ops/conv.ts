// Convolution geometry and the exported im2col/col2im. The shape checks live here once; the
// kernels see only sizes.
import { kernels } from '../backend/runtime.js';
import { checkTensor, empty, type Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { ResourceError, ShapeError, ValueError } from '../errors.js';

const INT32_MAX = 2 ** 31 - 1;

export interface Window {
  FH: number;
  FW: number;
  stride: number;
  pad: number;
}

/** Checks the window against an (N, C, H, W) input and returns [OH, OW] = ⌊(H + 2·pad − FH) / stride⌋ + 1, likewise OW. */
export function outputSize(caller: string, inputShape: readonly number[], { FH, FW, stride, pad }: Window): [number, number] {
  if (inputShape.length !== 4 || inputShape.some((d) => !(d >= 1))) {
    throw new ShapeError(`${caller}: expected an (N, C, H, W) input with every dimension >= 1, got ${formatShape(inputShape)}`);
  }
  for (const [name, v, min] of [['filter height', FH, 1], ['filter width', FW, 1], ['stride', stride, 1], ['pad', pad, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new ValueError(`${caller}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  const [, , H, W] = inputShape;
  // NOTE: the kernels take 32-bit sizes; larger ones would wrap before any size check
  if (Math.max(H, W) + 2 * pad > INT32_MAX || Math.max(FH, FW, stride) > INT32_MAX) {
    throw new ResourceError(`${caller}: the padded input (${H + 2 * pad}×${W + 2 * pad}), the window (${FH}×${FW}) and the stride (${stride}) must be below 2³¹`);
  }
  if (FH > H + 2 * pad || FW > W + 2 * pad) {
    throw new ShapeError(`${caller}: the ${FH}×${FW} window is larger than the padded ${H + 2 * pad}×${W + 2 * pad} input`);
  }
  // NOTE: floored as the book's `//` and PyTorch: rows and columns past the last whole window
  // (when the stride does not divide H + 2·pad − FH) are covered by no window.
  return [1 + Math.floor((H + 2 * pad - FH) / stride), 1 + Math.floor((W + 2 * pad - FW) / stride)];
}

/** The book's im2col: x (N, C, H, W) → (N·OH·OW, C·FH·FW), rows (n, oy, ox), columns (c, ky, kx). */
export function im2col(x: Tensor, filterH: number, filterW: number, stride = 1, pad = 0): Tensor {
  checkTensor('im2col: x', x);
  const [OH, OW] = outputSize('im2col', x.shape, { FH: filterH, FW: filterW, stride, pad });
  const [N, C, H, W] = x.shape;
  const col = empty([N * OH * OW, C * filterH * filterW]);
  kernels().f32_im2col(x.offset, col.offset, N, C, H, W, filterH, filterW, stride, pad);
  return col;
}

/** The adjoint of im2col: adds each column entry back into its image position. */
export function col2im(col: Tensor, inputShape: readonly number[], filterH: number, filterW: number, stride = 1, pad = 0): Tensor {
  checkTensor('col2im: col', col);
  const [OH, OW] = outputSize('col2im', inputShape, { FH: filterH, FW: filterW, stride, pad });
  const [N, C, H, W] = inputShape;
  if (col.shape.length !== 2 || col.shape[0] !== N * OH * OW || col.shape[1] !== C * filterH * filterW) {
    throw new ShapeError(`col2im: col must be (${N * OH * OW}, ${C * filterH * filterW}) for input ${formatShape(inputShape)}, got ${formatShape(col.shape)}`);
  }
  const x = empty(inputShape);
  kernels().f32_col2im(col.offset, x.offset, N, C, H, W, filterH, filterW, stride, pad);
  return x;
}
