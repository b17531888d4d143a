// The terminal progress bar (cli-progress) under a synchronous loop, as the Trainer runs one: its
// own redraw timer never fires there, so createProgress must draw, and print log lines, itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, test, vi } from 'vitest';
import { createProgress } from '../src/index.js';

afterEach(() => vi.restoreAllMocks());

test('on a terminal, log lines and the bar appear without the event loop turning', async () => {
  const written: string[] = [];
  const stderr = process.stderr as { isTTY?: boolean };
  const wasTTY = stderr.isTTY;
  stderr.isTTY = true; // cli-progress then writes cursor moves to the stream, harmlessly captured
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  try {
    const progress = await createProgress('work', 3, ['loss']);
    progress.update(1, { loss: '0.5' });
    progress.log('=== epoch 1 ===');
    progress.update(3, { loss: '0.25' });
    progress.log('done: 0.97');
    progress.stop(); // no await between any of these: the timer had no chance
  } finally {
    stderr.isTTY = wasTTY;
  }
  const text = written.join('');
  expect(text).toContain('=== epoch 1 ===\n');
  expect(text).toContain('done: 0.97\n');
  expect(text).toMatch(/work \|[█░]+\| 3\/3 \| loss 0\.25 \| ETA/);
});

// A real pseudo-terminal (script(1)): the Trainer's bar shows its rate, not the raw token.
test.skipIf(!existsSync('/usr/bin/script'))('in a pseudo-terminal the Trainer\'s bar shows it/s as a number', () => {
  const program = `
    import { init, Trainer, Sequential, layers as L, tensor } from ${JSON.stringify(pathToFileURL(resolve('dist/index.js')).href)};
    await init({ backend: 'js' });
    const n = 200, x = [], t = [];
    for (let i = 0; i < n; i++) { t.push(i % 2); x.push(i % 2 ? 1 : -1, Math.sin(i)); }
    const net = new Sequential({ inputShape: [2], layers: [L.dense({ units: 2 })], seed: 1 });
    await new Trainer(net, tensor(x, [n, 2]), tensor(t), tensor(x, [n, 2]), tensor(t), { epochs: 3, miniBatchSize: 10, seed: 1 }).train();`;
  const file = join(mkdtempSync(join(tmpdir(), 'scratchnet-pty-')), 'train.mjs');
  writeFileSync(file, program);
  const out = execFileSync('/usr/bin/script', ['-qc', `'${process.execPath}' '${file}'`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
  expect(out).not.toContain('{it/s}');
  expect(out).toMatch(/train \|[█░]+\| 60\/60 \| epoch 3 \| loss \d\.\d{4} \| it\/s \d+\.\d/);
});
