// A Relu right before a max Pooling runs after it, and a Convolution then runs with that Pooling
// as one step (src/layers/fusion.ts; the fused step's own tests: conv-maxpool.test.ts):
// the same bits as the listed order, forward and backward, on inputs full of ties, all-negative
// windows and a NaN; and a network's gradient equals the listed layers run one by one.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  Affine, AvgPooling, Convolution, createRng, DeepConvNet, Elu, init, LeakyRelu, Pooling, Relu, setBackend, SimpleConvNet,
  SoftmaxWithLoss, tensor, type Tensor,
} from '../src/index.js';
import { ConvMaxPool } from '../src/layers/conv-max-pool.js';
import { executionOrder as orderOf } from '../src/layers/fusion.js';
import { kindOfLayer } from '../src/layers/registry.js';
import type { Layer } from '../src/layers/layer.js';

beforeAll(() => init());
afterAll(() => setBackend('wasm'));

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.data).buffer));

test('executionOrder moves each Relu after the max Pooling that follows it, then joins each Convolution and the max Pooling after it', () => {
  const [conv, relu, pool, affine, relu2, avg, leaky, pool2, relu3, pool3] = [
    new Convolution(tensor([1], [1, 1, 1, 1]), tensor([0])), new Relu(), new Pooling(2, 2, 2), new Affine(tensor([1], [1, 1]), tensor([0])),
    new Relu(), new AvgPooling(2, 2, 2), new LeakyRelu(), new Pooling(2, 2, 2), new Relu(), new Pooling(2, 2, 2),
  ];
  // a joined step shows as 'conv+pool' or 'conv+pool+relu'
  const order = (layers: Layer[]) => orderOf(layers, kindOfLayer).map((l) =>
    l instanceof ConvMaxPool ? [l.conv, l.pool, ...(l.relu ? [l.relu] : [])].map((m) => layers.indexOf(m)).join('+') : layers.indexOf(l));
  expect(order([conv, relu, pool, affine])).toEqual(['0+2+1', 3]);
  expect(order([conv, pool2, relu])).toEqual(['0+1+2']);
  expect(order([conv, pool2, affine, relu])).toEqual(['0+1', 2, 3]);
  expect(order([conv, avg, relu])).toEqual([0, 1, 2]); // average pooling: not joined
  expect(order([conv, leaky, pool2])).toEqual([0, 1, 2]); // not adjacent
  expect(order([relu, pool, affine])).toEqual([1, 0, 2]);
  expect(order([relu2, avg, leaky, pool2])).toEqual([0, 1, 2, 3]); // average pooling, LeakyRelu: as listed
  expect(order([relu, relu2, pool])).toEqual([0, 2, 1]);
  expect(order([relu, pool, relu3, pool3])).toEqual([1, 0, 3, 2]);
  expect(order([pool, relu])).toEqual([0, 1]);
});

describe.each(['wasm', 'js'] as const)('%s: Pooling then Relu gives the bits of Relu then Pooling', (backend) => {
  beforeAll(() => setBackend(backend));
  const cases = [
    { N: 3, C: 2, H: 8, W: 8, size: 2, stride: 2, pad: 0 },
    { N: 2, C: 3, H: 7, W: 9, size: 3, stride: 2, pad: 1 },
    { N: 1, C: 5, H: 5, W: 6, size: 2, stride: 1, pad: 0 },
    { N: 4, C: 1, H: 16, W: 7, size: 3, stride: 3, pad: 1 },
  ];
  test.each(cases)('%j', ({ N, C, H, W, size, stride, pad }) => {
    const rng = createRng(N * 100 + H);
    // halves from -2 to 2: many ties, zeros and windows with no positive value
    const values = Array.from({ length: N * C * H * W }, () => (rng.int(9) - 5) / 2);
    values[rng.int(values.length)] = NaN; // a diverged activation: NaN through both orders alike
    const x = tensor(values, [N, C, H, W]);
    const listed = [new Relu(), new Pooling(size, size, stride, pad)] as const;
    const swapped = [new Pooling(size, size, stride, pad), new Relu()] as const;
    const y = listed[1].forward(listed[0].forward(x));
    const z = swapped[1].forward(swapped[0].forward(x));
    expect(z.shape).toEqual(y.shape);
    expect(bits(z)).toEqual(bits(y));
    const dout = tensor(Array.from({ length: y.size }, () => rng.int(7) - 3), y.shape);
    const dxListed = listed[0].backward(listed[1].backward(dout));
    const dxSwapped = swapped[0].backward(swapped[1].backward(dout));
    expect(bits(dxSwapped)).toEqual(bits(dxListed));
    // the cases that matter: some windows had no positive input, one held the NaN
    expect(y.data.some((v) => v === 0)).toBe(true);
    expect(y.data.some(Number.isNaN)).toBe(true);
  });
});

