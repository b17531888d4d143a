// `scratchnet export-pytorch`: a saved model as a Python module for PyTorch (build_model loads the
// model file itself), for training where one machine is not enough.
import { Command } from 'commander';
import { init } from '../backend/runtime.js';
import { writeFileAtomic } from '../formats/atomic-file.js';
import { exportPytorch } from '../io/pytorch.js';
import { loadModelFile } from './model-file.js';
import { ValueError } from '../errors.js';

export function exportPytorchCommand(): Command {
  return new Command('export-pytorch')
    .description('write a model file\'s network as a PyTorch module (Python, needs only torch)')
    .argument('<file>', 'a model file written by `scratchnet train` or saveModel')
    .argument('<out>', 'the .py file to write; its build_model(path) loads <file> (or a file like it)')
    .action(async (file: string, out: string) => {
      if (!/\.py$/.test(out)) throw new ValueError(`export-pytorch: the output must be a .py file, got ${out}`);
      await init();
      const { model, network } = await loadModelFile(file);
      await writeFileAtomic('export-pytorch', 'exportPytorch', out, new TextEncoder().encode(exportPytorch(network)));
      console.log(`wrote ${out} (${model}); in Python: build_model(${JSON.stringify(file)})`);
    });
}
