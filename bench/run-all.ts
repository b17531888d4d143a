// Runs benchmark suites one after another, each in its own Node process (each sets up its own
// runtime; the threads suite starts kernel threads), passing this command's arguments on
// (--quick, --out DIR). Default: every suite but peers. `--only a,b` picks suites, `--peers` adds
// peers. Exits non-zero if a suite crashes; timings never fail it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ALL = ['gemm', 'train-step', 'conv', 'winograd', 'kernels', 'threads', 'peers'];
const DEFAULT = ALL.filter((s) => s !== 'peers');

const args = process.argv.slice(2);
const pass: string[] = [];
let suites = DEFAULT;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--only') {
    suites = (args[++i] ?? '').split(',').filter(Boolean);
    const unknown = suites.filter((s) => !ALL.includes(s));
    if (unknown.length || !suites.length) {
      console.error(`run-all: --only takes suites from ${ALL.join(', ')}; got ${JSON.stringify(args[i] ?? '')}`);
      process.exit(2);
    }
  } else if (a === '--peers') {
    suites = [...suites.filter((s) => s !== 'peers'), 'peers'];
  } else {
    pass.push(a);
  }
}

const failed: string[] = [];
const started = performance.now();
for (const suite of suites) {
  const script = fileURLToPath(new URL(`./${suite}.bench.js`, import.meta.url));
  console.log(`\n## ${suite}\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, ...pass], { stdio: 'inherit' });
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed.push(suite);
    console.error(`run-all: ${suite} failed (${r.error?.message ?? (r.signal ? `signal ${r.signal}` : `exit ${String(r.status)}`)}) after ${seconds} s`);
  } else {
    console.log(`(${suite}: ${seconds} s)`);
  }
}
const total = ((performance.now() - started) / 1000).toFixed(1);
if (failed.length) {
  console.error(`\nrun-all: ${failed.length} of ${suites.length} suites failed: ${failed.join(', ')} (${total} s)`);
  process.exit(1);
}
console.log(`\nrun-all: ${suites.length} suites ran (${total} s)`);
