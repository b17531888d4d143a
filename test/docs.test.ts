// The documents a new user reads: the README stays a front door (short, with the commands a fresh
// clone runs), every relative link in the Markdown resolves, and docs/performance.md is what
// bench/performance-doc.ts makes of bench/results/ (regenerate with `npm run docs:performance`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { performanceDoc } from '../bench/performance-doc.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string): string => readFileSync(join(repo, file), 'utf8');
const markdown = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

test('the README is at most 200 lines, and has the install and the fresh-clone commands', () => {
  const readme = read('README.md');
  expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  expect(readme).toContain('npm install scratchnet');
  expect(readme).toMatch(/^npm install && npm start$/m);
  expect(readme).toMatch(/^npm test$/m);
});

test('every relative link and image in the Markdown files points at a file that exists', () => {
  const broken: string[] = [];
  for (const file of markdown) {
    for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue; // web links, anchors
      const path = join(repo, dirname(file), target.split('#')[0]);
      if (!existsSync(path)) broken.push(`${file}: ${target}`);
    }
  }
  expect(broken).toEqual([]);
});

test('docs/performance.md is generated from bench/results/', () => {
  expect(read('docs/performance.md'), 'run `npm run build && npm run docs:performance`').toBe(performanceDoc(join(repo, 'bench/results')));
});

test('docs/cli.md names every command and every option the command line offers', () => {
  const doc = read('docs/cli.md');
  const help = (...args: string[]) => execFileSync(process.execPath, [join(repo, 'dist/cli/main.js'), ...args, '--help'], { encoding: 'utf8' });
  const commands = [...help().matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
  expect(commands).toEqual(expect.arrayContaining(['train', 'eval', 'predict', 'export-onnx', 'export-pytorch', 'bench']));
  const missing: string[] = [];
  for (const command of commands) {
    if (!doc.includes(`\`${command}`) && !doc.includes(`## ${command}`)) missing.push(command);
    for (const [option] of help(command).matchAll(/--[a-z][a-z-]*/g)) {
      if (option !== '--help' && !doc.includes(option)) missing.push(`${command} ${option}`);
    }
  }
  expect(missing, 'in --help but not in docs/cli.md').toEqual([]);
});

test('the runnable examples of docs/training.md run as they stand', () => {
  const doc = read('docs/training.md');
  const blocks = [...doc.matchAll(/<!-- runnable -->\n```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThanOrEqual(5); // classification, binary, multi-label, regression, step()
  const dist = pathToFileURL(join(repo, 'dist/index.js')).href;
  for (const block of blocks) {
    const source = block.replace(/from 'scratchnet'/g, `from '${dist}'`);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.length, block.slice(0, 200)).toBeGreaterThan(0);
  }
}, 60_000);
