// Page 3's worker: the six optimizers of chapter 6 stepping on f(x, y) = x²/20 + y², each point
// sent to the page as it is reached.
import { createOptimizer, tensor, type OptimizerName } from 'scratchnet';
import { Runs, serve, sleep } from './worker-base.js';

export type ToWorker = { type: 'run'; run: number; start: [number, number]; lrs: Record<OptimizerName, number>; steps: number; delayMs: number };
export type FromWorker =
  /** Each optimizer's point after `step` updates (step 0: the start). */
  | { type: 'step'; run: number; step: number; points: Record<string, [number, number]> }
  | { type: 'done'; run: number; steps: number };

const runs = new Runs();

const post = serve<ToWorker, FromWorker>((m) => runs.start(async (live) => {
  const names = Object.keys(m.lrs) as OptimizerName[];
  const state = names.map((name) => ({
    name,
    optimizer: createOptimizer(name, { lr: m.lrs[name] }),
    params: { x: tensor([m.start[0]]), y: tensor([m.start[1]]) },
    grads: { x: tensor([0]), y: tensor([0]) },
  }));
  const points = (): Record<string, [number, number]> =>
    Object.fromEntries(state.map((s) => [s.name, [s.params.x.data[0], s.params.y.data[0]]]));
  try {
    post({ type: 'step', run: m.run, step: 0, points: points() });
    for (let step = 1; step <= m.steps; step++) {
      if (m.delayMs) await sleep(m.delayMs);
      if (!live()) return;
      for (const { optimizer, params, grads } of state) {
        grads.x.data[0] = params.x.data[0] / 10; // ∂f/∂x
        grads.y.data[0] = 2 * params.y.data[0]; // ∂f/∂y
        optimizer.update(params, grads);
      }
      post({ type: 'step', run: m.run, step, points: points() });
    }
    post({ type: 'done', run: m.run, steps: m.steps });
  } finally {
    for (const s of state) {
      for (const t of [s.params.x, s.params.y, s.grads.x, s.grads.y]) t.dispose();
      s.optimizer.dispose();
    }
  }
}));
