// The hand-off to PyTorch: pytorchSource writes a Python module for an architecture (checked here
// as text, with no Python needed), and, where /usr/bin/python3 has torch, the module run for real:
// the same logits as predict() on 100 MNIST images, one training step that matches scratchnet's,
// and the file PyTorch writes loaded back with loadModel. The training step is also compared, on
// every machine, with one PyTorch took when the fixture was recorded (test/fixtures/pytorch-sgd-step.safetensors;
// SCRATCHNET_RECORD_FIXTURES=1 rewrites it where torch is available).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  deserialize, exportPytorch, init, layers as L, loadMnist, loadModel, pytorchSource, saveModel, Sequential, serialize, SGD, tensor, Trainer,
  TwoLayerNet, type Architecture, type Tensor,
} from '../src/index.js';
import { maxAbsDiff, PYTHON, pythonRunner, sgdStepScript, torchMissing, torchVersion, worstStateDiff } from './pytorch-harness.js';
import { tempDir } from './scripts.js';

await init();

const FIXTURE = 'test/fixtures/pytorch-sgd-step.safetensors';

// The network of the one-step comparison: convolution, max pooling, batch norm, weight decay.
const stepNet = () => new Sequential({
  inputShape: [1, 28, 28], seed: 3, weightDecayLambda: 0.01,
  layers: [L.conv2d({ filters: 3, kernelSize: 6, stride: 2 }), L.relu(), L.maxPool2d({ size: 2 }), L.batchNorm(), L.dense({ units: 30 }), L.relu(), L.dense({ units: 10 })],
});

test("one SGD step matches the one PyTorch took (a recorded fixture: runs without torch)", async () => {
  const { xTest: x, tTest: t } = await loadMnist({ flatten: false, trainSize: 1, testSize: 100 });
  const { arrays, metadata } = deserialize(readFileSync(FIXTURE));
  const net = stepNet(), initial = net.params.W1.toArray();
  const grads = net.gradient(x, t);
  const ourLoss = net.lastLoss;
  new SGD({ lr: 0.1 }).update(net.params, grads);
  expect(Math.abs(Number(metadata.torchLoss) - ourLoss)).toBeLessThanOrEqual(1e-5);
  const ours = { ...net.params, ...net.buffers };
  expect(Object.keys(arrays).sort()).toEqual(Object.keys(ours).sort());
  for (const [name, p] of Object.entries(ours)) expect(maxAbsDiff(arrays[name].data, p.data), name).toBeLessThanOrEqual(1e-5);
  expect(maxAbsDiff(initial, arrays.W1.data)).toBeGreaterThan(1e-4); // the recorded step moved the weights
  net.dispose();
});

const small: Architecture = {
  kind: 'Sequential', inputShape: [1, 8, 8], loss: 'softmax-cross-entropy', weightDecayLambda: 0.01,
  layers: [L.conv2d({ filters: 3, kernelSize: [3, 1], pad: 1 }), L.batchNorm({ eps: 1e-5 }), L.relu(),
    L.maxPool2d({ size: 2, pad: 1 }), L.dropout({ ratio: 0.25 }), L.dense({ units: 10 })],
};

