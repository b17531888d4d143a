// One TwoLayerNet training iteration (784-50-10, batch 100: forward, backward, SGD update) on the
// wasm backend and on the pure-JS backend, side by side in one process, one thread. Writes
// bench/results/train-step.{json,md}.
import { init, setBackend } from 'scratchnet';
import { twoLayerNetStep } from './fixtures.js';
import { fmtMs, medians, publish, speedup } from './report.js';

await init({ threads: 1 }); // one thread: the wasm kernels against the single-threaded JS twin
const step = twoLayerNetStep();
const on = (backend: 'wasm' | 'js') => () => {
  setBackend(backend);
  step();
};
const ms = await medians({ wasm: on('wasm'), js: on('js') }, 1000);
setBackend('wasm');
publish('train-step', {
  title: 'TwoLayerNet training iteration (784-50-10, batch 100, SGD), one thread',
  header: ['backend', 'median ms / iteration', 'speed-up'],
  rows: [
    ['wasm SIMD', fmtMs(ms.wasm), speedup(ms.js, ms.wasm)],
    ['pure JS', fmtMs(ms.js), '1.0×'],
  ],
  data: { wasmMs: ms.wasm, jsMs: ms.js },
});
