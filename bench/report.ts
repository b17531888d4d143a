// Shared by the benchmark suites: the command line (--quick, --out DIR), medians by tinybench,
// markdown tables, and the report every suite ends with: the table printed under a title naming
// the machine, written to <out>/<suite>.md, and the raw numbers to <out>/<suite>.json
// (out = bench/results/<machine kind>/ unless --out says otherwise: each kind of CPU keeps its
// own latest run, since kernels tuned on one kind run differently on another).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

/** --quick: short time budgets and few iterations (a smoke run, e.g. in CI); numbers are rough. */
export const quick = process.argv.includes('--quick');

/** Where results go: --out DIR (relative to the working directory) or bench/results/<machineKind()>. */
export function resultsDir(): string {
  const i = process.argv.indexOf('--out');
  if (i >= 0) {
    const dir = process.argv[i + 1];
    if (!dir || dir.startsWith('--')) throw new Error('bench: --out needs a directory');
    return resolve(dir);
  }
  // out/bench/report.js → bench/results/<kind>
  return fileURLToPath(new URL(`../../bench/results/${machineKind()}/`, import.meta.url));
}

/** The CPU as a folder name: "amd-epyc-family-25-model-17". */
export function machineKind(m: Machine = machine()): string {
  return m.cpu.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  date: string;
}

export function machine(): Machine {
  return { cpu: (cpus()[0]?.model.trim() ?? 'unknown') + cpuGeneration(), cores: cpus().length, node: process.version, date: new Date().toISOString() };
}

// " (family 25, model 17)" from Linux's /proc/cpuinfo: virtual machines often name the CPU only by
// its brand ("AMD EPYC"), which covers generations whose kernels tune differently.
function cpuGeneration(): string {
  if (!existsSync('/proc/cpuinfo')) return '';
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const family = /^cpu family\s*:\s*(\d+)/m.exec(info)?.[1], model = /^model\s*:\s*(\d+)/m.exec(info)?.[1];
  return family && model ? ` (family ${family}, model ${model})` : '';
}

/** "CPU, N cores, Node vX" for a table's title. */
export function machineLine(m: Machine = machine()): string {
  return `${m.cpu}, ${m.cores} cores, Node ${m.node}`;
}

export interface MedianOptions {
  /** Time budget per task, ms (default 400; 60 with --quick). */
  time?: number;
  /** Fewest timed calls of a slow task, whose budget would allow fewer (default 5; 3 with --quick). */
  minIterations?: number;
}

/**
 * Median milliseconds of each task, by name; tasks run one after another in this process. One
 * untimed call first sizes the run: a fast task gets tinybench's usual ≥ 64 timed calls after a
 * 16-call warm-up, a slow one (a pure-JS or TensorFlow.js cpu training step) one warm-up call (none
 * past the whole budget: the sizing call was it) and as many timed calls as fit the budget, but at
 * least `minIterations`.
 */
export async function medians(tasks: Record<string, () => unknown>, options: MedianOptions | number = {}): Promise<Record<string, number>> {
  const opts = typeof options === 'number' ? { time: options } : options;
  const time = quick ? Math.min(opts.time ?? 60, 60) : opts.time ?? 400;
  const minIterations = opts.minIterations ?? (quick ? 3 : 5);
  const out: Record<string, number> = {};
  for (const [name, fn] of Object.entries(tasks)) {
    const t0 = performance.now();
    fn();
    const once = Math.max(performance.now() - t0, 1e-3);
    const slow = once * 64 > time;
    const bench = new Bench({
      time,
      iterations: slow ? Math.max(minIterations, Math.min(64, Math.ceil(time / once))) : 64,
      // a task slower than the whole budget was warmed up by the sizing call
      warmup: once < time,
      warmupTime: quick ? 20 : 100,
      warmupIterations: slow ? 1 : 16,
      throws: true,
    });
    bench.add(name, fn);
    await bench.run();
    const r = bench.tasks[0]!.result;
    if (r.state !== 'completed') throw new Error(`bench: task ${name} did not complete (${r.state})`);
    out[name] = r.latency.p50;
  }
  return out;
}

/** The median of one task, in ms. */
export async function median(fn: () => unknown, options: MedianOptions | number = {}): Promise<number> {
  return (await medians({ task: fn }, options)).task!;
}

export type Cell = string | number;

export function markdownTable(header: string[], rows: Cell[][]): string {
  const line = (cells: Cell[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** ms: one decimal from 100 ms up, three down to 0.01 ms, four below. */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  return ms >= 100 ? ms.toFixed(1) : ms >= 0.01 ? ms.toFixed(3) : ms.toFixed(4);
}

/** How many times faster `fast` is than `slow` ("12.3×"). */
export function speedup(slow: number | undefined, fast: number | undefined): string {
  if (slow === undefined || fast === undefined) return 'n/a';
  const r = slow / fast;
  return (r >= 10 ? r.toFixed(1) : r.toFixed(2)) + '×';
}

/** GB/s for `bytes` moved in `ms`, or '–'. */
export function gbps(bytes: number, ms: number | undefined): string {
  return bytes && ms ? (bytes / ms / 1e6).toFixed(1) : '–';
}

/** GFLOP/s for `flops` in `ms`, or '–'. */
export function gflops(flops: number, ms: number | undefined): string {
  return flops && ms ? (flops / ms / 1e6).toFixed(1) : '–';
}

export interface Report {
  /** What the table shows; the machine is appended. */
  title: string;
  header: string[];
  rows: Cell[][];
  /** Lines printed under the table (footnotes). */
  notes?: string[];
  /** Raw numbers for the JSON file. */
  data: object;
}

/**
 * Prints the table under its title and the machine, and writes the same markdown to
 * <out>/<suite>.md and { machine, quick, ...data } to <out>/<suite>.json.
 */
export function publish(suite: string, report: Report): void {
  const m = machine();
  const title = `${report.title} — ${machineLine(m)}${quick ? ' (--quick run: short timings, rough numbers)' : ''}`;
  const markdown = [title, '', markdownTable(report.header, report.rows), ...(report.notes?.length ? ['', ...report.notes] : [])].join('\n') + '\n';
  console.log(markdown);
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const json = resolve(dir, `${suite}.json`);
  writeFileSync(json, JSON.stringify({ machine: m, quick, ...report.data }, null, 2) + '\n');
  writeFileSync(resolve(dir, `${suite}.md`), markdown);
  console.log(`wrote ${json} and ${suite}.md\n`);
}
