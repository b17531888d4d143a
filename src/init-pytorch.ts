// PyTorch's weight initializations (torch.nn.init) beside the book's, and initWeights, the one
// entry point a network calls for a dense or convolution weight.
// NOTE: fans follow PyTorch's _calculate_fan_in_and_fan_out for OUR layouts. A dense W here is
// (in, out) where PyTorch's Linear weight is (out, in): fan_in = in, fan_out = out. A convolution
// W is (FN, C, FH, FW) in both: fan_in = C·FH·FW, fan_out = FN·FH·FW.
import { gaussian, initStd, type WeightInit } from './init.js';
import { options } from './options.js';
import { createRng, type Rng } from './rng.js';
import { empty, type Tensor } from './tensor.js';
import { checkShape, describe, formatShape } from './shape.js';
import { ShapeError, ValueError } from './errors.js';

/** The nonlinearities PyTorch's calculate_gain knows, by its names. */
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** Options of the Xavier (Glorot) initializations, as PyTorch's: a gain (default 1). */
export interface XavierOptions { gain?: number }
/** Options of the Kaiming (He) initializations, as PyTorch's: the negative slope `a` (default 0),
 *  'fan_in' (default) or 'fan_out', and the nonlinearity (default 'leaky_relu'). */
export interface KaimingOptions { a?: number; mode?: 'fan_in' | 'fan_out'; nonlinearity?: Nonlinearity }

/** How a dense or convolution weight is drawn: a std, the book's names ('xavier' or 'sigmoid':
 *  √(1/fan_in); 'he' or 'relu': √(2/fan_in)), or one of PyTorch's initializations. */
export type WeightInitSpec = WeightInit
  | { xavierNormal: XavierOptions } | { xavierUniform: XavierOptions }
  | { kaimingNormal: KaimingOptions } | { kaimingUniform: KaimingOptions };

const LINEAR_GAIN = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'];

/** PyTorch's recommended gain for a nonlinearity (param: leaky_relu's negative slope, 0.01 by default). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (LINEAR_GAIN.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'selu': return 3 / 4;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new ValueError(`calculateGain: leaky_relu's negative slope must be a finite number, got ${describe(slope)}`);
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
  throw new ValueError(`calculateGain: unknown nonlinearity ${describe(nonlinearity)}; expected one of ${[...LINEAR_GAIN, 'tanh', 'relu', 'leaky_relu', 'selu'].map((n) => `'${n}'`).join(', ')}`);
}

/** fan_in and fan_out of a dense (in, out) or convolution (FN, C, ...kernel) weight shape. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  checkShape('fans', shape);
  if (shape.length < 2) throw new ShapeError(`fans: a weight needs at least 2 dimensions, got ${formatShape(shape)}`);
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const [out, inputs, ...kernel] = shape;
  const receptive = kernel.reduce((a, b) => a * b, 1);
  return { fanIn: inputs * receptive, fanOut: out * receptive };
}

/** N(0, std²) with std = gain·√(2 / (fan_in + fan_out)) (Glorot & Bengio 2010). */
export function xavierNormal(shape: readonly number[], opts: XavierOptions = {}, rng?: Rng): Tensor {
  return gaussian(shape, xavierStd('xavierNormal', shape, opts), rng ?? createRng());
}

/** U(−bound, bound) with bound = √3·gain·√(2 / (fan_in + fan_out)). */
export function xavierUniform(shape: readonly number[], opts: XavierOptions = {}, rng?: Rng): Tensor {
  return uniform(shape, Math.sqrt(3) * xavierStd('xavierUniform', shape, opts), rng);
}

/** N(0, std²) with std = gain / √fan (He et al. 2015), gain = calculateGain(nonlinearity, a). */
export function kaimingNormal(shape: readonly number[], opts: KaimingOptions = {}, rng?: Rng): Tensor {
  return gaussian(shape, kaimingStd('kaimingNormal', shape, opts), rng ?? createRng());
}

/** U(−bound, bound) with bound = √3·gain / √fan. */
export function kaimingUniform(shape: readonly number[], opts: KaimingOptions = {}, rng?: Rng): Tensor {
  return uniform(shape, Math.sqrt(3) * kaimingStd('kaimingUniform', shape, opts), rng);
}

