// XOR, the problem one perceptron cannot solve and one hidden layer can (the course's lecture on
// XOR and neural networks, the book's chapter 2):
//   1. the course's 2-2-1 sigmoid network with hand-set weights, checked by a forward pass;
//   2. a perceptron (step function, the perceptron rule) that learns AND, OR and NAND, whose
//      points a line separates, but never XOR, whose points no line separates;
//   3. a 2-4-1 sigmoid network trained by backpropagation (SigmoidWithLoss) that solves XOR.
// Prints each part's table and draws every model's decision regions over the four points.
//   node out/examples/xor.js [--out DIR] [--quick] [--seed N]
import { Affine, createRng, functions, init, SGD, Sigmoid, SigmoidWithLoss, tensor, xavierNormal, zeros, type Tensor } from 'scratchnet';
import { parseExperimentArgs } from './cli.js';
import { decisionBoundary, panels as plotPanels } from 'scratchnet/plot';
import { saveFigure } from './plot.js';

// --quick draws the regions on a coarser grid; the training is the same (it takes well under a second)
const { values, seed } = parseExperimentArgs({});
const { quick, out } = values as { quick: boolean; out: string };

const INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const GATES: Record<string, number[]> = { AND: [0, 0, 0, 1], OR: [0, 1, 1, 1], NAND: [1, 1, 1, 0], XOR: [0, 1, 1, 0] };
const fmt = (v: number) => v.toFixed(4);

await init();

// A stack of Affine and Sigmoid layers, run forward on a batch of points (rows).
type Stack = (Affine | Sigmoid)[];
function forward(stack: Stack, points: number[][]): Tensor {
  let h = tensor(points.flat(), [points.length, 2]);
  for (const layer of stack) h = layer.forward(h);
  return h;
}
const affine = (W: number[][], b: number[]) => new Affine(tensor(W.flat(), [W.length, W[0].length]), tensor(b, [b.length]));

// ---- 1. hand-set weights -------------------------------------------------------------------------
// Y1 = σ(5·X1 + 5·X2 − 8) is AND, Y2 = σ(−7·X1 − 7·X2 + 3) is NOR, Ŷ = σ(−11·Y1 − 11·Y2 + 6) is
// NOR(Y1, Y2): neither both nor none, which is XOR. (Affine's W is (in, out): a column per unit.)
const hidden = affine([[5, -7], [5, -7]], [-8, 3]);
const handSet: Stack = [hidden, new Sigmoid(), affine([[-11], [-11]], [6]), new Sigmoid()];
const yHat = forward(handSet, INPUTS).toArray();
const yHidden = new Sigmoid().forward(hidden.forward(tensor(INPUTS.flat(), [4, 2]))).toArray();
console.log('1. the course\'s network with hand-set weights:');
console.log('   Y1 = σ(5·X1 + 5·X2 − 8), Y2 = σ(−7·X1 − 7·X2 + 3), Ŷ = σ(−11·Y1 − 11·Y2 + 6)');
console.log('X1  X2  Y1      Y2      Ŷ       XOR');
INPUTS.forEach(([a, b], i) => console.log(`${a}   ${b}   ${fmt(yHidden[2 * i])}  ${fmt(yHidden[2 * i + 1])}  ${fmt(yHat[i])}  ${GATES.XOR[i]}`));
const handRight = yHat.filter((v, i) => (v > 0.5 ? 1 : 0) === GATES.XOR[i]).length;
console.log(`hand-set: ${handRight} of 4 right (Ŷ > 0.5 read as 1)`);

// ---- 2. the perceptron --------------------------------------------------------------------------
// y = step(w·x + b); after each wrong answer w += η·(t − y)·x and b += η·(t − y). It stops at the
// first epoch without a mistake, which comes (the convergence theorem) exactly when a line
// separates the 1s from the 0s.
const ETA = 0.1, MAX_EPOCHS = 100;
interface Perceptron { w: number[]; b: number; epochs: number; learned: boolean; wrong: number }
function trainPerceptron(t: number[]): Perceptron {
  const w = [0, 0];
  let b = 0;
  for (let epoch = 1; epoch <= MAX_EPOCHS; epoch++) {
    let mistakes = 0;
    INPUTS.forEach((x, i) => {
      const y = w[0] * x[0] + w[1] * x[1] + b > 0 ? 1 : 0;
      if (y === t[i]) return;
      mistakes++;
      w[0] += ETA * (t[i] - y) * x[0];
      w[1] += ETA * (t[i] - y) * x[1];
      b += ETA * (t[i] - y);
    });
    if (mistakes === 0) return { w, b, epochs: epoch, learned: true, wrong: 0 };
  }
  const wrong = stepOutputs({ w, b }, INPUTS).filter((y, i) => y !== t[i]).length;
  return { w, b, epochs: MAX_EPOCHS, learned: false, wrong };
}
// the step function of the library, over a batch of points
function stepOutputs(p: { w: number[]; b: number }, points: number[][]): number[] {
  return functions.stepFunction(tensor(points.map(([x1, x2]) => p.w[0] * x1 + p.w[1] * x2 + p.b), [points.length])).toArray();
}

