// Running the example scripts as a user runs them: compiled, in a child process, output captured.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Runs out/examples/<name>.js with `args`; returns its stdout (throws with stderr on failure). */
export function runScript(name: string, ...args: string[]): string {
  return execFileSync(process.execPath, [`out/examples/${name}.js`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temporary folder for a test's files. */
export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `scratchnet-${label}-`));
}

/** Runs an experiment in quick mode with its figures going to `outDir`. */
export function runExperiment(outDir: string, name: string, ...args: string[]): string {
  return runScript(name, '--quick', '--out', outDir, ...args);
}

export function isPng(file: string): boolean {
  return existsSync(file) && readFileSync(file).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

/** Checks that `<name>.svg` and `<name>.png` were written and look like what they claim to be. */
export function expectFigure(outDir: string, name: string): void {
  const svg = join(outDir, `${name}.svg`), png = join(outDir, `${name}.png`);
  expect(existsSync(svg), svg).toBe(true);
  expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s>]/);
  expect(isPng(png), png).toBe(true);
}