const DRAW_NAMES = ['xavierNormal', 'xavierUniform', 'kaimingNormal', 'kaimingUniform'] as const;
type DrawName = typeof DRAW_NAMES[number];

/** The weight `init` asks for. A number or a book name draws exactly as gaussian(shape,
 *  initStd(caller, init, fan_in), rng), so the book's networks keep their initial values. */
export function initWeights(caller: string, init: WeightInitSpec, shape: readonly number[], rng: Rng): Tensor {
  const { uniform: flat, scale } = distribution(caller, init, shape);
  return flat ? uniform(shape, scale, rng) : gaussian(shape, scale, rng);
}

/** Throws, naming `caller`, unless `init` is a weight initialization initWeights can draw. */
export function checkWeightInit(caller: string, init: unknown): WeightInitSpec {
  distribution(caller, init as WeightInitSpec, [1, 1]);
  return init as WeightInitSpec;
}

// The distribution `init` means for a weight of this shape: N(0, scale²), or U(−scale, scale).
// Checks `init`; allocates nothing.
function distribution(caller: string, init: WeightInitSpec, shape: readonly number[]): { uniform: boolean; scale: number } {
  if (typeof init === 'number' || typeof init === 'string') return { uniform: false, scale: initStd(caller, init, fans(shape).fanIn) };
  if (init === null || typeof init !== 'object' || Array.isArray(init)) {
    throw new ValueError(`${caller}: init must be a number, 'xavier', 'sigmoid', 'he', 'relu' or one of { ${DRAW_NAMES.join(' | ')}: {...} }, got ${describe(init)}`);
  }
  const keys = Object.keys(options(`${caller}: init`, init as Record<DrawName, object>, DRAW_NAMES));
  if (keys.length !== 1) {
    throw new ValueError(`${caller}: init must have exactly one of ${DRAW_NAMES.map((k) => `'${k}'`).join(', ')}, got ${keys.length ? keys.map((k) => `'${k}'`).join(' and ') : 'none'}`);
  }
  const name = keys[0] as DrawName;
  const opts = (init as Record<DrawName, object | undefined>)[name] ?? {};
  const where = `${caller}: ${name}`;
  switch (name) {
    case 'xavierNormal': return { uniform: false, scale: xavierStd(where, shape, opts) };
    case 'xavierUniform': return { uniform: true, scale: Math.sqrt(3) * xavierStd(where, shape, opts) };
    case 'kaimingNormal': return { uniform: false, scale: kaimingStd(where, shape, opts) };
    case 'kaimingUniform': return { uniform: true, scale: Math.sqrt(3) * kaimingStd(where, shape, opts) };
  }
}

function xavierStd(caller: string, shape: readonly number[], opts: XavierOptions): number {
  const { gain = 1 } = options(caller, opts, ['gain']);
  checkGain(caller, gain);
  const { fanIn, fanOut } = fans(shape);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

function kaimingStd(caller: string, shape: readonly number[], opts: KaimingOptions): number {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = options(caller, opts, ['a', 'mode', 'nonlinearity']);
  if (typeof a !== 'number' || !Number.isFinite(a)) throw new ValueError(`${caller}: a must be a finite number, got ${describe(a)}`);
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError(`${caller}: mode must be 'fan_in' or 'fan_out', got ${describe(mode)}`);
  let gain: number;
  try {
    gain = calculateGain(nonlinearity, a);
  } catch (e) {
    throw new ValueError(`${caller}: ${(e as Error).message}`);
  }
  const { fanIn, fanOut } = fans(shape);
  return gain / Math.sqrt(mode === 'fan_in' ? fanIn : fanOut);
}

function checkGain(caller: string, gain: unknown): void {
  if (typeof gain !== 'number' || !Number.isFinite(gain) || gain < 0) {
    throw new ValueError(`${caller}: gain must be a finite number >= 0, got ${describe(gain)}`);
  }
}

// bound·(2u − 1) for u uniform in [0, 1): values in [−bound, bound)
function uniform(shape: readonly number[], bound: number, rng: Rng = createRng()): Tensor {
  const w = empty(shape);
  const data = w.data;
  for (let i = 0; i < data.length; i++) data[i] = bound * (2 * rng.uniform() - 1);
  return w;
}
