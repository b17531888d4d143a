// `scratchnet export-onnx`: a saved model as an ONNX file, for onnxruntime, Netron and the rest.
import { Command } from 'commander';
import { init } from '../backend/runtime.js';
import { saveOnnx } from '../io/onnx.js';
import { loadModelFile } from './model-file.js';

export function exportOnnxCommand(): Command {
  return new Command('export-onnx')
    .description('write a model file as an ONNX model')
    .argument('<file>', 'a model file written by `scratchnet train`')
    .argument('<out>', 'the .onnx file to write')
    .action(async (file: string, out: string) => {
      await init();
      const { model, network } = await loadModelFile(file);
      await saveOnnx(network, out);
      console.log(`wrote ${out} (${model})`);
    });
}
