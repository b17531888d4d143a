// The book's optimizer_compare_naive.py (chapter 6.1): 30 updates of each optimizer on
// f(x, y) = x²/20 + y² from (-7, 2), a bowl twenty times steeper in y than in x. SGD zigzags
// across the steep direction and creeps along the shallow one; Momentum rolls like a ball;
// AdaGrad and RMSprop scale each coordinate's step and head straight down; Adam swings like
// Momentum but less. Prints each optimizer's final point and f, with numbers that describe the
// path's shape; draws the paths over contour lines of f.
//   node out/examples/optimizer_compare_naive.js [--out DIR] [--quick] [--seed N]
import { AdaGrad, Adam, init, Momentum, Nesterov, type Optimizer, RMSprop, SGD, tensor } from 'scratchnet';
import { parseExperimentArgs } from './cli.js';
import { saveFigure } from './plot.js';
import { lineChart, panels } from 'scratchnet/plot';

// NOTE: the experiment takes milliseconds and draws nothing at random: --quick and --seed are
// accepted (and --seed checked) so that all the chapter-6 experiments share one command line, and
// change nothing.
const { values } = parseExperimentArgs({});

const f = (x: number, y: number): number => (x * x) / 20 + y * y;
const start = [-7, 2] as const;
const steps = 30;

// The book's four, at its learning rates, then two more. RMSprop (decay 0.99, the book's
// default) at lr 0.1: its first step is lr/√(1 - 0.99) = 1 in both coordinates, the same size
// whatever the gradient, which shows how it equalizes them. Nesterov at Momentum's lr and
// momentum, so the two panels differ only in the look-ahead, which damps the swing.
const optimizers: { name: string; label: string; make: () => Optimizer }[] = [
  { name: 'SGD', label: 'lr 0.95', make: () => new SGD({ lr: 0.95 }) },
  { name: 'Momentum', label: 'lr 0.1, momentum 0.9', make: () => new Momentum({ lr: 0.1 }) },
  { name: 'AdaGrad', label: 'lr 1.5', make: () => new AdaGrad({ lr: 1.5 }) },
  { name: 'Adam', label: 'lr 0.3', make: () => new Adam({ lr: 0.3 }) },
  { name: 'RMSprop', label: 'lr 0.1, decay 0.99', make: () => new RMSprop({ lr: 0.1, decayRate: 0.99 }) },
  { name: 'Nesterov', label: 'lr 0.1, momentum 0.9', make: () => new Nesterov({ lr: 0.1, momentum: 0.9 }) },
];

interface Run {
  name: string;
  label: string;
  path: [number, number][]; // the start and the point after each update
}

await init();
const runs: Run[] = optimizers.map(({ name, label, make }) => {
  const optimizer = make();
  const params = { x: tensor([start[0]]), y: tensor([start[1]]) };
  const grads = { x: tensor([0]), y: tensor([0]) };
  const path: [number, number][] = [[start[0], start[1]]];
  for (let i = 0; i < steps; i++) {
    const x = params.x.data[0], y = params.y.data[0];
    grads.x.data[0] = x / 10; // ∂f/∂x
    grads.y.data[0] = 2 * y; // ∂f/∂y
    optimizer.update(params, grads);
    path.push([params.x.data[0], params.y.data[0]]);
  }
  for (const t of [...Object.values(params), ...Object.values(grads)]) t.dispose();
  optimizer.dispose();
  return { name, label, path };
});

// The numbers: where each one ends, and the path's shape. "y flips" counts the updates that
// cross y = 0 (SGD crosses on every one); "length" is the path's length, against a straight
// line of √(7² + 2²) = 7.28 from the start to the minimum.
console.log(`${steps} updates from (${start.join(', ')}) on f(x, y) = x²/20 + y²; minimum f(0, 0) = 0`);
console.log('optimizer  hyper-parameters        final x   final y    final f  y flips  length  max |y|');
for (const { name, label, path } of runs) {
  const [x, y] = path[path.length - 1];
  let flips = 0, length = 0, maxAbsY = 0;
  for (let i = 1; i < path.length; i++) {
    if (Math.sign(path[i][1]) !== Math.sign(path[i - 1][1])) flips++;
    length += Math.hypot(path[i][0] - path[i - 1][0], path[i][1] - path[i - 1][1]);
    maxAbsY = Math.max(maxAbsY, Math.abs(path[i][1]));
  }
  console.log(`${name.padEnd(9)}  ${label.padEnd(22)}  ${x.toFixed(4).padStart(7)}  ${y.toFixed(4).padStart(8)}  ` +
    `${f(x, y).toExponential(2).padStart(9)}  ${String(flips).padStart(7)}  ${length.toFixed(2).padStart(6)}  ${maxAbsY.toFixed(3).padStart(7)}`);
}