describe('pytorchSource (text only)', () => {
  const source = pytorchSource(small);

  test('one torch module per layer, with the shapes and options of the architecture', () => {
    expect(source).toContain('        nn.Conv2d(1, 3, (3, 1), stride=1, padding=1),  # 1: conv2d → (3, 8, 10)');
    expect(source).toContain('        BookBatchNorm(240, 0.9, 0.00001),  # 2: batchNorm → (3, 8, 10)');
    expect(source).toContain('        nn.ReLU(),  # 3: relu → (3, 8, 10)');
    expect(source).toContain("        ZeroPaddedPool('max', (2, 2), 2, 1),  # 4: maxPool2d → (3, 5, 6)");
    expect(source).toContain('        BookDropout(0.25),  # 5: dropout → (3, 5, 6)');
    expect(source).toContain('        Dense(90, 10),  # 6: dense → (10)');
    expect(source).toContain('INPUT_SHAPE = (1, 8, 8,)');
    expect(source).toContain('WEIGHT_DECAY_LAMBDA = 0.01');
  });

  test("scratchnet's tensor names map onto the modules' state_dict keys; dense weights are transposed", () => {
    const rows = [...source.matchAll(/^ {4}\("(\w+)", "([\w.]+)", (True|False)\),$/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      ['W1', '0.weight', 'False'], ['b1', '0.bias', 'False'],
      ['gamma1', '1.gamma', 'False'], ['beta1', '1.beta', 'False'], ['runningMean1', '1.running_mean', 'False'], ['runningVar1', '1.running_var', 'False'],
      ['W2', '5.linear.weight', 'True'], ['b2', '5.linear.bias', 'False'],
    ]);
    expect(source).toContain('DECAYED = ["0.weight", "5.linear.weight"]');
  });

  test('the architecture rides along as JSON, for save_model', () => {
    const json = /^ARCHITECTURE = json\.loads\(r'''(.*)'''\)$/m.exec(source)![1];
    expect(JSON.parse(json)).toEqual(small);
  });

  test('a bad architecture or a network without one is a clear error', () => {
    expect(() => pytorchSource({ ...small, layers: [{ kind: 'lstm' }] })).toThrow(/^pytorchSource: Sequential: layer 1 \(lstm\): expected a layer spec/);
    expect(() => pytorchSource({ ...small, layers: [L.dense({ units: 0 })] })).toThrow(/^pytorchSource: Sequential: layer 1 \(dense\): units/);
    expect(() => pytorchSource(null as unknown as Architecture)).toThrow('pytorchSource: expected an architecture object, got null');
    expect(() => exportPytorch({} as never)).toThrow(/^exportPytorch: expected a Sequential or a preset built on it/);
  });

  test('a preset exports through its architecture', () => {
    const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1 });
    const text = exportPytorch(net);
    expect(text).toMatch(/^# TwoLayerNet exported by scratchnet \(39,760 parameters\)/);
    expect(text).toContain('        Dense(784, 50),  # 1: dense → (50)');
    net.dispose();
  });
});

if (!torchVersion) console.log(`pytorch.test: skipping the PyTorch runs: ${PYTHON} with torch is not available (${torchMissing})`);

