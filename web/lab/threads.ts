// The kernels for a lab worker: two threads only where the page is cross-origin isolated and two
// measure faster than one on this device (on a loaded 2-core machine they can be slower), else one.
import { init, layers, Sequential, setThreads, tensor, threadCount } from 'scratchnet';

const ROUNDS = 4;

// Milliseconds for a forward and backward pass of a 784-100-10 network on 256 images (a batch of
// the size the pages train), the best of ROUNDS.
function timePass(net: Sequential, x: ReturnType<typeof tensor>, t: ReturnType<typeof tensor>): number {
  let best = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    net.gradient(x, t);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Starts the kernels; returns the threads they use. */
export async function initThreads(): Promise<number> {
  await init({ threads: crossOriginIsolated ? 2 : 1 });
  if (threadCount() < 2) return threadCount();
  const net = new Sequential({ inputShape: [784], layers: [layers.dense({ units: 100 }), layers.relu(), layers.dense({ units: 10 })], loss: 'softmax-cross-entropy', seed: 0 });
  const x = tensor(new Float32Array(256 * 784).map((_, i) => (i % 7) / 7), [256, 784]);
  const t = tensor(new Float32Array(256).map((_, i) => i % 10), [256]);
  try {
    timePass(net, x, t); // warm-up: workspaces grown, code compiled
    setThreads(1);
    const one = timePass(net, x, t);
    setThreads(2);
    const two = timePass(net, x, t);
    if (two >= one) setThreads(1);
  } finally {
    for (const a of [x, t]) a.dispose();
    net.dispose();
  }
  return threadCount();
}
