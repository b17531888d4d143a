// Page 3's worker: the six optimizers of chapter 6 stepping on a 2-D surface (the book's bowl, or
// a saddle), each point sent to the page as it is reached.
import { createOptimizer, tensor, type OptimizerName } from 'scratchnet';
import { Runs, serve, sleep } from './worker-base.js';

export type Surface = 'bowl' | 'round' | 'saddle';
/** How the lr changes over the steps: constant, halved every 10 steps, or a cosine from lr to 0. */
export type Schedule = 'constant' | 'step' | 'cosine';
/** The hyper-parameters besides lr: Momentum's and Nesterov's β, Adam's β₁ and β₂, RMSprop's decay. */
export interface Hyper { momentum: number; beta1: number; beta2: number; decayRate: number }
export type ToWorker = { type: 'run'; run: number; surface: Surface; start: [number, number]; lrs: Record<OptimizerName, number>; hyper: Hyper; schedule: Schedule; steps: number; delayMs: number };
export type FromWorker =
  /** Each optimizer's point after `step` updates (step 0: the start). */
  | { type: 'step'; run: number; step: number; points: Record<string, [number, number]> }
  | { type: 'done'; run: number; steps: number };

/** The surfaces: f, its gradient, and its lowest value (the chart shows f − min). */
export const SURFACES: Record<Surface, { f: (x: number, y: number) => number; grad: (x: number, y: number) => [number, number]; min: number }> = {
  bowl: { f: (x, y) => (x * x) / 20 + y * y, grad: (x, y) => [x / 10, 2 * y], min: 0 },
  // the bowl as after standardizing its inputs: the same curvature along x and y, so the
  // gradient points at the minimum and no step zig-zags
  round: { f: (x, y) => (x * x + y * y) / 20, grad: (x, y) => [x / 10, y / 10], min: 0 },
  // a saddle at (0, 0) between two valleys at y = ±√8, where f = −2
  saddle: { f: (x, y) => (x * x) / 20 - (y * y) / 2 + y ** 4 / 32, grad: (x, y) => [x / 10, -y + y ** 3 / 8], min: -2 },
};

/** The lr's factor before step `step` (1-based) of `steps`. */
export function scheduleFactor(schedule: Schedule, step: number, steps: number): number {
  if (schedule === 'step') return 0.5 ** Math.floor((step - 1) / 10);
  if (schedule === 'cosine') return 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / steps));
  return 1;
}

const runs = new Runs();

const post = serve<ToWorker, FromWorker>((m) => runs.start(async (live) => {
  const names = Object.keys(m.lrs) as OptimizerName[];
  const { grad } = SURFACES[m.surface];
  const options = (name: OptimizerName): Record<string, number> => ({
    lr: m.lrs[name],
    ...(name === 'Momentum' || name === 'Nesterov' ? { momentum: m.hyper.momentum } : {}),
    ...(name === 'Adam' ? { beta1: m.hyper.beta1, beta2: m.hyper.beta2 } : {}),
    ...(name === 'RMSprop' ? { decayRate: m.hyper.decayRate } : {}),
  });
  const state = names.map((name) => ({
    name,
    optimizer: createOptimizer(name, options(name)),
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
      for (const { name, optimizer, params, grads } of state) {
        optimizer.lr = m.lrs[name] * scheduleFactor(m.schedule, step, m.steps); // the optimizers' lr may change between steps
        [grads.x.data[0], grads.y.data[0]] = grad(params.x.data[0], params.y.data[0]);
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
