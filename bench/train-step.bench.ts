// One TwoLayerNet training iteration (784-50-10, batch 100: forward, backward, SGD update) on the
// wasm backend and on the pure-JS backend, side by side in one process. Writes
// bench/results/train-step.json.
import { createRng, init, MiniBatches, setBackend, SGD, tensor, TwoLayerNet } from 'scratchnet';
import { machine, markdownTable, medians, save } from './report.js';

await init();
const quick = process.argv.includes('--quick');
const rng = createRng(0);
// random MNIST-like data: the step's cost does not depend on the pixel values
const n = 1000;
const x = tensor(Float32Array.from({ length: n * 784 }, () => (rng.uniform() < 0.8 ? 0 : rng.uniform())), [n, 784]);
const t = tensor(Float32Array.from({ length: n * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0)), [n, 10]);
const network = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 1 });
const optimizer = new SGD({ lr: 0.1 });
const batches = new MiniBatches(x, t, 100, createRng(2));

const step = (backend: 'wasm' | 'js') => () => {
  setBackend(backend);
  const [xb, tb] = batches.sample();
  optimizer.update(network.params, network.gradient(xb, tb));
};
const ms = await medians({ wasm: step('wasm'), js: step('js') }, quick ? 200 : 1000);
setBackend('wasm');
const m = machine();
console.log(`TwoLayerNet training iteration (784-50-10, batch 100), one thread — ${m.cpu}, Node ${m.node}\n`);
console.log(markdownTable(['backend', 'median ms / iteration', 'speed-up'], [
  ['wasm SIMD', ms.wasm.toFixed(3), (ms.js / ms.wasm).toFixed(1) + '×'],
  ['pure JS', ms.js.toFixed(3), '1.0×'],
]));
console.log(`\nwrote ${save('train-step', { wasmMs: ms.wasm, jsMs: ms.js })}`);