// NOTE: each test sets its backend: the describe.each above leaves the last one set
test.each(['wasm', 'js'] as const)('%s: SimpleConvNet\'s gradient() equals its layers run one by one in the listed order, bit for bit', (backend) => {
  setBackend(backend);
  const options = { inputDim: [1, 12, 12] as [number, number, number], convParam: { filterNum: 4, filterSize: 3, pad: 0, stride: 1 }, hiddenSize: 8, outputSize: 3, weightInitStd: 0.3, seed: 5 };
  const net = new SimpleConvNet(options);
  const rng = createRng(9);
  const x = tensor(Array.from({ length: 6 * 144 }, () => rng.uniform(-1, 1)), [6, 1, 12, 12]);
  const t = tensor([0, 1, 2, 0, 1, 2]);
  const grads = net.gradient(x, t);

  const p = net.params;
  const layers = [new Convolution(p.W1, p.b1), new Relu(), new Pooling(2, 2, 2), new Affine(p.W2, p.b2), new Relu(), new Affine(p.W3, p.b3)];
  const last = new SoftmaxWithLoss();
  let out = x;
  for (const layer of layers) out = layer.forward(out);
  expect(last.forward(out, t)).toBe(net.lastLoss);
  let dout = last.backward(1);
  for (const layer of layers.slice().reverse()) dout = layer.backward(dout);
  const expected: Record<string, Tensor> = { W1: layers[0].grads.W, b1: layers[0].grads.b, W2: layers[3].grads.W, b2: layers[3].grads.b, W3: layers[5].grads.W, b3: layers[5].grads.b };
  for (const [name, g] of Object.entries(expected)) expect(bits(grads[name]), name).toEqual(bits(g));
  // and the run had ReLU zeros to get right
  expect(layers[1].forward(layers[0].forward(x)).data.some((v) => v === 0)).toBe(true);
});

test.each(['wasm', 'js'] as const)('%s: DeepConvNet\'s gradient() equals its layers run one by one in the listed order, bit for bit (joined steps that need dx)', (backend) => {
  setBackend(backend);
  // each block is Conv, Relu, Conv, Relu, Pool: its second Conv runs joined with the Pool
  const net = new DeepConvNet({ inputDim: [1, 12, 12], hiddenSize: 8, outputSize: 4, seed: 4 });
  const rng = createRng(11);
  const x = tensor(Array.from({ length: 3 * 144 }, () => rng.uniform(0, 1)), [3, 1, 12, 12]);
  const t = tensor([0, 3, 1]);
  const dropouts = net.layerList.filter((l) => l.replayRandomness !== undefined);
  expect(dropouts.length).toBeGreaterThan(0);
  net.gradient(x, t); // draws the dropout masks, which both runs below then replay
  for (const l of dropouts) l.replayRandomness = true;
  const grads = net.gradient(x, t);
  const joined = Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, bits(g)]));
  const loss = net.lastLoss;
  // the same layer objects, as listed: their gradients land in the tensors gradient() returned
  let out = x;
  for (const layer of net.layerList) out = layer.forward(out, true);
  const last = new SoftmaxWithLoss();
  expect(last.forward(out, t)).toBe(loss);
  let dout = last.backward(1);
  for (const layer of net.layerList.slice().reverse()) dout = layer.backward(dout);
  for (const [name, g] of Object.entries(grads)) expect(bits(g), name).toEqual(joined[name]);
  expect(Object.keys(grads)).toContain('W6');
});

test('Elu before max pooling keeps the listed order', () => {
  expect(orderOf([new Elu(), new Pooling(2, 2, 2)], kindOfLayer).map((l) => l.constructor.name)).toEqual(['Elu', 'Pooling']);
});
