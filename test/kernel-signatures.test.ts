// The kernels' interface stays narrow: a kernel that needs more than a dozen scalars reads them
// from a params block (src/backend/conv-layout.ts), so no export but the BLAS-shaped GEMM takes
// more than 12 parameters. Read from the compiler's bindings, the one source of the signatures.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

test('no kernel export takes more than 12 parameters, except f32_gemm', () => {
  const bindings = readFileSync(new URL('../build/scratchnet.d.ts', import.meta.url), 'utf8');
  const exports = [...bindings.matchAll(/export function (\w+)\(([^)]*)\)/g)].map(([, name, params]) => ({
    name: name!, count: params!.trim() === '' ? 0 : params!.split(',').length,
  }));
  expect(exports.length).toBeGreaterThan(50);
  const wide = exports.filter((e) => e.count > 12 && e.name !== 'f32_gemm').map((e) => `${e.name} (${e.count})`);
  expect(wide).toEqual([]);
});
