// Two kernel threads (init({ threads: 2 })): the split GEMM and convolution passes give the same
// bits as one thread on shapes that cut both ways with ragged edges, a short SimpleConvNet
// training run ends with identical parameters, errors on a kernel thread surface, and the
// range splitting covers every index once.
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { beforeAll, describe, expect, test } from 'vitest';
import { AdaGrad, Adam, AvgPooling, Maxout, Momentum, Nesterov, RMSprop, SGD, Convolution, Elu, LeakyRelu, Pooling, Relu, Sigmoid, Tanh, createRng, empty, gemm, init, memoryStats, MiniBatches, setBackend, setThreads, SimpleConvNet, tensor, threadCount } from '../src/index.js';
import { runParallel, threadsReady } from '../src/backend/runtime.js';
import { splitRange } from '../src/backend/split.js';
import { functions } from '../src/index.js';
import { randomValues } from './helpers.js';

beforeAll(async () => {
  await init({ threads: 2 });
  await threadsReady(); // the kernel threads run the two-thread halves of every comparison
});

/** Runs `f` on one thread and on two; returns both results (copied out of memory). */
function oneAndTwo(f: () => Float32Array[]): [Float32Array[], Float32Array[]] {
  setThreads(1);
  const one = f().map((a) => a.slice());
  setThreads(2);
  const two = f().map((a) => a.slice());
  return [one, two];
}

function expectSameBits(a: Float32Array[], b: Float32Array[], label: string): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(new Uint32Array(b[i].buffer), `${label} #${i}`).toEqual(new Uint32Array(x.buffer)));
}

describe('splitRange', () => {
  test.each([[0, 2, 1], [1, 2, 1], [5, 2, 1], [100, 2, 4], [63, 2, 8], [517, 3, 4], [7, 8, 1], [30, 2, 8]])(
    'covers [0, %i) once in at most %i pieces at multiples of %i', (total, parts, multiple) => {
      const ranges = splitRange(total, parts, multiple);
      expect(ranges.length).toBeLessThanOrEqual(parts);
      let next = 0;
      for (const [start, count] of ranges) {
        expect(start).toBe(next);
        if (total > 0) expect(count).toBeGreaterThan(0);
        if (start + count < total) expect((start + count) % multiple).toBe(0);
        next = start + count;
      }
      expect(next).toBe(total);
      expect(ranges.length).toBeGreaterThan(0);
    });
});

describe('the default in Node', () => {
  // a fresh process each: the thread count is fixed by the first init()
  const script = "const m = await import('./dist/index.js'); await m.init(); console.log(m.threadCount());";
  const threadsIn = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });

  test('two threads where there are two cores, one where there is one; SCRATCHNET_THREADS overrides', () => {
    expect(threadsIn({ SCRATCHNET_THREADS: '' }).stdout.trim()).toBe(String(Math.min(2, availableParallelism())));
    expect(threadsIn({ SCRATCHNET_THREADS: '1' }).stdout.trim()).toBe('1');
    expect(threadsIn({ SCRATCHNET_THREADS: '3' }).stdout.trim()).toBe('3');
    const bad = threadsIn({ SCRATCHNET_THREADS: 'many' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/init: SCRATCHNET_THREADS must be an integer from 1 to 64, got "many"/);
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script.replace('m.init()', "m.init({ backend: 'js', threads: 1 })")], { encoding: 'utf8' }).trim()).toBe('1');
    // concurrent first calls share one runtime: a tensor made after the first resolves survives the second
    const concurrent = "const m = await import('./dist/index.js'); const a = m.init(), b = m.init(); await a; const t = m.tensor([1, 2, 3]); " +
      "await b; console.log(m.threadCount(), t.toArray().join(','), m.memoryStats().liveBlocks);";
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', concurrent], { encoding: 'utf8', env: { ...process.env, SCRATCHNET_THREADS: '' } }).trim())
      .toMatch(new RegExp(`^${Math.min(2, availableParallelism())} 1,2,3 \\d+$`));
  });
});

