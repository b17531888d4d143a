// The GEMM's candidate micro-kernels (assembly/gemm.ts, GEMM_KERNELS): each gives the same bits as
// the others on random shapes around their tiles and cache blocks (on the FMA and the unfused
// build), and is within the float32 summation bound of a float64 product computed here; the
// convolution's fused bias too. Then init({ gemmKernel }) and $SCRATCHNET_GEMM_KERNEL: validated,
// reported by kernelInfo(), run on both threads with the same bits as on one.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { gemm, init, kernelInfo, randn, setThreads, zeros } from '../src/index.js';
import { GEMM_KERNELS, type GemmKernelName } from '../src/backend/kernels.js';
import { relaxedSimdAvailable } from '../src/backend/relaxed-simd.js';
import { createRng } from '../src/rng.js';
import { convGeometry, GEOMETRY_BYTES, writeGeometry } from '../src/backend/conv-geometry.js';

interface Module {
  f32_gemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number, a: number, lda: number,
           b: number, ldb: number, beta: number, c: number, ldc: number, work: number): void;
  f32_gemm_workspace_bytes(M: number, N: number, K: number): number;
  f32_conv_fwd(x: number, w: number, b: number, out: number, scratch: number, N: number, geometry: number): void;
  gemm_set_kernel(fewRows: number, manyRows: number): number;
  memory: WebAssembly.Memory;
}

const BASE = 1 << 16; // above the module's static data
const NAMES = Object.keys(GEMM_KERNELS) as GemmKernelName[];

// a build of the kernels in a memory of its own (the library's runtime holds one build only)
async function load(file: string): Promise<Module> {
  const memory = new WebAssembly.Memory({ initial: 256 });
  const bytes = readFileSync(new URL(`../build/${file}`, import.meta.url));
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory, abort: () => { throw new Error('abort'); } } });
  return { ...(instance.exports as unknown as Module), memory };
}

const builds: [string, () => Promise<Module>][] = [
  ['unfused', () => load('scratchnet.wasm')],
  ['FMA', async () => {
    // Node 20 has relaxed SIMD behind a flag that this turns on (as init() does)
    expect(await relaxedSimdAvailable()).toBe(true);
    return load('scratchnet-relaxed.wasm');
  }],
];

const rng = createRng(2024);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
// around both tiles (4 × 8, 2 × 16), A packing (N >= 64), B in place (M <= 64), MC = 128, KC = 256
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 129];
const KS = [1, 3, 5, 16, 17, 63, 64, 257, 300];

interface Case { M: number; N: number; K: number; transA: boolean; transB: boolean; alpha: number; beta: number; pad: number; misalign: number }

function randomCase(): Case {
  return {
    M: pick(SIZES), N: pick([...SIZES, 200, 260]), K: pick(KS), transA: rng.uniform() < 0.5, transB: rng.uniform() < 0.5,
    alpha: pick([1, 1, -0.5, 2]), beta: pick([0, 0, 1, 0.25]), pad: pick([0, 0, 1, 4]), misalign: pick([0, 4, 8, 12]),
  };
}