// Contour lines by marching squares on a grid of f: each level crosses the grid edges whose two
// ends lie on either side of it, at the linearly interpolated point; in each cell the crossings
// are joined pairwise, and the pieces chained into polylines through the edges they share. On
// this smooth bowl a 0.1 grid is indistinguishable from the exact ellipses.
const xDomain = [-8, 2] as const, yDomain = [-2.5, 2.5] as const;
const levels = [0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6];
const h = 0.1;
const nx = Math.round((xDomain[1] - xDomain[0]) / h), ny = Math.round((yDomain[1] - yDomain[0]) / h);
const gx = (i: number) => xDomain[0] + i * h, gy = (j: number) => yDomain[0] + j * h;
const grid: number[][] = Array.from({ length: nx + 1 }, (_, i) => Array.from({ length: ny + 1 }, (_, j) => f(gx(i), gy(j))));

interface ContourPoint { level: number; curve: number; order: number; x: number; y: number }
function contourLines(level: number, firstCurve: number): ContourPoint[] {
  // A grid edge, from corner (i, j) to (i + di, j + dj), by a key shared by the two cells beside it.
  const points = new Map<string, [number, number]>();
  const neighbours = new Map<string, string[]>();
  const crossing = (i: number, j: number, di: number, dj: number): string | undefined => {
    const fa = grid[i][j], fb = grid[i + di][j + dj];
    if ((fa >= level) === (fb >= level)) return undefined;
    const key = `${i},${j},${di}`;
    const s = (level - fa) / (fb - fa);
    points.set(key, [gx(i) + s * di * h, gy(j) + s * dj * h]);
    return key;
  };
  const link = (a: string, b: string) => {
    for (const [p, q] of [[a, b], [b, a]]) (neighbours.get(p) ?? neighbours.set(p, []).get(p)!).push(q);
  };
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      // the cell's edges counter-clockwise from the bottom: two crossings make one piece; four
      // (a saddle, which this convex bowl never has) make two, paired in order around the cell
      const keys = [crossing(i, j, 1, 0), crossing(i + 1, j, 0, 1), crossing(i, j + 1, 1, 0), crossing(i, j, 0, 1)]
        .filter((k): k is string => k !== undefined);
      for (let k = 0; k + 1 < keys.length; k += 2) link(keys[k], keys[k + 1]);
    }
  }
  // Chain: open curves start at an end (a crossing on the grid's border, with one neighbour),
  // closed ones anywhere.
  const out: ContourPoint[] = [];
  const visited = new Set<string>();
  const starts = [...neighbours.keys()].sort((a, b) => neighbours.get(a)!.length - neighbours.get(b)!.length);
  let curve = firstCurve;
  for (const first of starts) {
    if (visited.has(first)) continue;
    let order = 0;
    for (let key: string | undefined = first; key !== undefined; key = neighbours.get(key)!.find((n) => !visited.has(n))) {
      visited.add(key);
      const [x, y] = points.get(key)!;
      out.push({ level, curve, order: order++, x, y });
    }
    if (neighbours.get(first)!.length === 2) out.push({ ...out[out.length - order], order }); // close the loop
    curve++;
  }
  return out;
}
const contours: ContourPoint[] = [];
for (const level of levels) contours.push(...contourLines(level, contours.length === 0 ? 0 : contours[contours.length - 1].curve + 1));

// Panels at equal scales in x and y, so the bowl's proportions are true (the plot area is the
// chart less its 84 × 62 px of axes and titles).
const panelWidth = 420, panelHeight = Math.round(((panelWidth - 84) * (yDomain[1] - yDomain[0])) / (xDomain[1] - xDomain[0])) + 62;
const contourSeries = [...new Set(contours.map((c) => c.curve))].map((curve) => {
  const points = contours.filter((c) => c.curve === curve).sort((a, b) => a.order - b.order);
  return { x: points.map((p) => p.x), y: points.map((p) => p.y), color: '#bbbbbb' };
});
const charts = runs.map(({ name, label, path }) => lineChart([
  ...contourSeries,
  { x: [0], y: [0], color: 'black', markers: true }, // the minimum
  { x: path.map((p) => p[0]), y: path.map((p) => p[1]), color: '#d62728', markers: true },
], { title: `${name} (${label})`, xLabel: 'x', yLabel: 'y', xDomain: [...xDomain], yDomain: [...yDomain], width: panelWidth, height: panelHeight }));
const chart = panels(charts, {
  columns: 2, title: `${steps} updates of each optimizer on f(x, y) = x²/20 + y² from (${start.join(', ')}); grey: contours of f`,
});
const files = await saveFigure(chart, 'optimizer_compare_naive', values.out);
console.log(`wrote ${files.svg} and ${files.png}`);
