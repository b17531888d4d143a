// One training iteration of each network the issue names, batch 100, on the wasm backend and on
// the pure-JS backend, side by side in one process, one thread: TwoLayerNet (784-50-10, SGD) and
// SimpleConvNet (conv 30×5×5 - ReLU - pool - 100 - ReLU - 10, Adam). NOTE: in a process of their
// own, as in training: timed after the conv suite's layer benchmarks, the same SimpleConvNet step
// took 0.6–0.9 ms longer (12.0–12.3 against 11.2–11.6). Writes bench/results/train-step.{json,md}.
import { init, setBackend } from 'scratchnet';
import { simpleConvNetStep, twoLayerNetStep } from './fixtures.js';
import { fmtMs, medians, publish, speedup } from './report.js';

await init({ threads: 1 }); // one thread: the wasm kernels against the single-threaded JS twin
const steps: [string, () => void][] = [
  ['TwoLayerNet (784-50-10, SGD)', twoLayerNetStep()],
  ['SimpleConvNet (batch 100, Adam)', simpleConvNetStep()],
];
const rows: string[][] = [];
const results = [];
for (const [name, step] of steps) {
  const on = (backend: 'wasm' | 'js') => () => {
    setBackend(backend);
    step();
  };
  const ms = await medians({ wasm: on('wasm'), js: on('js') }, 1000);
  rows.push([name, fmtMs(ms.wasm), fmtMs(ms.js), speedup(ms.js, ms.wasm)]);
  results.push({ name, wasmMs: ms.wasm, jsMs: ms.js });
}
setBackend('wasm');
publish('train-step', {
  title: 'Training iterations (batch 100), one thread',
  header: ['network', 'wasm ms / iteration', 'JS ms / iteration', 'wasm/JS'],
  rows,
  notes: ['wasm/JS: how many times faster the wasm SIMD kernels are than their pure-JS twins.'],
  data: { results },
});