describe.skipIf(!torchVersion)('the exported module in PyTorch', () => {
  const dir = tempDir('pytorch');
  let x: Tensor, t: Tensor, xTrain: Tensor, tTrain: Tensor;
  let python: (module: string, body: string) => unknown;
  beforeAll(async () => {
    ({ xTrain, tTrain, xTest: x, tTest: t } = await loadMnist({ flatten: false, trainSize: 500, testSize: 100 }));
    const oneHot = new Float32Array(100 * 10);
    t.data.forEach((label, i) => void (oneHot[i * 10 + label] = 1));
    python = pythonRunner(dir, {
      x: { shape: [...x.shape], data: Float32Array.from(x.data) }, t: { shape: [...t.shape], data: Float32Array.from(t.data) },
      t1: { shape: [100, 10], data: oneHot },
    });
  });

  test('eval() gives the logits predict() gives on 100 MNIST images (every layer kind, after training)', async () => {
    const net = new Sequential({
      inputShape: [1, 28, 28], seed: 1, weightDecayLambda: 0.001,
      layers: [
        // max pooling of values of both signs and a leaky ReLU after it, so that its zero padding
        // (not PyTorch's -inf) shows at the borders
        L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.batchNorm(), L.maxPool2d({ size: 2, pad: 1 }), L.leakyRelu({ alpha: 0.1 }), // 4 × 15 × 15
        L.conv2d({ filters: 6, kernelSize: [3, 1], stride: 2 }), L.relu(), // 6 × 7 × 8
        L.avgPool2d({ size: 3, stride: 1, pad: 1 }), L.elu(), L.flatten(), // 336
        L.dense({ units: 20 }), L.maxout({ pieces: 2 }), L.tanh(), L.dropout({ ratio: 0.3 }), L.dense({ units: 16 }), L.sigmoid(), L.batchNorm(),
        L.dense({ units: 10 }),
      ],
    });
    // trained a little, so that the weights and the batch-norm statistics are not their initial values
    await new Trainer(net, xTrain, tTrain, x, t, { epochs: 2, miniBatchSize: 50, optimizer: 'Adam', optimizerParam: { lr: 0.01 }, verbose: false, seed: 2 }).train();
    const file = join(dir, 'every-kind.safetensors');
    await saveModel(net, file);
    const logits = python(exportPytorch(net), `model = m.build_model(${JSON.stringify(file)})\n` +
      'assert not model.training\nwith torch.no_grad():\n    y = model(x)\nprint(json.dumps(y.flatten().tolist()))') as number[];
    const expected = net.predict(x);
    const diff = maxAbsDiff(logits, expected.data);
    console.log(`pytorch.test: torch ${torchVersion}: max |logit difference| over 100 images × 10 classes: ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    expect(Math.max(...Array.from(expected.data).map(Math.abs))).toBeGreaterThan(0.1); // not a trivially small output
    net.dispose();
  });

  test("one SGD step in PyTorch matches scratchnet's, and the file PyTorch writes loads back into scratchnet", async () => {
    const net = stepNet();
    const file = join(dir, 'step-before.safetensors'), after = join(dir, 'step-after.safetensors');
    await saveModel(net, file);
    const torchLoss = python(exportPytorch(net), sgdStepScript(file, after)) as number;
    // the same step here
    const grads = net.gradient(x, t);
    const ourLoss = net.lastLoss;
    new SGD({ lr: 0.1 }).update(net.params, grads);
    expect(Math.abs(torchLoss - ourLoss)).toBeLessThanOrEqual(1e-5);
    const loaded = await loadModel(after);
    expect(loaded.architecture).toEqual(net.architecture);
    if (process.env.SCRATCHNET_RECORD_FIXTURES) {
      const state = Object.entries({ ...loaded.params, ...loaded.buffers }).map(([k, p]) => [k, { shape: [...p.shape], data: p.data.slice() }]);
      writeFileSync(FIXTURE, serialize(Object.fromEntries(state), { torchLoss: String(torchLoss), torch: torchVersion! }));
    }
    const worst = worstStateDiff(net, loaded);
    console.log(`pytorch.test: one SGD step, loss ${ourLoss.toFixed(6)} here / ${torchLoss.toFixed(6)} in torch; max |parameter difference| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    // and the step did something: the parameters moved from the file's
    const before = await loadModel(file);
    expect(maxAbsDiff(before.params.W1.data, loaded.params.W1.data)).toBeGreaterThan(1e-4);
    for (const n of [net, loaded, before]) n.dispose();
  });

  test.each(['softmax-cross-entropy', 'mean-squared-error', 'sigmoid-cross-entropy'] as const)('loss(): %s as the network computes it, weight decay and L1 included', async (lossName) => {
    const net = new Sequential({ inputShape: [1, 28, 28], seed: 5, loss: lossName, weightDecayLambda: 0.05, l1Lambda: 0.01,
      layers: [L.dense({ units: 32 }), L.relu(), L.dense({ units: 10 })] });
    const file = join(dir, `${lossName}.safetensors`);
    await saveModel(net, file);
    const target = lossName === 'sigmoid-cross-entropy' ? "batch['t1']" : 't';
    const torchLoss = python(exportPytorch(net), `model = m.build_model(${JSON.stringify(file)})\nwith torch.no_grad():\n    print(json.dumps(m.loss(model, x, ${target}).item()))`) as number;
    let ours: number;
    if (lossName === 'sigmoid-cross-entropy') {
      const { deserialize } = await import('../src/formats/safetensors.js');
      const { arrays } = deserialize(readFileSync(join(dir, 'batch.safetensors')));
      const t1 = tensor(arrays.t1.data, arrays.t1.shape);
      ours = net.loss(x, t1);
      t1.dispose();
    } else {
      ours = net.loss(x, t);
    }
    expect(Math.abs(torchLoss - ours)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ours)));
    net.dispose();
  });

  test('a file that does not fit the module is a clear error in Python', () => {
    const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1 });
    const other = join(dir, 'other.safetensors');
    writeFileSync(other, serialize({ W1: { shape: [784, 40], data: new Float32Array(784 * 40) } }));
    expect(() => python(exportPytorch(net), `m.build_model(${JSON.stringify(other)})`)).toThrow(/tensor 'W1' has shape \(784, 40\), which does not fit 0\.linear\.weight/);
    net.dispose();
  });
});