// Runs case `c` with every choice of candidates; returns each one's C (with its padding) and the inputs.
function runAll(m: Module, { M, N, K, transA, transB, alpha, beta, pad, misalign }: Case) {
  const [aRows, aCols] = transA ? [K, M] : [M, K];
  const [bRows, bCols] = transB ? [N, K] : [K, N];
  const lda = aCols + pad, ldb = bCols + pad, ldc = N + pad;
  const av = Float32Array.from({ length: aRows * lda }, () => rng.uniform() * 2 - 1);
  const bv = Float32Array.from({ length: bRows * ldb }, () => rng.uniform() * 2 - 1);
  const cv = Float32Array.from({ length: M * ldc }, () => (beta === 0 ? NaN : rng.uniform() * 2 - 1));
  const a = BASE + misalign, b = a + 4 * av.length + 64 + misalign, c = b + 4 * bv.length + 64, work = c + 4 * cv.length + 64;
  expect(work + m.f32_gemm_workspace_bytes(M, N, K)).toBeLessThan(m.memory.buffer.byteLength);
  const heap = new Float32Array(m.memory.buffer);
  heap.set(av, a / 4);
  heap.set(bv, b / 4);
  // each candidate for both kinds, then the two crossed (one per kind)
  const choices = [...NAMES.map((n) => [n, n]), [NAMES[0], NAMES[1]], [NAMES[1], NAMES[0]]];
  const out = choices.map(([few, many]) => {
    expect(m.gemm_set_kernel(GEMM_KERNELS[few].id, GEMM_KERNELS[many].id)).toBe(1);
    heap.set(cv, c / 4);
    m.f32_gemm(+transA, +transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work);
    return heap.slice(c / 4, c / 4 + cv.length);
  });
  return { out, av, bv, cv, lda, ldb, ldc };
}

describe.each(builds)('%s build', (_, loadBuild) => {
  test('every candidate gives the same bits, within the float32 bound of a float64 product', async () => {
    const m = await loadBuild();
    for (let t = 0; t < 300; t++) {
      const cs = randomCase();
      const { out, av, bv, cv, lda, ldb, ldc } = runAll(m, cs);
      const { M, N, K, transA, transB, alpha, beta } = cs;
      const label = JSON.stringify(cs);
      for (let i = 1; i < out.length; i++) {
        expect(new Uint32Array(out[i].buffer), `choice ${i} against ${NAMES[0]}: ${label}`).toEqual(new Uint32Array(out[0].buffer));
      }
      const A = (i: number, p: number) => (transA ? av[p * lda + i] : av[i * lda + p]);
      const B = (p: number, j: number) => (transB ? bv[j * ldb + p] : bv[p * ldb + j]);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < ldc; j++) {
          const got = out[0][i * ldc + j];
          if (j >= N) { // padding: never written
            expect(Object.is(got, cv[i * ldc + j]), `padding ${label}`).toBe(true);
            continue;
          }
          let sum = 0, mag = 0;
          for (let p = 0; p < K; p++) {
            sum += A(i, p) * B(p, j);
            mag += Math.abs(A(i, p) * B(p, j));
          }
          const c0 = beta === 0 ? 0 : cv[i * ldc + j];
          // float32 summation error bound: (K + 4)·u·(|alpha|·Σ|a·b| + |beta·c|), u = 2^-23
          const tol = (K + 4) * 1.2e-7 * (Math.abs(alpha) * mag + Math.abs(beta * c0));
          if (!(Math.abs(got - (alpha * sum + beta * c0)) <= tol)) throw new Error(`C[${i}, ${j}] = ${got}, expected ${alpha * sum + beta * c0} ± ${tol}: ${label}`);
        }
      }
    }
  });

  test("the convolution's product with its bias added at the store: the same bits with every candidate", async () => {
    const m = await loadBuild();
    // (N, C, H, W, FN, pad): last tiles of 1, 2 and 3 filters, outputs of 784 and 36 pixels
    for (const [N, C, H, W, FN, pad] of [[2, 1, 28, 28, 30, 0], [1, 3, 8, 8, 17, 1], [1, 16, 6, 6, 5, 1], [1, 2, 5, 7, 64, 0]]) {
      const K = C * 9, P = (H + 2 * pad - 2) * (W + 2 * pad - 2);
      const x = BASE, w = x + 4 * N * C * H * W, b = w + 4 * FN * K, out = b + 4 * FN, scratch = out + 4 * N * FN * P;
      const heap = new Float32Array(m.memory.buffer);
      for (let i = x / 4; i < out / 4; i++) heap[i] = rng.uniform() * 2 - 1;
      const geometry = BASE - GEOMETRY_BYTES;
      writeGeometry(m.memory.buffer, geometry, convGeometry(C, H, W, FN, 3, 3, 1, pad, 0));
      const results = NAMES.map((name) => {
        m.gemm_set_kernel(GEMM_KERNELS[name].id, GEMM_KERNELS[name].id);
        m.f32_conv_fwd(x, w, b, out, scratch, N, geometry);
        return new Uint32Array(heap.slice(out / 4, out / 4 + N * FN * P).buffer);
      });
      for (let i = 1; i < results.length; i++) expect(results[i], `${NAMES[i]}: ${[N, C, H, W, FN, pad]}`).toEqual(results[0]);
    }
  });

  test('gemm_set_kernel refuses an unknown id', async () => {
    const m = await loadBuild();
    expect(m.gemm_set_kernel(NAMES.length, 0)).toBe(0);
    expect(m.gemm_set_kernel(0, -1)).toBe(0);
  });
});

