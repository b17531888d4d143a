#!/usr/bin/env node
// `scratchnet <command>`: train the book's networks on MNIST, evaluate them, read digits from
// images, export to ONNX or PyTorch, benchmark. Any error ends the process with one line on stderr and exit
// code 1: commander reports bad command lines itself, and the library's errors are written
// without their stack trace (they name what was wrong; a trace only helps a developer).
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { benchCommand } from './bench.js';
import { evalCommand } from './eval.js';
import { exportOnnxCommand } from './export-onnx.js';
import { exportPytorchCommand } from './export-pytorch.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('scratchnet')
  .description('Deep learning from scratch: the networks of "Deep Learning from Scratch" (ch. 5-8) on MNIST, in WebAssembly SIMD')
  .version(version)
  .addCommand(trainCommand())
  .addCommand(evalCommand())
  .addCommand(predictCommand())
  .addCommand(exportOnnxCommand())
  .addCommand(exportPytorchCommand())
  .addCommand(benchCommand());

try {
  await program.parseAsync();
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