console.log(`\n2. a perceptron: step(w·x + b), the rule w += ${ETA}·(t − y)·x, b += ${ETA}·(t − y), from w = 0, b = 0`);
console.log('gate  learned  epochs  w1      w2      b       wrong');
const perceptrons = Object.entries(GATES).map(([gate, t]) => {
  const p = trainPerceptron(t);
  console.log(`${gate.padEnd(4)}  ${(p.learned ? 'yes' : 'no').padEnd(7)}  ${String(p.epochs).padStart(6)}  ` +
    `${p.w.map((v) => v.toFixed(2).padStart(6)).join('  ')}  ${p.b.toFixed(2).padStart(6)}  ${p.wrong}`);
  return { gate, p };
});

// ---- 3. backpropagation --------------------------------------------------------------------------
// 2 → 4 sigmoid units → 1 sigmoid output with the binary cross-entropy, trained on the four points
// as one batch by plain SGD. Xavier (PyTorch's xavierNormal) weights from the seed.
const HIDDEN = 4, LR = 1, STEPS = 3000, TARGET_LOSS = 0.05;
const rng = createRng(seed);
const mlp: Stack = [
  new Affine(xavierNormal([2, HIDDEN], {}, rng), zeros([HIDDEN])), new Sigmoid(),
  new Affine(xavierNormal([HIDDEN, 1], {}, rng), zeros([1])),
];
const lossLayer = new SigmoidWithLoss();
const x = tensor(INPUTS.flat(), [4, 2]), t = tensor(GATES.XOR, [4, 1]);
const optimizer = new SGD({ lr: LR });
const params = Object.fromEntries(mlp.flatMap((l, i) => Object.entries(l.params).map(([k, v]) => [`${k}${i}`, v])));
const grads = Object.fromEntries(mlp.flatMap((l, i) => Object.entries(l.grads).map(([k, v]) => [`${k}${i}`, v])));
console.log(`\n3. a 2-${HIDDEN}-1 sigmoid network, binary cross-entropy, SGD lr ${LR} on the 4 points, seed ${seed}`);
console.log('step  loss');
const losses: number[] = [];
for (let step = 0; step <= STEPS; step++) {
  let h = x;
  for (const layer of mlp) h = layer.forward(h);
  losses.push(lossLayer.forward(h, t));
  if (step % (STEPS / 10) === 0) console.log(`${String(step).padStart(4)}  ${fmt(losses[step])}`);
  if (step === STEPS) break;
  let d = lossLayer.backward();
  for (const layer of [...mlp].reverse()) d = layer.backward(d);
  optimizer.update(params, grads);
}
const mlpOutputs = (points: number[][]) => functions.sigmoid(forward(mlp, points)).toArray();
const trained = mlpOutputs(INPUTS);
console.log(`X1 X2 → Ŷ: ${INPUTS.map(([a, b], i) => `${a}${b} → ${fmt(trained[i])}`).join(', ')}`);
const final = losses[STEPS];
console.log(`final loss: ${fmt(final)} (target < ${TARGET_LOSS}: ${final < TARGET_LOSS ? 'met' : 'MISSED'}); ` +
  `${trained.filter((v, i) => (v > 0.5 ? 1 : 0) === GATES.XOR[i]).length} of 4 right`);

// ---- the figure: every model's decision regions over the square, the four points on top -----------
const GRID = quick ? 21 : 61, LO = -0.5, HI = 1.5;
const models: { name: string; t: number[]; output: (points: number[][]) => number[] }[] = [
  { name: '1. hand-set 2-2-1 (XOR)', t: GATES.XOR, output: (points) => forward(handSet, points).toArray() },
  ...perceptrons.map(({ gate, p }) => ({ name: `2. perceptron ${gate}${p.learned ? '' : ' (fails)'}`, t: GATES[gate], output: (points: number[][]) => stepOutputs(p, points) })),
  { name: `3. trained 2-${HIDDEN}-1 (XOR)`, t: GATES.XOR, output: mlpOutputs },
];
const rowsOf = (flat: Float32Array) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
const chart = plotPanels(models.map(({ name, t: target, output }) => decisionBoundary((flat) => output(rowsOf(flat)).map((v) => (v > 0.5 ? 1 : 0)), {
  title: name, xLabel: 'X1', yLabel: 'X2', xRange: [LO, HI], yRange: [LO, HI], resolution: GRID, width: 300, height: 280,
  points: { x: INPUTS.map((p) => p[0]), y: INPUTS.map((p) => p[1]), label: target }, classNames: ['0', '1'],
})), { columns: 3, title: "XOR: each model's decision regions (output > 0.5) and the four points by their target" });
const files = await saveFigure(chart, 'xor', out);
console.log(`\nfigure: ${files.png}`);
