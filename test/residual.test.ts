// Residual blocks: a zero branch is the identity, gradients match numerical ones with a projection
// shortcut (nested, with batch norm and dropout inside), tensors are numbered through the branch
// first, the fused conv + max pool + ReLU step runs inside the branch, saved models and ONNX keep
// the scores, and a hostile architecture (too deep, too many layers) is refused before allocation.
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  ConvMaxPool, createRng, deserializeModel, gradientCheck, init, layers as L, memoryStats, randn, Residual, Sequential, serializeModel,
  setBackend, tensor, toOnnx, type LayerSpec,
} from '../src/index.js';
import { expectClose, rewriteArchitecture } from './helpers.js';

await init();

const nested = (depth: number): LayerSpec => (depth === 0 ? L.relu() : L.residual([nested(depth - 1)]));

describe.each(['wasm', 'js'] as const)('%s backend', (backend) => {
  beforeAll(() => setBackend(backend));

  test('a residual whose branch computes zero is the identity', () => {
    const net = new Sequential({ inputShape: [3, 5, 4], layers: [L.residual([L.conv2d({ filters: 3, kernelSize: 3, pad: 1 }), L.relu()]), L.dense({ units: 2 })], seed: 1 });
    net.params.W1.data.fill(0);
    net.params.b1.data.fill(0);
    const x = randn([2, 3, 5, 4], createRng(2));
    const block = net.layerList[0] as Residual;
    expect(block.projection).toBeUndefined();
    expect(block.forward(x, false).toArray()).toEqual(x.toArray());
    x.dispose();
    net.dispose();
  });

  test('analytic gradients match numerical ones with a projection shortcut, nested blocks, batch norm and dropout', () => {
    const net = new Sequential({
      inputShape: [2, 6, 6],
      layers: [
        L.residual([L.conv2d({ filters: 3, kernelSize: 3, stride: 2, pad: 1, init: 'xavier' }), L.batchNorm2d(), L.tanh(),
          L.residual([L.conv2d({ filters: 3, kernelSize: 3, pad: 1, init: 'xavier' }), L.elu()]), L.dropout({ ratio: 0.2 })]),
        L.tanh(), L.residual([L.conv2d({ filters: 4, kernelSize: 1, init: 'xavier' })], { shortcut: 'projection' }),
        L.globalAvgPool2d(), L.dense({ units: 3, init: 'xavier' }),
      ],
      weightDecayLambda: 0.01,
      seed: 3,
    });
    expect(net.params.W3.shape).toEqual([3, 2, 1, 1]); // the first block's projection, after W1 and the inner block's W2
    const x = randn([4, 2, 6, 6], createRng(4));
    for (const [name, r] of Object.entries(gradientCheck(net, x, tensor([0, 1, 2, 1])))) {
      if (name === 'b1') continue; // feeds a batch norm, which subtracts it again: zero up to rounding
      expect(r.relError, name).toBeLessThan(5e-3);
    }
    x.dispose();
    net.dispose();
  });

  test('the shortcut is the identity where shapes match, else a 1×1 convolution with the mapping stride', () => {
    const net = new Sequential({
      inputShape: [1, 9, 7],
      layers: [L.conv2d({ filters: 2, kernelSize: 1 }),
        L.residual([L.conv2d({ filters: 4, kernelSize: 3, stride: 2, pad: 1 }), L.batchNorm2d(), L.relu(), L.conv2d({ filters: 4, kernelSize: 3, pad: 1 })]),
        L.residual([L.conv2d({ filters: 4, kernelSize: 3, pad: 1 })]), L.flatten(), L.dense({ units: 2 })],
      seed: 1,
    });
    // numbered through the branch first, then the projection: W2, W3 in the branch, W4 the projection
    expect(Object.keys(net.params)).toEqual(['W1', 'b1', 'W2', 'b2', 'gamma1', 'beta1', 'W3', 'b3', 'W4', 'b4', 'W5', 'b5', 'W6', 'b6']);
    expect(net.params.W4.shape).toEqual([4, 2, 1, 1]);
    const [, first, second] = net.layerList as Residual[];
    expect(first.projection!.layer).toMatchObject({ stride: 2, pad: 0 });
    expect(second.projection).toBeUndefined();
    expect(net.summary()).toContain([
      '2    residual                     (4, 5, 4)        244',
      '2.1    conv2d W2, b2              (4, 5, 4)         76',
      '2.2    batchNorm2d gamma1, beta1  (4, 5, 4)          8',
      '2.3    relu                       (4, 5, 4)',
      '2.4    conv2d W3, b3              (4, 5, 4)        148',
      '2.s    conv2d W4, b4              (4, 5, 4)         12',
      '3    residual                     (4, 5, 4)        148',
      '3.1    conv2d W5, b5              (4, 5, 4)        148',
    ].join('\n'));
    net.dispose();
    const make = (layers: LayerSpec[], inputShape = [2, 5, 5]) => () => new Sequential({ inputShape, layers: [...layers, L.flatten(), L.dense({ units: 2 })] });
    expect(make([L.residual([L.conv2d({ filters: 3, kernelSize: 3, pad: 1 })], { shortcut: 'identity' })]))
      .toThrow('Sequential: layer 1 (residual): an identity shortcut needs the branch to keep the shape (2, 5, 5), got (3, 5, 5) (use shortcut \'projection\' or \'auto\')');
    // 5 rows onto 2: no stride s gives ⌊4 / s⌋ + 1 = 2 for rows and 4 for columns at once
    expect(make([L.residual([L.conv2d({ filters: 2, kernelSize: [4, 2] })])]))
      .toThrow("Sequential: layer 1 (residual): no stride of a 1×1 convolution maps (2, 5, 5) onto the branch's (2, 2, 4)");
    expect(make([L.residual([L.flatten()])])).toThrow("Sequential: layer 1 (residual): the branch must give images (C, H, W) to add to its input, got (50,)");
    expect(make([L.residual([L.conv2d({ filters: 0, kernelSize: 1 })])])).toThrow(/^Sequential: layer 1 \(residual\), branch layer 1 \(conv2d\): filters must be an integer >= 1/);
    expect(make([L.residual([L.relu()], { shortcut: 'none' as never })])).toThrow("Sequential: layer 1 (residual): shortcut must be one of 'auto', 'identity', 'projection', got \"none\"");
    expect(make([L.residual([])], [4])).toThrow(/^Sequential: layer 1 \(residual\), input \(4,\): expects images/);
  });

  test('the conv + max pooling + ReLU step is joined inside the branch, with the same numbers as the layers one by one', () => {
    const spec = [L.residual([L.conv2d({ filters: 3, kernelSize: 3, pad: 1 }), L.relu(), L.maxPool2d({ size: 2 })]), L.flatten(), L.dense({ units: 2 })];
    const net = new Sequential({ inputShape: [2, 6, 6], layers: spec, seed: 5 });
    const block = net.layerList[0] as Residual;
    expect(block.steps.map((s) => s.constructor.name)).toEqual(['ConvMaxPool']);
    expect((block.steps[0] as ConvMaxPool).relu).toBeDefined();
    // the same network with a Relu before the pooling, and one after it that ConvMaxPool folds: compare to unjoined layers
    const x = randn([3, 2, 6, 6], createRng(6));
    const joined = block.forward(x, false).toArray();
    const conv = block.branch[0].layer, relu = block.branch[1].layer, pool = block.branch[2].layer, proj = block.projection!.layer;
    const f = pool.forward(relu.forward(conv.forward(x, false), false), false).toArray();
    const s = proj.forward(x, false).toArray();
    expectClose(joined, f.map((v, i) => v + s[i]), 1e-6, 1e-7, 'joined vs layer by layer');
    x.dispose();
    net.dispose();
  });
});

