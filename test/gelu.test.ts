// GELU (tanh approximation, PyTorch's nn.GELU(approximate='tanh')): the kernels of both backends
// against a float64 reference written here and against values PyTorch printed, at every edge size
// and misalignment, in place too, on one thread and two; the layer's gradient against numerical
// differentiation; a Sequential with it saved and loaded, run by onnxruntime (opset 13 has no Gelu:
// the export spells the formula out), and exported to PyTorch.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  deserializeModel, exportPytorch, Gelu, gradientCheck, init, layers as L, randn, Sequential, serializeModel, setThreads, tensor, threadCount, toOnnx,
} from '../src/index.js';
import { backendKernels, threadsReady } from '../src/backend/runtime.js';
import { createRng } from '../src/rng.js';
import { EDGE_SIZES, MISALIGNMENTS, expectClose, randomValues, read, region, write } from './helpers.js';
import { tempDir } from './scripts.js';

beforeAll(async () => {
  await init({ threads: 2 });
  await threadsReady(); // the kernel threads run the two-thread halves of every comparison
});

const C = Math.sqrt(2 / Math.PI);
const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x ** 3)));
// d/dx of the above, by the product and chain rules
const geluSlope = (x: number) => {
  const t = Math.tanh(C * (x + 0.044715 * x ** 3));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x);
};

// inputs over [-8, 8] with zeros, signed zeros, tiny and large magnitudes (where tanh saturates)
function inputs(n: number): Float32Array {
  const x = randomValues(n, -8, 8);
  const specials = [0, -0, 1e-4, -1e-4, 30, -30, 100, -100];
  for (let i = 0; i < n; i += 5) x[i] = specials[(i / 5) % specials.length]!;
  return x;
}

