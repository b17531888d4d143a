// Optimizers: steps against values worked out by hand from the book's rules, lazily created
// state, and errors that leave the parameters untouched.
import { beforeAll, describe, expect, test } from 'vitest';
import { AdaGrad, Adam, createOptimizer, init, Momentum, Nesterov, RMSprop, setBackend, SGD, tensor, type Tensor } from '../src/index.js';

beforeAll(() => init());

// one parameter p = [1, -2, 1, -2, ...], gradient g = 0.5 everywhere, each step. NOTE: 11
// elements: two full SIMD vectors of 4 and a tail of 3, so both paths of each kernel are checked
// (every element must come out as its first twin: the hand-worked values are checked on [p0, p1]).
function run(optimizer: { update(p: Record<string, Tensor>, g: Record<string, Tensor>): void }, steps: number): number[] {
  const n = 11;
  const params = { W: tensor(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -2))) };
  const grads = { W: tensor(new Array<number>(n).fill(0.5)) };
  for (let i = 0; i < steps; i++) optimizer.update(params, grads);
  const p = params.W.toArray();
  p.forEach((v, i) => expect(v, `element ${i} of ${n}`).toBeCloseTo(p[i % 2], 6));
  return [p[0], p[1]];
}

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  // Subnormal float32 state (below 2^-126) costs x86 ~100× per operation; it builds up where a
  // gradient stays 0 (Adam's update took 5.5 ms instead of 0.56 in a SimpleConvNet run), so the
  // kernels store such values as 0, keeping NaN.
  test.each([
    ['Momentum', () => new Momentum({ lr: 0.1 })], ['Nesterov', () => new Nesterov({ lr: 0.1 })], ['AdaGrad', () => new AdaGrad({ lr: 0.1 })],
    ['RMSprop', () => new RMSprop({ lr: 0.1 })], ['Adam', () => new Adam({ lr: 0.1 })],
  ] as const)('%s: no state value ever becomes subnormal while gradients fade to 0; NaN stays NaN', (_, make) => {
    const n = 17;
    const optimizer = make();
    const params = { W: tensor(Array.from({ length: n }, (_, i) => i - 8)) };
    // tiny gradients (their squares are subnormal at once), then zeros: the state decays through the subnormal range
    const grads = { W: tensor(Array.from({ length: n }, (_, i) => (i + 1) * 1e-18)) };
    const subnormal = (v: number) => v !== 0 && Math.abs(v) < 2 ** -126;
    for (let step = 0; step < 1000; step++) {
      if (step === 1) grads.W.data.fill(0);
      optimizer.update(params, grads);
      for (const t of Object.values(optimizer.exportState().tensors)) {
        const bad = t.toArray().find(subnormal);
        if (bad !== undefined) throw new Error(`step ${step}: state holds the subnormal ${bad}`);
      }
    }
    expect(params.W.toArray().every(Number.isFinite)).toBe(true);
    grads.W.data[3] = NaN;
    optimizer.update(params, grads);
    expect(Number.isNaN(params.W.data[3])).toBe(true);
    expect(Object.values(optimizer.exportState().tensors).some((t) => Number.isNaN(t.data[3]))).toBe(true);
  });

  test('SGD: p -= lr·g', () => {
    expect(run(new SGD({ lr: 0.1 }), 2)).toEqual([Math.fround(0.9), Math.fround(-2.1)].map((v) => expect.closeTo(v, 6)));
  });

  test('Momentum: v = 0.9v - 0.1g; p += v (v: -0.05, then -0.095)', () => {
    const [a, b] = run(new Momentum({ lr: 0.1, momentum: 0.9 }), 2);
    expect(a).toBeCloseTo(1 - 0.05 - 0.095, 6);
    expect(b).toBeCloseTo(-2 - 0.05 - 0.095, 6);
  });

  test("Nesterov in the book's order: p += m²v; p -= (1+m)·lr·g; v = m·v - lr·g", () => {
    // step 1: v = 0 → p -= 1.9·0.1·0.5 = 0.095; v = -0.05
    // step 2: p += 0.81·(-0.05) = -0.0405; p -= 0.095; v = -0.095
    const [a] = run(new Nesterov({ lr: 0.1, momentum: 0.9 }), 2);
    expect(a).toBeCloseTo(1 - 0.095 - 0.0405 - 0.095, 6);
  });

  test('AdaGrad: h += g²; p -= lr·g/(√h + 1e-7)', () => {
    // h = 0.25 then 0.5: steps 0.1·0.5/0.5 = 0.1 and 0.1·0.5/√0.5
    const [a] = run(new AdaGrad({ lr: 0.1 }), 2);
    expect(a).toBeCloseTo(1 - 0.1 - 0.05 / Math.sqrt(0.5), 5);
  });

  test('RMSprop: h = 0.99h + 0.01g²', () => {
    // h = 0.0025: step 0.1·0.5/0.05 = 1; h = 0.004975: step 0.05/√0.004975
    const [a] = run(new RMSprop({ lr: 0.1, decayRate: 0.99 }), 2);
    expect(a).toBeCloseTo(1 - 1 - 0.05 / Math.sqrt(0.004975), 4);
  });

  test('Adam: the bias-corrected first steps move each weight by about lr', () => {
    const adam = new Adam({ lr: 0.001 });
    const [a, b] = run(adam, 2);
    // t = 1: lr_t = 0.001·√0.001/0.1, m = 0.05, v = 0.00025 → step lr_t·m/(√v + 1e-7)
    const lr1 = (0.001 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const step1 = (lr1 * 0.05) / (Math.sqrt(0.00025) + 1e-7);
    const lr2 = (0.001 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    const m2 = 0.05 + 0.1 * (0.5 - 0.05), v2 = 0.00025 + 0.001 * (0.25 - 0.00025);
    const step2 = (lr2 * m2) / (Math.sqrt(v2) + 1e-7);
    expect(a).toBeCloseTo(1 - step1 - step2, 6);
    expect(b).toBeCloseTo(-2 - step1 - step2, 6);
    expect(adam.t).toBe(2);
  });
});

