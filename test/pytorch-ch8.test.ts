// The PyTorch export of chapter 8's layers (batchNorm2d, globalAvgPool2d, residual blocks): where
// /usr/bin/python3 has torch, eval() gives predict()'s scores and one training step in PyTorch
// (batch statistics, running estimates with the converted momentum, gradients through both paths
// of each block) gives the parameters and buffers one step here gives.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { exportPytorch, init, layers as L, loadMnist, loadModel, saveModel, Sequential, serialize, SGD, type Tensor } from '../src/index.js';
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

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
const torchVersion = probe.status === 0 ? probe.stdout.trim() : undefined;
if (!torchVersion) console.log(`pytorch-ch8.test: skipping the PyTorch runs: ${PYTHON} with torch is not available`);

describe.skipIf(!torchVersion)('in PyTorch', () => {
  const dir = tempDir('pytorch-ch8');
  let x: Tensor, t: Tensor;
  beforeAll(async () => {
    ({ xTest: x, tTest: t } = await loadMnist({ flatten: false, trainSize: 1, testSize: 100 }));
    writeFileSync(join(dir, 'batch.safetensors'), serialize({ x: { shape: [...x.shape], data: Float32Array.from(x.data) }, t: { shape: [...t.shape], data: Float32Array.from(t.data) } }));
  });

  function python(module: string, body: string): unknown {
    writeFileSync(join(dir, 'exported.py'), module);
    const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nimport torch\nimport exported as m\n` +
      `batch, _ = m.read_safetensors(${JSON.stringify(join(dir, 'batch.safetensors'))})\nx, t = batch['x'], batch['t']\n${body}\n`;
    const out = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').at(-1)!);
  }
  const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };

  test("one SGD step in train() mode matches scratchnet's (batch statistics, running estimates, both paths), then eval() scores match", async () => {
    const net = make();
    const file = join(dir, 'before.safetensors'), after = join(dir, 'after.safetensors');
    await saveModel(net, file);
    const torchLoss = python(exportPytorch(net), `model = m.build_model(${JSON.stringify(file)})\nmodel.train()\n` +
      'opt = torch.optim.SGD(model.parameters(), lr=0.1)\nvalue = m.loss(model, x, t)\nopt.zero_grad()\nvalue.backward()\nopt.step()\n' +
      `m.save_model(model, ${JSON.stringify(after)})\nprint(json.dumps(value.item()))`) as number;
    const grads = net.gradient(x, t);
    const ourLoss = net.lastLoss;
    new SGD({ lr: 0.1 }).update(net.params, grads);
    expect(Math.abs(torchLoss - ourLoss)).toBeLessThanOrEqual(1e-5);
    const loaded = await loadModel(after);
    let worst = 0;
    for (const [name, p] of [...Object.entries(net.params), ...Object.entries(net.buffers)]) worst = Math.max(worst, maxAbsDiff(loaded.params[name]?.data ?? loaded.buffers[name].data, p.data));
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
