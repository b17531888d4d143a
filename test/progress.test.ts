// The terminal progress bar (cli-progress) under a synchronous loop, as the Trainer runs one: its
// own redraw timer never fires there, so createProgress must draw, and print log lines, itself.
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
