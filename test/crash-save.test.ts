// Saves survive crashes: a child process saves a 3.9 MB network to one path over and over and is
// SIGKILLed at random moments; after every kill the file must load, be whole (its parameters match
// the checksum in its own metadata) and be one of the states the child saved. Files cut short
// (the temporaries kills leave behind, and every truncation of a small file) are refused and
// change nothing. Since random kills land where the machine's speed lets them, each crash point
// (mid-write, before the rename, after it) is also made to happen on purpose, and the clean-up of
// the temporaries they leave is checked.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { init, loadParams, MultiLayerNet, saveParams, serializeParams, TwoLayerNet, type Network } from '../src/index.js';
import { tempDir } from './scripts.js';

await init();

const saver = fileURLToPath(new URL('./fixtures/crash-saver.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

// the fixture's network and checksum (sha256 of the parameters' bytes in the network's order)
const network = (seed: number) => new MultiLayerNet({ inputSize: 784, hiddenSizeList: [1000, 200], outputSize: 10, seed });
function checksum(net: Network): string {
  const hash = createHash('sha256');
  for (const t of Object.values(net.params)) hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return hash.digest('hex');
}

interface Trial {
  pid: number;
  lines: string[];
}

/** Runs the saver until it begins its first save, lets it go on for `delayMs`, SIGKILLs it; resolves with
 *  what it printed. (Timing from the first save, not the start, keeps the kills inside the saves
 *  however long a busy machine takes to start node.) */
function killedSaver(path: string, seed: number, delayMs: number): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [saver, path, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (timer === undefined && out.includes('\nbegin ')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the saver exited by itself (code ${code}): ${err}`));
      else resolve({ pid: child.pid!, lines: out.split('\n').filter(Boolean) });
    });
  });
}

test('a process killed at random moments while saving never leaves a torn or foreign file at the path', async () => {
  expect(existsSync(dist), `${dist} is missing: run \`npm run build\` before the tests`).toBe(true);
  const dir = tempDir('crash');
  const path = join(dir, 'net.safetensors');
  const temporaries = () => readdirSync(dir).filter((f) => f.startsWith('net.safetensors.tmp-'));
  const probe = network(99); // loaded into after every kill

  // the file exists from the start: a state no child wrote (version 0)
  const first = network(0);
  let current = { version: '0', checksum: checksum(first) };
  await saveParams(first, path, current);
  const size = statSync(path).size;

  const maxTrials = 30, budgetMs = 12_000, started = Date.now();
  // insideSave: kills between a `begin` and its `end`; of those, newVersion found the new file in
  // place (killed after the rename), the others the previous one (killed before it)
  const stats = { trials: 0, insideSave: 0, newVersion: 0, saves: 0, temporariesLeft: 0, partialTemporaries: 0 };
  for (let trial = 0; trial < maxTrials && Date.now() - started < budgetMs; trial++) {
    // a save takes ~8 ms on an idle machine (serialize, write, fsync, rename, fsync the folder),
    // the checksum between saves ~10 ms: 0-30 ms lands anywhere in the first few saves
    const { pid, lines } = await killedSaver(path, trial + 1, Math.random() * 30);
    stats.trials++;
    const announced = new Map<string, string>(); // version -> checksum, from `begin` lines
    let lastEnd: string | undefined, lastBegin: string | undefined;
    for (const line of lines.slice(1)) {
      const [word, version, sum] = line.split(' ');
      if (word === 'begin') [lastBegin] = [version, announced.set(version, sum)];
      else if (word === 'end') lastEnd = version;
    }
    stats.saves += lastEnd === undefined ? 0 : Number(lastEnd);
    const killedInSave = lastBegin !== undefined && lastBegin !== lastEnd;
    if (killedInSave) stats.insideSave++;

    // the file loads, is whole, and is the last finished save or the one the kill interrupted
    const meta = await loadParams(probe, path);
    const loaded = { version: meta.version, checksum: meta.checksum };
    expect(checksum(probe), `trial ${trial}: parameters do not match the file's own checksum (torn file)`).toBe(meta.checksum);
    const finished = lastEnd === undefined ? current : { version: lastEnd, checksum: announced.get(lastEnd)! };
    const allowed = [finished];
    if (killedInSave) allowed.push({ version: lastBegin!, checksum: announced.get(lastBegin!)! });
    expect(allowed, `trial ${trial}: the file is ${JSON.stringify(loaded)}`).toContainEqual(loaded);
    if (killedInSave && loaded.version === lastBegin) stats.newVersion++;
    current = loaded;

    // temporaries: only this child's may remain once it has finished a save (each finished save
    // deletes those of dead processes); one cut short is refused and changes nothing
    const left = temporaries();
    if (lastEnd !== undefined) for (const f of left) expect(f, `trial ${trial}: stale temporary`).toContain(`-${pid}-`);
    for (const f of left.filter((name) => name.includes(`-${pid}-`))) {
      stats.temporariesLeft++;
      if (statSync(join(dir, f)).size < size) {
        stats.partialTemporaries++;
        const before = checksum(probe);
        await expect(loadParams(probe, join(dir, f))).rejects.toThrow(/not a valid safetensors file/);
        expect(checksum(probe)).toBe(before);
      }
    }
  }
  console.log(`crash-save: ${JSON.stringify(stats)} in ${Date.now() - started} ms`);
  expect(stats.trials).toBeGreaterThanOrEqual(10);
  expect(stats.insideSave).toBeGreaterThan(stats.trials / 3); // the kills did land inside saves

  // the next successful save removes every temporary the killed processes left
  await saveParams(probe, path, current);
  expect(temporaries()).toEqual([]);
}, 60_000);

test('a file cut at any byte is refused and changes nothing', async () => {
  const net = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 1 });
  const bytes = serializeParams(net);
  const other = new TwoLayerNet({ inputSize: 6, hiddenSize: 4, outputSize: 3, seed: 2 });
  const before = checksum(other);
  const path = join(tempDir('cut'), 'cut.safetensors');
  for (let n = 0; n < bytes.length; n++) {
    await writeFile(path, bytes.subarray(0, n));
    await expect(loadParams(other, path), `cut at ${n} of ${bytes.length}`).rejects.toThrow(/not a valid safetensors file/);
  }
  expect(checksum(other)).toBe(before);
  await writeFile(path, bytes);
  await loadParams(other, path);
  expect(checksum(other)).toBe(checksum(net));
});

