// Page 10's worker: training speed in images per second, of the book's two MNIST networks, on the
// wasm kernels with one or two threads and on their pure-JS twins. The inputs are random (speed
// does not depend on what the pixels show), so the page needs no data.
import {
  createRng, init, MiniBatches, randn, setBackend, setThreads, SGD, SimpleConvNet, tensor, threadCount, TwoLayerNet, usesFma,
  type Network,
} from 'scratchnet';
import { nextTask, Runs, serve } from './worker-base.js';

export type Model = 'TwoLayerNet' | 'SimpleConvNet';
export interface Config { model: Model; backend: 'wasm' | 'js'; threads: number }
export type ToWorker = { type: 'info' } | { type: 'measure'; run: number; configs: Config[]; seconds: number } | { type: 'stop' };
export type FromWorker =
  | { type: 'info'; isolated: boolean; threads: number; fma: boolean; cores: number }
  | { type: 'measured'; run: number; config: Config; imagesPerSecond: number; iterations: number }
  | { type: 'finished'; run: number };

const BATCH = 100, SAMPLES = 1000;
const runs = new Runs();
const maxThreads = crossOriginIsolated ? 2 : 1;

const network = (model: Model): Network => model === 'TwoLayerNet'
  ? new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 0 })
  : new SimpleConvNet({ seed: 0 });

const post = serve<ToWorker, FromWorker>((m) => {
  if (m.type === 'stop') return runs.stop();
  if (m.type === 'info') {
    post({ type: 'info', isolated: crossOriginIsolated, threads: maxThreads, fma: usesFma(), cores: navigator.hardwareConcurrency });
    return;
  }
  runs.start(async (live) => {
    for (const config of m.configs) {
      // browsers load the JS kernels on demand: init() once before the first switch to them
      if (config.backend === 'js') await init({ backend: 'js' });
      setBackend(config.backend);
      setThreads(Math.min(config.threads, maxThreads));
      const net = network(config.model);
      const optimizer = new SGD({ lr: 0.01 });
      const rng = createRng(0);
      const x = randn([SAMPLES, ...(config.model === 'TwoLayerNet' ? [784] : [1, 28, 28])], rng);
      const t = tensor(Float32Array.from({ length: SAMPLES }, () => rng.int(10)), [SAMPLES]);
      const batches = new MiniBatches(x, t, BATCH, rng);
      try {
        const step = (): void => {
          const [xb, tb] = batches.sample();
          optimizer.update(net.params, net.gradient(xb, tb));
        };
        step(); // the first step sizes every buffer
        let iterations = 0, busy = 0;
        // timed in slices, the page's messages read in between; only the training counts
        while (busy < m.seconds * 1000) {
          const start = performance.now();
          do {
            step();
            iterations++;
          } while (performance.now() - start < 100);
          busy += performance.now() - start;
          await nextTask();
          if (!live()) return;
        }
        post({ type: 'measured', run: m.run, config: { ...config, threads: threadCount() }, imagesPerSecond: (iterations * BATCH) / (busy / 1000), iterations });
      } finally {
        for (const d of [batches, optimizer, net, x, t]) d.dispose();
        setBackend('wasm');
      }
    }
    post({ type: 'finished', run: m.run });
  });
});
