// Shared by the benchmark suites: runs tinybench tasks, prints a markdown table, and writes the
// results with the machine they ran on to bench/results/<suite>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Bench } from 'tinybench';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  date: string;
}

export function machine(): Machine {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, date: new Date().toISOString() };
}

/** Median milliseconds of each task, by name. Tasks run one after another in this process. */
export async function medians(tasks: Record<string, () => void>, timeMs = 400): Promise<Record<string, number>> {
  const bench = new Bench({ time: timeMs, warmupTime: 100 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, number> = {};
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`bench: task ${task.name} did not complete (${r.state})`);
    out[task.name] = r.latency.p50;
  }
  return out;
}

export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function save(suite: string, data: object): string {
  const dir = new URL('../../bench/results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${suite}.json`, dir);
  writeFileSync(file, JSON.stringify({ machine: machine(), ...data }, null, 2) + '\n');
  return file.pathname;
}