// Each crash point of a save made to happen on purpose (test/fixtures/crash-point-saver.mjs), and
// the stale temporaries the kills leave removed by the next save.
test('killed at each point of a save: the path holds the old or the new file, whole; the next save removes the leftovers', async () => {
  expect(existsSync(dist), `${dist} is missing: run \`npm run build\` before the tests`).toBe(true);
  const pointSaver = fileURLToPath(new URL('./fixtures/crash-point-saver.mjs', import.meta.url));
  const dir = tempDir('crash-points');
  const path = join(dir, 'net.safetensors');
  const temporaries = () => readdirSync(dir).filter((f) => f.startsWith('net.safetensors.tmp-'));
  const small = (seed: number) => new TwoLayerNet({ inputSize: 50, hiddenSize: 20, outputSize: 10, seed });
  await saveParams(small(1), path, { version: '1' });
  const full = statSync(path).size;
  const probe = small(0);
  const killedAt = (point: string, version: string) => new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [pointSaver, path, point, version], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes(`at ${point}\n`)) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (_, signal) => (signal === 'SIGKILL' ? resolve(child.pid!) : reject(new Error(`the saver did not stop at ${point}: ${out}${err}`))));
  });
  const version = async () => (await loadParams(probe, path)).version;

  const writer = await killedAt('write', '2');
  expect(await version()).toBe('1'); // the old file, whole
  const partial = temporaries().filter((f) => f.includes(`-${writer}-`));
  expect(partial).toHaveLength(1);
  expect(statSync(join(dir, partial[0])).size).toBeLessThan(full);
  await expect(loadParams(probe, join(dir, partial[0]))).rejects.toThrow(/not a valid safetensors file/);

  const renamer = await killedAt('rename', '3');
  expect(await version()).toBe('1');
  const complete = temporaries().filter((f) => f.includes(`-${renamer}-`));
  expect(complete).toHaveLength(1);
  expect(statSync(join(dir, complete[0])).size).toBe(full); // written and fsynced, never renamed

  const renamed = await killedAt('renamed', '4');
  expect(await version()).toBe('4'); // the new file, whole
  expect(temporaries().filter((f) => f.includes(`-${renamed}-`))).toEqual([]);
  expect(temporaries()).toHaveLength(2); // the two the earlier kills left

  await saveParams(probe, path, { version: '5' }); // a save that completes cleans the dead processes' temporaries
  expect(temporaries()).toEqual([]);
  expect(await version()).toBe('5');
}, 60_000);