test('serializeModel round-trip: the same architecture and bit-identical scores', () => {
  const net = new Sequential({
    inputShape: [1, 8, 8],
    layers: [L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.residual([L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.batchNorm2d(), L.relu(),
      L.residual([L.conv2d({ filters: 8, kernelSize: 3, stride: 2, pad: 1 })])]), L.relu(), L.globalAvgPool2d(), L.dense({ units: 3 })],
    seed: 7,
  });
  const x = randn([5, 1, 8, 8], createRng(8));
  net.predict(x, true).dispose(); // running statistics away from (0, 1)
  const copy = deserializeModel(serializeModel(net));
  expect(copy.architecture).toEqual(net.architecture);
  expect(Object.keys(copy.params)).toEqual(Object.keys(net.params));
  const a = net.predict(x), b = copy.predict(x);
  expect(b.toArray()).toEqual(a.toArray());
  for (const t of [a, b, x]) t.dispose();
  copy.dispose();
  net.dispose();
});

test('ONNX: a residual network gives the scores predict() gives in onnxruntime', async () => {
  const net = new Sequential({
    inputShape: [1, 8, 8],
    layers: [L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.residual([L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.batchNorm2d(), L.relu(),
      L.residual([L.conv2d({ filters: 6, kernelSize: 3, stride: 2, pad: 1 }), L.maxPool2d({ size: 2, stride: 1 }), L.relu()])]), L.relu(), L.globalAvgPool2d(), L.dense({ units: 3 })],
    seed: 9,
  });
  const x = randn([5, 1, 8, 8], createRng(10));
  net.predict(x, true).dispose();
  const session = await ort.InferenceSession.create(toOnnx(net));
  const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]) });
  await session.release();
  const scores = net.predict(x);
  expectClose(result.logits.data as Float32Array, scores.data, 1e-4, 1e-5, 'logits');
  for (const t of [scores, x]) t.dispose();
  net.dispose();
});

