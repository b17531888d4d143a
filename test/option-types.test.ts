// Named options are typed as the unions of the names that exist, so a typo fails `tsc --strict`
// in the caller's code: test/fixtures/option-types/typos.ts marks each typo @ts-expect-error,
// and tsc reports any marked line that compiles (an unused directive) as well as any other error.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

test('option typos fail tsc --strict; the right names compile', async () => {
  const args = [tsc, '--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
    '--lib', 'ES2022,DOM', '--skipLibCheck', '--types', 'node', 'test/fixtures/option-types/typos.ts'];
  const output = await promisify(execFile)(process.execPath, args, { cwd: repo, encoding: 'utf8' })
    .then(({ stdout }) => stdout, (e: { stdout?: string; message: string }) => e.stdout || e.message);
  expect(output.trim()).toBe('');
}, 120_000);