describe('two threads', () => {
  test('init started them; setThreads checks its argument; the JS backend runs on one', () => {
    expect(threadCount()).toBe(2);
    expect(() => setThreads(3)).toThrow(/setThreads: expected an integer from 1 to 2/);
    expect(() => setThreads(0)).toThrow(/setThreads/);
    setBackend('js');
    expect(threadCount()).toBe(1);
    setBackend('wasm');
    expect(threadCount()).toBe(2);
  });

  test('a second init() may not change the thread count', async () => {
    await expect(init({ threads: 1 })).rejects.toThrow(/threads is fixed by the first init\(\) \(2\); got 1/);
    await expect(init({ threads: 1.5 })).rejects.toThrow(/threads must be an integer from 1 to 64, got 1.5/);
    await init({ threads: 2 });
  });

  // cut by rows (M/4 >= N/8) and by columns, with ragged tiles at both ends of the cut; TwoLayerNet's
  // X·W1 and SimpleConvNet's X·W3 by columns (halves of M would read B unpacked)
  const SHAPES = [[517, 17, 300], [63, 517, 129], [5, 1031, 401], [1031, 3, 700], [100, 784, 50], [256, 256, 256], [129, 65, 257],
    [100, 50, 784], [100, 100, 4320], [127, 17, 33]];
  test.each(SHAPES.flatMap(([M, N, K]) => [[M, N, K, false, false], [M, N, K, true, false], [M, N, K, false, true], [M, N, K, true, true]]))(
    'GEMM (%i, %i, %i) transA %s transB %s: same bits on one and two threads', (M, N, K, transA, transB) => {
      const a = tensor(randomValues(M * K), transA ? [K, M] : [M, K]);
      const b = tensor(randomValues(K * N), transB ? [N, K] : [K, N]);
      const c0 = randomValues(M * N);
      const c = empty([M, N]);
      const [one, two] = oneAndTwo(() => {
        c.data.set(c0);
        gemm(a, b, c, { transA, transB, alpha: 0.75, beta: 0.5 });
        return [c.data];
      });
      expectSameBits(one, two, `gemm ${M} ${N} ${K}`);
      expect(one[0].some((v) => v !== 0)).toBe(true);
      for (const t of [a, b, c]) t.dispose();
    });

  // each big enough to be split (≥ 4 MFLOP), with ragged filter cuts (17, 9 = 8 + 1)
  const CONVS = [
    { N: 100, C: 1, H: 28, W: 28, FN: 30, F: 5, stride: 1, pad: 0 }, // SimpleConvNet
    { N: 40, C: 3, H: 17, W: 13, FN: 17, F: 3, stride: 1, pad: 1 },
    { N: 20, C: 16, H: 15, W: 15, FN: 32, F: 3, stride: 2, pad: 1 },
    { N: 31, C: 5, H: 9, W: 31, FN: 9, F: 5, stride: 2, pad: 2 },
  ];
  test.each(CONVS)('Convolution %j: forward, dx, dW and db the same bits on one and two threads', (c) => {
    const layer = new Convolution(tensor(randomValues(c.FN * c.C * c.F * c.F), [c.FN, c.C, c.F, c.F]), tensor(randomValues(c.FN), [c.FN]), c.stride, c.pad);
    const x = tensor(randomValues(c.N * c.C * c.H * c.W), [c.N, c.C, c.H, c.W]);
    let dout: ReturnType<typeof tensor> | undefined;
    const [one, two] = oneAndTwo(() => {
      const out = layer.forward(x);
      dout ??= tensor(randomValues(out.size), out.shape);
      const outBits = out.data.slice();
      const dx = layer.backward(dout);
      return [outBits, dx.data, layer.dW.data, layer.db.data];
    });
    expectSameBits(one, two, JSON.stringify(c));
    layer.dispose();
  });

  // elementwise passes split above 250 000 floats; an odd size leaves a scalar tail in the last range
  test.each([['Relu', () => new Relu()], ['Sigmoid', () => new Sigmoid()], ['Tanh', () => new Tanh()],
    ['LeakyRelu', () => new LeakyRelu(0.1)], ['Elu', () => new Elu(0.5)]] as const)('%s: forward and backward the same bits on one and two threads', (_, make) => {
    const n = 300_017;
    const layer = make();
    const x = tensor(randomValues(n, -3, 3), [n]);
    const dout = tensor(randomValues(n), [n]);
    const [one, two] = oneAndTwo(() => [layer.forward(x).data.slice(), layer.backward(dout).data]);
    expectSameBits(one, two, 'activation');
    layer.dispose();
  });

  // the book's functions run the layers' split passes
  test.each(['relu', 'sigmoid'] as const)('functions.%s: the same bits on one and two threads', (name) => {
    const n = 300_017;
    const x = tensor(randomValues(n, -3, 3), [n]);
    const [one, two] = oneAndTwo(() => {
      const y = functions[name](x);
      const values = y.data.slice();
      y.dispose();
      return [values];
    });
    expectSameBits(one, two, name);
    x.dispose();
  });

  test.each([['SGD', () => new SGD({ lr: 0.1 })], ['Momentum', () => new Momentum({ lr: 0.1 })], ['Nesterov', () => new Nesterov({ lr: 0.1 })],
    ['AdaGrad', () => new AdaGrad({ lr: 0.1 })], ['RMSprop', () => new RMSprop({ lr: 0.1 })], ['Adam', () => new Adam({ lr: 0.1 })]] as const)(
    '%s: three updates of a 300 017-float parameter give the same bits on one and two threads', (_, make) => {
      const p0 = randomValues(300_017), g = tensor(randomValues(300_017), [300_017]);
      const [one, two] = oneAndTwo(() => {
        const optimizer = make();
        const params = { W: tensor(p0, [300_017]) };
        for (let i = 0; i < 3; i++) optimizer.update(params, { W: g });
        return [params.W.data, ...Object.values('exportState' in optimizer ? optimizer.exportState().tensors : {}).map((t) => t.data)];
      });
      expectSameBits(one, two, 'optimizer');
    });

  const POOLS = [
    { N: 100, C: 30, H: 24, W: 24, P: 2, stride: 2, pad: 0 }, // SimpleConvNet
    { N: 37, C: 7, H: 31, W: 29, P: 3, stride: 2, pad: 1 },
  ];
  test.each(POOLS)('max and average Pooling %j: the same bits on one and two threads', (c) => {
    for (const layer of [new Pooling(c.P, c.P, c.stride, c.pad), new AvgPooling(c.P, c.P, c.stride, c.pad)]) {
      const x = tensor(randomValues(c.N * c.C * c.H * c.W), [c.N, c.C, c.H, c.W]);
      let dout: ReturnType<typeof tensor> | undefined;
      const [one, two] = oneAndTwo(() => {
        const y = layer.forward(x);
        dout ??= tensor(randomValues(y.size), y.shape);
        return [y.data.slice(), layer.backward(dout).data];
      });
      expectSameBits(one, two, `${layer.constructor.name} ${JSON.stringify(c)}`);
      layer.dispose();
    }
  });

  // above 250k floats, so the samples are split between the two threads
  test.each([{ shape: [101, 12, 17, 13], k: 3 }, { shape: [4001, 64], k: 2 }])('Maxout %j: the same bits on one and two threads', ({ shape, k }) => {
    const layer = new Maxout(k);
    const x = tensor(randomValues(shape.reduce((a, b) => a * b, 1)), shape);
    let dout: ReturnType<typeof tensor> | undefined;
    const [one, two] = oneAndTwo(() => {
      const y = layer.forward(x);
      dout ??= tensor(randomValues(y.size), y.shape);
      return [y.data.slice(), layer.backward(dout).data];
    });
    expectSameBits(one, two, `Maxout ${JSON.stringify(shape)}`);
    layer.dispose();
  });

  test('SimpleConvNet: 5 Adam steps end with the same parameters on one and two threads', () => {
    const n = 300;
    const x = tensor(randomValues(n * 784, 0, 1), [n, 1, 28, 28]);
    const t = tensor(Int32Array.from({ length: n }, (_, i) => i % 10), [n]);
    const run = (): Float32Array[] => {
      const net = new SimpleConvNet({ seed: 3 });
      const adam = new Adam({ lr: 0.001 });
      const batches = new MiniBatches(x, t, 100, createRng(4));
      for (let i = 0; i < 5; i++) {
        const [xb, tb] = batches.sample();
        adam.update(net.params, net.gradient(xb, tb));
      }
      const params = Object.values(net.params).map((p) => p.data.slice());
      net.dispose();
      return params;
    };
    const [one, two] = oneAndTwo(run);
    expectSameBits(one, two, 'SimpleConvNet params');
  });

  test('a kernel that fails on the other thread throws on the calling one', () => {
    const beyond = 2 ** 32 - 64; // past the end of any memory this test has
    expect(() => runParallel('f32_fill', [[0, 0, 0], [beyond, 16, 1]])).toThrow(/kernel f32_fill failed on kernel thread 1/);
    // and the pool still works
    const a = tensor(randomValues(64 * 64), [64, 64]);
    expect(() => runParallel('f32_scale', [[a.offset, a.offset, 2048, 2], [a.offset + 8192, a.offset + 8192, 2048, 2]])).not.toThrow();
  });
});

test('a view taken before the memory grows still reads and writes the tensor (as on one thread: views.test.ts)', () => {
  const t = tensor([1, 2, 3]);
  const view = t.data;
  const before = memoryStats().memoryBytes;
  const big = empty([before / 4]); // more than the memory holds: it grows
  expect(memoryStats().memoryBytes).toBeGreaterThan(before);
  expect(Array.from(view)).toEqual([1, 2, 3]);
  view[0] = 5;
  expect(t.toArray()).toEqual([5, 2, 3]);
  for (const a of [t, big]) a.dispose();
});