// NOTE: the wasm tanh is a float32 polynomial (relative error ~2e-7 of t); y = ½x(1 + t) turns it
// into an absolute error of about |x|·1e-7, hence a bound that grows with |x|.
const closeTo = (x: Float32Array, got: Float32Array, want: (i: number) => number, label: string) => {
  for (let i = 0; i < x.length; i++) {
    const e = want(i);
    expect(Math.abs(got[i]! - e), `${label}: x = ${x[i]}, got ${got[i]}, expected ${e}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x[i]!)) + 4e-6 * Math.abs(e));
  }
};

describe.each(['wasm', 'js'] as const)('%s kernels', (backend) => {
  test('the values PyTorch gives (torch.nn.functional.gelu(x, approximate="tanh"), float64)', () => {
    const k = backendKernels(backend);
    const x = region(5), y = region(5);
    write(x, [1, -1, 2, -3, 0.5]);
    k.f32_gelu_fwd(x, y, 5);
    expectClose(read(y, 5), [0.8411919906082768, -0.15880800939172324, 1.954597694087775, -0.0036373920817729943, 0.34571400982514394], 1e-6, 1e-7, backend);
  });

  test.each(EDGE_SIZES)('forward and backward against float64 for n = %i at every misalignment, in place too', (n) => {
    const k = backendKernels(backend);
    for (const mis of MISALIGNMENTS) {
      const values = inputs(n), grads = randomValues(n, -2, 2);
      const x = region(n, mis), y = region(n, (mis + 4) % 16), dy = region(n, (mis + 8) % 16), dx = region(n, mis);
      write(x, values);
      write(dy, grads);
      k.f32_gelu_fwd(x, y, n);
      closeTo(values, read(y, n), (i) => gelu(values[i]!), `fwd n=${n} mis=${mis}`);
      k.f32_gelu_bwd(x, dy, dx, n);
      closeTo(values, read(dx, n), (i) => grads[i]! * geluSlope(values[i]!), `bwd n=${n} mis=${mis}`);
      k.f32_gelu_bwd(x, dy, dy, n); // dx aliasing dy
      expect(read(dy, n)).toEqual(read(dx, n));
      k.f32_gelu_fwd(x, x, n); // y aliasing x
      expect(read(x, n)).toEqual(read(y, n));
    }
  });
});

test('the wasm kernels and their JS twin agree on random sizes (within the float32 tanh)', () => {
  const rng = createRng(7);
  for (let trial = 0; trial < 40; trial++) {
    const n = 1 + Math.floor(rng.uniform() * 300);
    const values = inputs(n), grads = randomValues(n, -1, 1);
    const out = (backend: 'wasm' | 'js') => {
      const k = backendKernels(backend);
      const x = region(n), y = region(n), dy = region(n), dx = region(n);
      write(x, values);
      write(dy, grads);
      k.f32_gelu_fwd(x, y, n);
      k.f32_gelu_bwd(x, dy, dx, n);
      return [read(y, n), read(dx, n)] as const;
    };
    const [[yw, dw], [yj, dj]] = [out('wasm'), out('js')];
    closeTo(values, yw, (i) => yj[i]!, `fwd n=${n}`);
    closeTo(values, dw, (i) => dj[i]!, `bwd n=${n}`);
  }
});

test('two kernel threads give the bits of one on a large tensor', () => {
  expect(threadCount()).toBe(2);
  const x = tensor(inputs(1 << 18), [1 << 18]), dout = tensor(randomValues(1 << 18), [1 << 18]);
  const run = (threads: number) => {
    setThreads(threads);
    const layer = new Gelu();
    const y = layer.forward(x).toFloat32Array(), dx = layer.backward(dout).toFloat32Array();
    layer.dispose();
    return [y, dx];
  };
  const one = run(1), two = run(2);
  setThreads(2);
  expect(two[0]).toEqual(one[0]);
  expect(two[1]).toEqual(one[1]);
});

test('the layer keeps its input: backward of a Gelu is dout · GELU\'(x), and an unmatched dout is an error', () => {
  const layer = new Gelu();
  const x = tensor([-2, -0.5, 0, 0.5, 2, 3], [2, 3]);
  const y = layer.forward(x);
  expectClose(y.toArray(), x.toArray().map(gelu), 1e-6, 1e-7, 'forward');
  const dx = layer.backward(tensor([1, 1, 1, 1, 1, 1], [2, 3]));
  expectClose(dx.toArray(), x.toArray().map(geluSlope), 1e-6, 1e-7, 'backward');
  expect(() => layer.backward(tensor([1, 2], [2]))).toThrow(/^Gelu\.backward: dout must have the input's shape \(2, 3\), got \(2,\)/);
  expect(() => new Gelu().backward(x)).toThrow(/^Gelu\.backward: call forward first/);
  layer.dispose();
});

const build = () => new Sequential({ inputShape: [6], seed: 3, layers: [L.dense({ units: 8 }), L.gelu(), L.dense({ units: 4 })] });

test('a network with gelu: backprop matches numerical gradients', () => {
  const net = build();
  const rng = createRng(1);
  const x = randn([5, 6], rng), t = tensor([0, 1, 2, 3, 1], [5]);
  for (const [name, r] of Object.entries(gradientCheck(net, x, t))) expect(r.relError, name).toBeLessThan(1e-2);
  net.dispose();
});

test('saved and loaded, it gives the same scores; onnxruntime gives them too', async () => {
  const net = build();
  const x = randn([7, 6], createRng(2));
  const again = deserializeModel(serializeModel(net));
  expect(again.predict(x).toArray()).toEqual(net.predict(x).toArray());
  const session = await ort.InferenceSession.create(toOnnx(net));
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x.data), [7, 6]) });
  const logits = out[session.outputNames[0]!]!.data as Float32Array;
  expectClose(logits, net.predict(x).toArray(), 1e-5, 1e-6, 'onnxruntime');
  net.dispose();
  again.dispose();
});

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

test('the PyTorch export is nn.GELU(approximate=\'tanh\')' + (hasTorch ? ', and eval() gives predict()\'s scores' : ''), () => {
  const net = build();
  const source = exportPytorch(net);
  expect(source).toContain("nn.GELU(approximate='tanh'),  # 2: gelu → (8)");
  if (hasTorch) {
    const dir = tempDir('gelu-pytorch');
    const x = randn([3, 6], createRng(4));
    writeFileSync(join(dir, 'exported.py'), source);
    writeFileSync(join(dir, 'model.safetensors'), serializeModel(net));
    const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nimport torch\nimport exported as m\n` +
      `model = m.build_model(${JSON.stringify(join(dir, 'model.safetensors'))})\n` +
      `x = torch.tensor(${JSON.stringify(Array.from(x.data))}).reshape(3, 6)\nprint(json.dumps(model(x).flatten().tolist()))\n`;
    const scores = JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as number[];
    expectClose(scores, net.predict(x).toArray(), 1e-5, 1e-6, 'PyTorch');
  }
  net.dispose();
});
