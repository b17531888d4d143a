// The PyTorch export of chapter 8's layers (batchNorm2d, globalAvgPool2d, residual blocks): where
// /usr/bin/python3 has torch, eval() gives predict()'s scores and one training step in PyTorch
// (batch statistics, running estimates with the converted momentum, gradients through both paths
// of each block) gives the parameters and buffers one step here gives.
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { exportPytorch, init, layers as L, loadMnist, loadModel, saveModel, Sequential, SGD, type Tensor } from '../src/index.js';
import { maxAbsDiff, PYTHON, pythonRunner, sgdStepScript, torchVersion, worstStateDiff } from './pytorch-harness.js';
import { tempDir } from './scripts.js';

await init();

const make = () => new Sequential({
  inputShape: [1, 28, 28], seed: 11, weightDecayLambda: 0.001,
  layers: [
    L.conv2d({ filters: 4, kernelSize: 3, pad: 1 }), L.batchNorm2d({ momentum: 0.8 }), L.relu(),
    L.residual([L.conv2d({ filters: 8, kernelSize: 3, stride: 2, pad: 1 }), L.batchNorm2d({ eps: 1e-3 }), L.relu(),
      L.residual([L.conv2d({ filters: 8, kernelSize: 3, pad: 1 }), L.batchNorm2d()])]),
    L.relu(), L.globalAvgPool2d(), L.dense({ units: 10 }),
  ],
});

test('the module text: nn.BatchNorm2d with PyTorch\'s momentum, Residual blocks, the pooled flatten', () => {
  const net = make();
  const source = exportPytorch(net);
  expect(source).toContain('        nn.BatchNorm2d(4, eps=0.00001, momentum=0.2),  # 2: batchNorm2d → (4, 28, 28)');
  expect(source).toContain('Residual(nn.Sequential(nn.Conv2d(4, 8, (3, 3), stride=2, padding=1), nn.BatchNorm2d(8, eps=0.001, momentum=0.1), nn.ReLU(), ' +
    'Residual(nn.Sequential(nn.Conv2d(8, 8, (3, 3), stride=1, padding=1), nn.BatchNorm2d(8, eps=0.00001, momentum=0.1)), nn.Identity())), ' +
    'nn.Conv2d(4, 8, (1, 1), stride=2, padding=0)),  # 4: residual → (8, 14, 14)');
  expect(source).toContain('        nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),  # 6: globalAvgPool2d → (8)');
  expect(source).toContain('    ("W3", "3.branch.3.branch.0.weight", False),');
  expect(source).toContain('    ("runningVar3", "3.branch.3.branch.1.running_var", False),');
  expect(source).toContain('    ("W4", "3.shortcut.weight", False),');
  net.dispose();
});

if (!torchVersion) console.log(`pytorch-ch8.test: skipping the PyTorch runs: ${PYTHON} with torch is not available`);

describe.skipIf(!torchVersion)('in PyTorch', () => {
  const dir = tempDir('pytorch-ch8');
  let x: Tensor, t: Tensor;
  let python: (module: string, body: string) => unknown;
  beforeAll(async () => {
    ({ xTest: x, tTest: t } = await loadMnist({ flatten: false, trainSize: 1, testSize: 100 }));
    python = pythonRunner(dir, { x: { shape: [...x.shape], data: Float32Array.from(x.data) }, t: { shape: [...t.shape], data: Float32Array.from(t.data) } });
  });

  test("one SGD step in train() mode matches scratchnet's (batch statistics, running estimates, both paths), then eval() scores match", async () => {
    const net = make();
    const file = join(dir, 'before.safetensors'), after = join(dir, 'after.safetensors');
    await saveModel(net, file);
    const torchLoss = python(exportPytorch(net), sgdStepScript(file, after)) as number;
    const grads = net.gradient(x, t);
    const ourLoss = net.lastLoss;
    new SGD({ lr: 0.1 }).update(net.params, grads);
    expect(Math.abs(torchLoss - ourLoss)).toBeLessThanOrEqual(1e-5);
    const loaded = await loadModel(after);
    const worst = worstStateDiff(net, loaded);
    console.log(`pytorch-ch8.test: torch ${torchVersion}: one step, loss ${ourLoss.toFixed(6)} / ${torchLoss.toFixed(6)}; max |parameter or buffer difference| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    const logits = python(exportPytorch(loaded), `model = m.build_model(${JSON.stringify(after)})\nwith torch.no_grad():\n    print(json.dumps(model(x).flatten().tolist()))`) as number[];
    const expected = loaded.predict(x);
    const diff = maxAbsDiff(logits, expected.data);
    console.log(`pytorch-ch8.test: eval() max |logit difference| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    expected.dispose();
    loaded.dispose();
    net.dispose();
  });

  test('the module reads a float16 model file: eval() gives what loadModel\'s network predicts', async () => {
    const net = make();
    net.predict(x, true).dispose();
    const file = join(dir, 'half.safetensors');
    await saveModel(net, file, { dtype: 'float16' });
    const loaded = await loadModel(file);
    const logits = python(exportPytorch(loaded), `model = m.build_model(${JSON.stringify(file)})\nwith torch.no_grad():\n    print(json.dumps(model(x).flatten().tolist()))`) as number[];
    const expected = loaded.predict(x);
    expect(maxAbsDiff(logits, expected.data)).toBeLessThanOrEqual(1e-5);
    expected.dispose();
    loaded.dispose();
    net.dispose();
  });
});