// a fresh process each: the micro-kernel is fixed by the first init()
const run = (initCall: string, env: Record<string, string> = {}) => spawnSync(process.execPath, ['--input-type=module', '-e',
  `const m = await import('./dist/index.js'); await m.init(${initCall}); const i = m.kernelInfo(); ` +
  'const { fewRows: f, manyRows: g } = i.gemmKernels; console.log(f.name, f.rows, f.columns, g.name, g.rows, g.columns, i.gemmKernelTimed);'],
{ encoding: 'utf8', env: { ...process.env, SCRATCHNET_GEMM_KERNEL: '', ...env } });

test('SCRATCHNET_GEMM_KERNEL names the micro-kernel; the option overrides it; anything else is an error', () => {
  expect(run('', { SCRATCHNET_GEMM_KERNEL: '2x16' }).stdout.trim()).toBe('2x16 2 16 2x16 2 16 false');
  expect(run("{ gemmKernel: '4x8', threads: 2 }", { SCRATCHNET_GEMM_KERNEL: '2x16' }).stdout.trim()).toBe('4x8 4 8 4x8 4 8 false');
  const timed = run('').stdout.trim().split(' ');
  expect(NAMES).toContain(timed[0]);
  expect(NAMES).toContain(timed[3]);
  const bad = run('', { SCRATCHNET_GEMM_KERNEL: '8x8' });
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toMatch(/init: SCRATCHNET_GEMM_KERNEL must be one of '4x8', '2x16', got "8x8"/);
});

describe('init({ gemmKernel })', () => {
  test('pins the micro-kernel, kernelInfo reports it, and later calls may not change it', async () => {
    await expect(init({ gemmKernel: '3x8' as GemmKernelName })).rejects.toThrow(/init: gemmKernel must be one of '4x8', '2x16', got "3x8"/);
    await init({ gemmKernel: '2x16', threads: 2 });
    const tile = { name: '2x16', rows: 2, columns: 16 };
    expect(kernelInfo()).toMatchObject({ gemmKernels: { fewRows: tile, manyRows: tile }, gemmKernelTimed: false, threads: 2 });
    await init({ gemmKernel: '2x16' });
    await expect(init({ gemmKernel: '4x8' })).rejects.toThrow(/init: gemmKernel is fixed by the first init\(\) \(2x16\); got '4x8'/);
  });

  test('two threads, each running the pinned micro-kernel, give the same bits as one', () => {
    // split by rows (M ≥ N), then by columns, with ragged edges on both tiles
    for (const [M, K, N] of [[203, 300, 37], [45, 70, 517], [100, 784, 50]]) {
      const a = randn([M, K]), b = randn([K, N]), c = zeros([M, N]);
      setThreads(1);
      const one = new Uint32Array(gemm(a, b, c).toFloat32Array().buffer);
      setThreads(2);
      expect(new Uint32Array(gemm(a, b, c).toFloat32Array().buffer), `${M}×${K}×${N}`).toEqual(one);
      for (const t of [a, b, c]) t.dispose();
    }
  });
});
