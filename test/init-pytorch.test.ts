// PyTorch's initializations: calculateGain against PyTorch's documented table (values typed in
// here), fans for our dense (in, out) and conv (FN, C, FH, FW) layouts, the measured mean and std
// of large draws against the formulas within derived statistical bounds, uniform bounds, seeds,
// initWeights keeping the book's draws bit for bit, and bad specs.
import { describe, expect, test } from 'vitest';
import { calculateGain, createRng, init, initWeights, kaimingNormal, kaimingUniform, xavierNormal, xavierUniform, type Tensor } from '../src/index.js';
import { fans } from '../src/init-pytorch.js';
import { gaussian } from '../src/init.js';

await init();

const bits = (t: Tensor) => Array.from(new Uint32Array(Float32Array.from(t.data).buffer));

function moments(t: Tensor) {
  const d = t.data;
  let sum = 0, sq = 0, min = Infinity, max = -Infinity;
  for (const v of d) {
    sum += v;
    sq += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / d.length;
  return { n: d.length, mean, std: Math.sqrt(sq / d.length - mean * mean), min, max };
}

/**
 * Checks the draw's mean and std against `std` within 5 standard errors: the mean's is std/√n;
 * the sample std's relative one is √((κ − 1) / (4n)) with κ the kurtosis, 3 for a normal and 9/5
 * for a uniform (a 5σ miss has probability ~6e-7). A uniform stays within ±√3·std.
 */
function expectDraw(t: Tensor, std: number, kind: 'normal' | 'uniform') {
  const m = moments(t);
  const kurtosis = kind === 'normal' ? 3 : 9 / 5;
  expect(Math.abs(m.mean)).toBeLessThan(5 * std / Math.sqrt(m.n));
  expect(Math.abs(m.std / std - 1)).toBeLessThan(5 * Math.sqrt((kurtosis - 1) / (4 * m.n)));
  if (kind === 'uniform') {
    const bound = Math.sqrt(3) * std;
    expect(m.min).toBeGreaterThanOrEqual(-bound * (1 + 1e-7));
    expect(m.max).toBeLessThanOrEqual(bound * (1 + 1e-7));
    // n draws all below bound·(1 − ε) have probability (1 − ε/2)^n: e^−50 here
    expect(m.max).toBeGreaterThan(bound * (1 - 100 / m.n));
    expect(m.min).toBeLessThan(-bound * (1 - 100 / m.n));
  }
}

test('calculateGain follows PyTorch\'s table', () => {
  for (const n of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'] as const) {
    expect(calculateGain(n)).toBe(1);
  }
  expect(calculateGain('tanh')).toBeCloseTo(1.6666666666666667, 15);
  expect(calculateGain('relu')).toBeCloseTo(1.4142135623730951, 15);
  expect(calculateGain('leaky_relu')).toBeCloseTo(1.4141428569978354, 15); // slope 0.01 by default
  expect(calculateGain('leaky_relu', 0.2)).toBeCloseTo(1.3867504905630728, 15);
  expect(calculateGain('leaky_relu', 5)).toBeCloseTo(0.2773500981126146, 15);
  expect(calculateGain('selu')).toBe(0.75);
  expect(() => calculateGain('gelu' as never)).toThrow(/^calculateGain: unknown nonlinearity "gelu"; expected one of 'linear', /);
  expect(() => calculateGain('leaky_relu', NaN)).toThrow('calculateGain: leaky_relu\'s negative slope must be a finite number, got NaN');
});

test('fans: dense (in, out) and conv (FN, C, FH, FW)', () => {
  expect(fans([784, 50])).toEqual({ fanIn: 784, fanOut: 50 });
  expect(fans([30, 1, 5, 5])).toEqual({ fanIn: 25, fanOut: 750 });
  expect(fans([16, 8, 3, 2])).toEqual({ fanIn: 48, fanOut: 96 });
  expect(() => fans([10])).toThrow('fans: a weight needs at least 2 dimensions, got (10,)');
});

describe('measured spread of large draws', () => {
  const DENSE = [500, 400], CONV = [128, 64, 5, 5]; // fans 500/400 and 1600/3200
  test.each([
    { name: 'xavierNormal', shape: DENSE, gain: 1, std: Math.sqrt(2 / 900) },
    { name: 'xavierNormal', shape: CONV, gain: 5 / 3, std: (5 / 3) * Math.sqrt(2 / 4800) },
    { name: 'xavierUniform', shape: DENSE, gain: 2, std: 2 * Math.sqrt(2 / 900) },
    { name: 'xavierUniform', shape: CONV, gain: 1, std: Math.sqrt(2 / 4800) },
  ])('$name on $shape with gain $gain', ({ name, shape, gain, std }) => {
    const draw = name === 'xavierNormal' ? xavierNormal : xavierUniform;
    expectDraw(draw(shape, { gain }, createRng(1)), std, name === 'xavierNormal' ? 'normal' : 'uniform');
  });
  test.each([
    // the defaults: leaky_relu with a = 0, gain √(2/(1 + 0²)) = √2, over fan_in
    { name: 'kaimingNormal', shape: DENSE, opts: {}, std: Math.SQRT2 / Math.sqrt(500) },
    { name: 'kaimingNormal', shape: CONV, opts: { mode: 'fan_out', nonlinearity: 'relu' }, std: Math.SQRT2 / Math.sqrt(3200) },
    { name: 'kaimingNormal', shape: DENSE, opts: { a: 0.2 }, std: Math.sqrt(2 / 1.04) / Math.sqrt(500) },
    { name: 'kaimingUniform', shape: DENSE, opts: { nonlinearity: 'tanh', mode: 'fan_out' }, std: (5 / 3) / Math.sqrt(400) },
    { name: 'kaimingUniform', shape: CONV, opts: {}, std: Math.SQRT2 / Math.sqrt(1600) },
  ] as const)('$name on $shape with $opts', ({ name, shape, opts, std }) => {
    const draw = name === 'kaimingNormal' ? kaimingNormal : kaimingUniform;
    expectDraw(draw(shape, opts, createRng(2)), std, name === 'kaimingNormal' ? 'normal' : 'uniform');
  });
});

test('the same seed gives the same bits; another seed other values', () => {
  for (const draw of [xavierNormal, xavierUniform, kaimingNormal, kaimingUniform]) {
    const a = draw([20, 30], {}, createRng(7)), b = draw([20, 30], {}, createRng(7)), c = draw([20, 30], {}, createRng(8));
    expect(bits(a)).toEqual(bits(b));
    expect(bits(a)).not.toEqual(bits(c));
  }
});

describe('initWeights', () => {
  test('a std and the book\'s names draw exactly as gaussian(shape, initStd(...)) with the fan-in', () => {
    const cases: [Parameters<typeof initWeights>[1], number[], number][] = [
      [0.01, [784, 50], 0.01], ['xavier', [100, 10], Math.sqrt(1 / 100)], ['sigmoid', [100, 10], Math.sqrt(1 / 100)],
      ['he', [30, 1, 5, 5], Math.sqrt(2 / 25)], ['relu', [64, 16, 3, 3], Math.sqrt(2 / 144)],
    ];
    for (const [spec, shape, std] of cases) {
      expect(bits(initWeights('Net', spec, shape, createRng(3)))).toEqual(bits(gaussian(shape, std, createRng(3))));
    }
  });

  test('PyTorch specs call the named initialization with their options', () => {
    expect(bits(initWeights('Net', { xavierNormal: { gain: 2 } }, [40, 30], createRng(4)))).toEqual(bits(xavierNormal([40, 30], { gain: 2 }, createRng(4))));
    expect(bits(initWeights('Net', { xavierUniform: {} }, [40, 30], createRng(4)))).toEqual(bits(xavierUniform([40, 30], {}, createRng(4))));
    expect(bits(initWeights('Net', { kaimingNormal: { mode: 'fan_out' } }, [8, 3, 3, 3], createRng(4)))).toEqual(bits(kaimingNormal([8, 3, 3, 3], { mode: 'fan_out' }, createRng(4))));
    expect(bits(initWeights('Net', { kaimingUniform: { a: 0.1, nonlinearity: 'leaky_relu' } }, [40, 30], createRng(4))))
      .toEqual(bits(kaimingUniform([40, 30], { a: 0.1 }, createRng(4))));
  });

  test('bad specs are clear errors', () => {
    const rng = createRng(0);
    expect(() => initWeights('Net', { xavierNormel: {} } as never, [2, 2], rng)).toThrow(/^Net: init: unknown option 'xavierNormel' \(did you mean 'xavierNormal'\?\)/);
    expect(() => initWeights('Net', { xavierNormal: {}, kaimingNormal: {} } as never, [2, 2], rng)).toThrow("Net: init must have exactly one of 'xavierNormal', 'xavierUniform', 'kaimingNormal', 'kaimingUniform', got 'xavierNormal' and 'kaimingNormal'");
    expect(() => initWeights('Net', {} as never, [2, 2], rng)).toThrow(/^Net: init must have exactly one of .*, got none$/);
    expect(() => initWeights('Net', { xavierNormal: { gain: -1 } }, [2, 2], rng)).toThrow('Net: xavierNormal: gain must be a finite number >= 0, got -1');
    expect(() => initWeights('Net', { kaimingNormal: { mode: 'fan_avg' as never } }, [2, 2], rng)).toThrow("Net: kaimingNormal: mode must be 'fan_in' or 'fan_out', got \"fan_avg\"");
    expect(() => initWeights('Net', { kaimingUniform: { nonlinearity: 'swish' as never } }, [2, 2], rng)).toThrow(/^Net: kaimingUniform: calculateGain: unknown nonlinearity "swish"/);
    expect(() => initWeights('Net', { kaimingUniform: { slope: 0.1 } as never }, [2, 2], rng)).toThrow(/^Net: kaimingUniform: unknown option 'slope'/);
    expect(() => initWeights('Net', 'lecun' as never, [2, 2], rng)).toThrow(/^Net: weightInitStd must be a number or one of 'xavier', 'sigmoid', 'he', 'relu', got "lecun"$/);
    expect(() => initWeights('Net', [1] as never, [2, 2], rng)).toThrow(/^Net: init must be a number, 'xavier', .* got an array of length 1$/);
  });
});
