// What the PyTorch tests share (pytorch.test.ts, pytorch-ch8.test.ts): the probe for Python with
// torch, a runner of the exported module on a saved batch, the script of one SGD step in PyTorch,
// and the differences they compare.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { serialize, type Network } from '../src/index.js';

export const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
/** torch's version, or undefined where PYTHON cannot import it. */
export const torchVersion = probe.status === 0 ? probe.stdout.trim() : undefined;
/** Why torch cannot run here (the probe's last line of error). */
export const torchMissing = (probe.error?.message ?? probe.stderr ?? '').trim().split('\n').at(-1);

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Writes the arrays as `dir`/batch.safetensors (x and t at least), and returns a runner: it
 *  imports the exported module as `m` with x and t read from the batch, runs `body`, and returns
 *  its last stdout line as JSON. */
export function pythonRunner(dir: string, batch: Record<string, { shape: number[]; data: Float32Array }>): (module: string, body: string) => unknown {
  const file = join(dir, 'batch.safetensors');
  writeFileSync(file, serialize(batch));
  return (module, body) => {
    writeFileSync(join(dir, 'exported.py'), module);
    const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nimport torch\nimport exported as m\n` +
      `batch, _ = m.read_safetensors(${JSON.stringify(file)})\nx, t = batch['x'], batch['t']\n${body}\n`;
    const out = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').at(-1)!);
  };
}

/** The Python of one SGD step (lr 0.1) in train() mode on the model in `file`, saved to `after`;
 *  prints the loss. */
export function sgdStepScript(file: string, after: string): string {
  return `model = m.build_model(${JSON.stringify(file)})\nmodel.train()\n` +
    'opt = torch.optim.SGD(model.parameters(), lr=0.1)\nvalue = m.loss(model, x, t)\nopt.zero_grad()\nvalue.backward()\nopt.step()\n' +
    `m.save_model(model, ${JSON.stringify(after)})\nprint(json.dumps(value.item()))`;
}

/** The largest |difference| between a parameter or buffer of `net` and the same of `loaded`. */
export function worstStateDiff(net: Network, loaded: Network): number {
  let worst = 0;
  for (const [name, p] of [...Object.entries(net.params), ...Object.entries(net.buffers ?? {})]) {
    worst = Math.max(worst, maxAbsDiff((loaded.params[name] ?? loaded.buffers![name]!).data, p.data));
  }
  return worst;
}
