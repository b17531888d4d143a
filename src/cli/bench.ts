// `scratchnet bench`: how long one training iteration (forward, backward, optimizer update) of
// each network takes on this machine. Self-contained (the repository's tinybench suites in bench/
// are not part of the installed package): plain performance.now() timings, median reported.
import { cpus } from 'node:os';
import { Command, Option } from 'commander';
import { getBackend, init } from '../backend/runtime.js';
import { createOptimizer } from '../optimizers/registry.js';
import { createRng } from '../rng.js';
import { randn, tensor } from '../tensor.js';
import { MODEL_NAMES, MODELS } from './models.js';
import { integerIn } from './options.js';

const WARMUP = 3; // iterations before timing: V8 tiers up, layers size their buffers
const MIN_RUNS = 5;

export function benchCommand(): Command {
  return new Command('bench')
    .description("time one training iteration of each network (batch of random images, the model's optimizer)")
    .addOption(new Option('-m, --model <name>', 'only this network').choices(MODEL_NAMES))
    .option('--batch <n>', 'mini-batch size', integerIn(1), 100)
    .option('--time <ms>', `time spent on each network (at least ${MIN_RUNS} iterations)`, integerIn(1), 1000)
    .action(async (o: { model?: string; batch: number; time: number }) => {
      await init();
      console.log(`one training iteration, batch ${o.batch}, ${getBackend()} backend, one thread — ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
      for (const name of o.model ? [o.model] : MODEL_NAMES) {
        const { ms, runs } = timeIteration(name, o.batch, o.time);
        console.log(`${name.padEnd(12)} ${MODELS[name].optimizer.padEnd(5)} ${ms.toFixed(3).padStart(9)} ms/iteration ` +
          `${Math.round((o.batch * 1000) / ms).toString().padStart(8)} images/s  (median of ${runs})`);
      }
    });
}

// Median ms of one iteration on random data: the cost does not depend on the pixel values.
function timeIteration(name: string, batch: number, timeMs: number): { ms: number; runs: number } {
  const model = MODELS[name];
  const network = model.create({ ...model.options, seed: 0 });
  const optimizer = createOptimizer(model.optimizer, { lr: model.lr });
  const x = randn([batch, 1, 28, 28], createRng(1));
  const t = tensor(Array.from({ length: batch }, (_, i) => i % 10));
  const step = () => optimizer.update(network.params, network.gradient(x, t));
  try {
    for (let i = 0; i < WARMUP; i++) step();
    const times: number[] = [];
    const end = performance.now() + timeMs;
    while (times.length < MIN_RUNS || performance.now() < end) {
      const start = performance.now();
      step();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { ms: times[times.length >> 1], runs: times.length };
  } finally {
    network.dispose();
    x.dispose();
    t.dispose();
  }
}