test('createOptimizer takes the book\'s names, case-insensitively', () => {
  expect(createOptimizer('adam', { lr: 0.01 })).toBeInstanceOf(Adam);
  expect(createOptimizer('RMSprop')).toBeInstanceOf(RMSprop);
  expect(() => createOptimizer('adadelta')).toThrow(/createOptimizer: unknown optimizer "adadelta"; expected one of SGD/);
});

test('bad hyper-parameters fail at construction', () => {
  expect(() => new Momentum({ momentum: 1 })).toThrow('Momentum: momentum must be a number in [0, 1), got 1');
  expect(() => new Adam({ beta2: -0.1 })).toThrow(/Adam: beta2 must be a number in \[0, 1\)/);
  expect(() => new RMSprop({ lr: 0 })).toThrow('RMSprop: lr must be a positive number, got 0');
});

test('mismatched params and grads change nothing, for every optimizer', () => {
  for (const optimizer of [new SGD(), new Momentum(), new Nesterov(), new AdaGrad(), new RMSprop(), new Adam()]) {
    const params = { W: tensor([1, 2]), b: tensor([3]) };
    expect(() => optimizer.update(params, { W: tensor([1, 1]) })).toThrow(/update: grads has no 'b'/);
    expect(() => optimizer.update(params, { W: tensor([1, 1, 1]), b: tensor([1]) })).toThrow(/update: grads.W is \(3,\) but params.W is \(2,\)/);
    expect(() => optimizer.update(params, { W: tensor([1, 1]), b: tensor([1]), c: tensor([1]) })).toThrow(/grads has 'c', which params does not/);
    expect(params.W.toArray()).toEqual([1, 2]);
    expect(params.b.toArray()).toEqual([3]);
  }
});

test('state is per parameter tensor: another tensor under the same name starts from zero state', () => {
  const m = new Momentum({ lr: 0.1 });
  m.update({ W: tensor([1, 1]), b: tensor([1]) }, { W: tensor([1, 1]), b: tensor([1]) });
  const other = { W: tensor([1, 1]), b: tensor([1, 1, 1]) };
  m.update(other, { W: tensor([1, 1]), b: tensor([1, 1, 1]) });
  // v = −lr·g from zero, as on a first update: 1 − 0.1
  expect(other.W.toArray()).toEqual([0.9, 0.9].map(Math.fround));
  expect(other.b.toArray()).toEqual([0.9, 0.9, 0.9].map(Math.fround));
});