test('an architecture nested too deep or with too many layers is refused before anything is allocated', () => {
  const ok = new Sequential({ inputShape: [1, 2, 2], layers: [nested(16), L.flatten(), L.dense({ units: 2 })] });
  const bytes = serializeModel(ok);
  const text = JSON.stringify(ok.architecture);
  ok.dispose();
  const before = memoryStats().liveBytes;
  const deep = rewriteArchitecture(bytes, text.replace('{"kind":"relu"}', JSON.stringify(nested(1))));
  expect(() => deserializeModel(deep)).toThrow(/residual\), branch layer 1 \(residual\), branch: layers nest 17 deep; at most 16 levels are allowed$/);
  const wide = rewriteArchitecture(bytes, text.replace('{"kind":"relu"}', Array(10_001).fill('{"kind":"relu"}').join(',')));
  expect(() => deserializeModel(wide)).toThrow(/branch: more than 10000 layers in all$/);
  expect(memoryStats().liveBytes).toBe(before);
});

test('a residual network frees everything it allocated (branch layers, joined steps, projection)', () => {
  const x = randn([4, 2, 8, 8], createRng(11)), t = tensor([0, 1, 1, 0]);
  const run = () => {
    const net = new Sequential({
      inputShape: [2, 8, 8],
      layers: [L.residual([L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.maxPool2d({ size: 2 }), L.relu(), L.dropout({ ratio: 0.3 }),
        L.residual([L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.batchNorm2d()])]), L.globalAvgPool2d(), L.dense({ units: 2 })],
      seed: 12,
    });
    net.gradient(x, t);
    net.predict(x).dispose();
    net.dispose();
  };
  run(); // the kernels' scratch space grows once and stays (it is the runtime's, not the network's)
  const before = memoryStats().liveBytes;
  run();
  expect(memoryStats().liveBytes).toBe(before);
  x.dispose();
  t.dispose();
});
