// The training worker: holds MNIST and the network in scratchnet's linear memory and trains it
// with the library's Trainer (trainer.step()) in slices of about 100 ms, reading the page's
// messages (stop, new training settings, predict, save, load) between slices, so neither the page
// nor a prediction waits for more than one slice.
import {
  deserialize, deserializeModel, deserializeParams, preprocessDigit, rgbaToGray, serializeModel,
  tensor, threadCount, Trainer, type Sequential, type Tensor,
} from 'scratchnet';
import { fetchMnist } from './lab/mnist.js';
import { initThreads } from './lab/threads.js';
import { BOOK_TRAINING, type Filters, type FromWorker, type ModelName, type ToWorker, type Training } from './protocol.js';
import { customNetwork, RECIPES } from './recipes.js';

// NOTE: a subset keeps the start short and the memory small (10 000 images are 31 MB of float32
// in linear memory; all 60 000 would be 188 MB). The test set is used whole.
const TRAIN_SIZE = 10_000;
const EVAL_EVERY = 100; // iterations: one epoch of the subset at the book's batch of 100
const PREDICTIONS_SHOWN = 40;
const SLICE_MS = 100;
const UNITS_SHOWN = 16; // TwoLayerNet hidden units drawn as images
const MISTAKES_SHOWN = 16;
const MAPS_SHOWN = 8; // channels of each layer's feature maps

// The DOM lib types `self` as a Window; in a worker it is the worker's global scope.
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);

interface Data { xTrain: Tensor; tTrain: Tensor; xTest: Tensor; tTest: Tensor }

/** A network and everything its training needs. */
class Session {
  trainer: Trainer;
  training: Training;
  probe = 0; // the test image whose layers the page shows
  readonly #xTrain: Tensor; // data.xTrain reshaped to the network's input
  readonly #tTrain: Tensor;
  // (x, t) pairs the accuracies are measured on
  readonly #evalSets: { train: [Tensor, Tensor]; test: [Tensor, Tensor] };
  iteration = 0;

  constructor(readonly model: ModelName, readonly net: Sequential, data: Data, training: Training) {
    const recipe = RECIPES[model];
    const head = (x: Tensor, t: Tensor): [Tensor, Tensor] => {
      const n = Math.min(recipe.evalSize, x.shape[0]);
      return [tensor(x.data.subarray(0, n * 784), [n, ...recipe.inputShape]), tensor(t.data.subarray(0, n), [n])];
    };
    this.#evalSets = { train: head(data.xTrain, data.tTrain), test: head(data.xTest, data.tTest) };
    this.#xTrain = data.xTrain.reshape([-1, ...recipe.inputShape]);
    this.#tTrain = data.tTrain;
    this.training = training;
    this.trainer = this.#trainerFor(training);
  }

  #trainerFor({ optimizer, lr, batch }: Training): Trainer {
    return new Trainer(this.net, this.#xTrain, this.#tTrain, ...this.#evalSets.test, {
      miniBatchSize: batch, optimizer, optimizerParam: { lr }, seed: 1, verbose: false,
    });
  }

  /** New settings: the lr on the optimizer as it is; another optimizer or batch size, a new Trainer (fresh optimizer state). */
  setTraining(training: Training): void {
    if (training.optimizer === this.training.optimizer && training.batch === this.training.batch) {
      this.trainer.optimizer.lr = training.lr;
    } else {
      const next = this.#trainerFor(training); // built first: settings it refuses leave the old one
      this.#disposeTrainer();
      this.trainer = next;
    }
    this.training = training;
  }

  #disposeTrainer(): void {
    this.trainer.dispose();
    this.trainer.optimizer.dispose();
  }

  /** Trains for about SLICE_MS, ending early where an evaluation is due. */
  trainSlice(): { iterations: number[]; losses: number[]; seconds: number } {
    const iterations: number[] = [], losses: number[] = [];
    const start = performance.now();
    do {
      const loss = this.trainer.step(); // computed on the way to the gradient, before this update
      this.iteration++;
      iterations.push(this.iteration);
      losses.push(loss);
    } while (this.iteration % EVAL_EVERY !== 0 && performance.now() - start < SLICE_MS);
    return { iterations, losses, seconds: (performance.now() - start) / 1000 };
  }

  /** Posts the accuracies and the first layer's weights. */
  evaluate(): void {
    const { train, test } = this.#evalSets;
    const [trainAcc, testAcc] = [this.net.accuracy(...train), this.net.accuracy(...test)];
    post({ type: 'evaluation', iteration: this.iteration, trainAcc, testAcc, evalSize: train[0].shape[0] });
    const filters = filtersOf(this.net.params.W1);
    post({ type: 'filters', filters }, [filters.data.buffer]);
    this.#postMistakes(test[0], test[1]);
    this.postInside();
    this.#postPredictions(test[0], test[1]);
  }

  // The first test images with the network's answers, for the page's grid.
  #postPredictions(x: Tensor, t: Tensor): void {
    const n = Math.min(PREDICTIONS_SHOWN, x.shape[0]);
    const head = tensor(x.data.slice(0, n * 784), [n, ...x.shape.slice(1)]);
    const scores = this.net.predict(head);
    const predicted = Array.from({ length: n }, (_, i) => {
      const row = scores.data.subarray(i * 10, i * 10 + 10);
      return row.indexOf(Math.max(...row));
    });
    const images = head.data.slice();
    for (const a of [head, scores]) a.dispose();
    post({ type: 'predictions', images, labels: Array.from(t.data.subarray(0, n)), predicted }, [images.buffer]);
  }

  /** Every layer's output for the probe test image, and every convolution layer's filters. */
  postInside(): void {
    const [x, t] = this.#evalSets.test;
    const i = Math.min(this.probe, x.shape[0] - 1);
    const pixels = x.data.slice(i * 784, (i + 1) * 784);
    const maps: Filters[] = [];
    const kinds = this.net.architecture.layers.map((l) => l.kind);
    let out: Tensor = tensor(pixels, [1, ...RECIPES[this.model].inputShape]);
    const input = out;
    this.net.layerList.forEach((layer, k) => {
      out = layer.forward(out, false);
      if (out.shape.length === 4) {
        const [, channels, height, width] = out.shape;
        const count = Math.min(MAPS_SHOWN, channels);
        maps.push({ caption: `${k + 1}. ${kinds[k]}: ${channels} maps of ${height}×${width}`, count, width, height, data: out.data.slice(0, count * height * width) });
      } else {
        // a vector: its values in a strip, one pixel each
        const width = Math.min(out.size, 100);
        maps.push({ caption: `${k + 1}. ${kinds[k]}: ${out.size} values${out.size > width ? ` (the first ${width})` : ''}`, count: 1, width, height: 1, data: out.data.slice(0, width) });
      }
    });
    input.dispose();
    const filters: Filters[] = Object.entries(this.net.params).filter(([, w]) => w.shape.length === 4).map(([name, w]) => {
      const [count, channels, height, width] = w.shape;
      const data = new Float32Array(count * height * width);
      for (let f = 0; f < count; f++) data.set(w.data.subarray(f * channels * height * width, f * channels * height * width + height * width), f * height * width);
      return { caption: `${name}: ${count} filters of ${channels}×${height}×${width}${channels > 1 ? ' (input channel 1 shown)' : ''}`, count, width, height, data };
    });
    post({ type: 'inside', index: i, label: t.data[i], pixels, maps, filters }, [pixels.buffer, ...maps.map((m) => m.data.buffer), ...filters.map((f) => f.data.buffer)]);
  }

  // The first test images of the evaluation set the network gets wrong.
  #postMistakes(x: Tensor, t: Tensor): void {
    const scores = this.net.predict(x);
    const images = new Float32Array(MISTAKES_SHOWN * 784), labels: number[] = [], predicted: number[] = [];
    for (let i = 0; i < x.shape[0] && labels.length < MISTAKES_SHOWN; i++) {
      const row = scores.data.subarray(i * 10, i * 10 + 10);
      const answer = row.indexOf(Math.max(...row));
      if (answer === t.data[i]) continue;
      images.set(x.data.subarray(i * 784, (i + 1) * 784), labels.length * 784);
      labels.push(t.data[i]);
      predicted.push(answer);
    }
    scores.dispose();
    post({ type: 'mistakes', images, labels, predicted, of: x.shape[0] }, [images.buffer]);
  }

  /** Class probabilities of one 28×28 image, and the feature maps it makes on the way. */
  predict(pixels: Float32Array): { probabilities: number[]; maps: Filters[] } {
    const x = tensor(pixels, [1, ...RECIPES[this.model].inputShape]);
    const scores = this.net.predict(x);
    const probabilities = softmax(scores.toArray());
    scores.dispose();
    // the layers one by one, as predict runs them (the same numbers), keeping each image-shaped output
    const maps: Filters[] = [];
    const kinds = this.net.architecture.layers.map((l) => l.kind);
    let out: Tensor = x;
    this.net.layerList.forEach((layer, i) => {
      out = layer.forward(out, false);
      if (out.shape.length !== 4) return;
      const [, channels, height, width] = out.shape;
      const count = Math.min(MAPS_SHOWN, channels);
      maps.push({ caption: `${i + 1}. ${kinds[i]}: ${channels} maps of ${height}×${width}`, count, width, height, data: out.data.slice(0, count * height * width) });
    });
    x.dispose();
    return { probabilities, maps };
  }

  dispose(): void {
    this.#disposeTrainer();
    for (const t of [...this.#evalSets.train, ...this.#evalSets.test, this.#xTrain]) t.dispose();
    this.net.dispose();
  }
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

// The first layer's weights as images: a convolution's filters (FN, 1, FH, FW), or the 784 input
// weights of a dense layer's first units as 28×28 images (column j of W1 is unit j's).
function filtersOf(W1: Tensor): Filters {
  const w = W1.data;
  if (W1.shape.length === 4) {
    const [count, , height, width] = W1.shape;
    const caption = `The ${count} filters (${height}×${width}) of the convolution layer, W1.`;
    return { caption, count, width, height, data: w.slice(0, count * height * width) };
  }
  const [inputs, hidden] = W1.shape;
  const count = Math.min(UNITS_SHOWN, hidden);
  const data = new Float32Array(count * inputs);
  for (let j = 0; j < count; j++) for (let i = 0; i < inputs; i++) data[j * inputs + i] = w[i * hidden + j];
  const caption = `The 784 input weights of the first ${count} of ${hidden} hidden units (columns of W1) as 28×28 images.`;
  return { caption, count, width: 28, height: 28, data };
}

// (N, 784) pixels in [0, 1] and class indices, only the first TRAIN_SIZE training samples converted
const loadData = (): Promise<Data> => fetchMnist({ trainSize: TRAIN_SIZE });

// NOTE: setTimeout(0) is clamped to 4 ms once nested; a message to ourselves is not. Posted
// messages run in the order they arrive, so the page's waiting messages are handled first.
const channel = new MessageChannel();
let wake: (() => void) | undefined;
channel.port1.onmessage = () => wake?.();
const nextTask = (): Promise<void> => new Promise((resolve) => {
  wake = resolve;
  channel.port2.postMessage(null);
});

let data: Data | undefined;
let session: Session | undefined;
let running = false; // cleared by 'stop'; the loop ends at its next slice
let loop: Promise<void> | undefined;

// Replaces the session by one training `net` from `iteration` on; stops training.
function start(model: ModelName, net: Sequential, iteration = 0, training = session?.training ?? BOOK_TRAINING[model]): void {
  running = false;
  const probe = session?.probe ?? 0;
  session?.dispose();
  session = new Session(model, net, data!, training);
  session.iteration = iteration;
  session.probe = probe;
  post({ type: 'ready', model, description: RECIPES[model].description, trainSize: TRAIN_SIZE, testSize: data!.xTest.shape[0], threads: threadCount(), isolated: crossOriginIsolated });
  session.evaluate();
}

async function train(): Promise<void> {
  post({ type: 'running', running: true });
  try {
    while (running) {
      const s = session!;
      const { iterations, losses, seconds } = s.trainSlice();
      post({ type: 'progress', iteration: s.iteration, iterations, losses, imagesPerSecond: (iterations.length * s.training.batch) / seconds });
      if (s.iteration % EVAL_EVERY === 0) s.evaluate();
      await nextTask();
    }
  } finally {
    running = false;
    post({ type: 'running', running: false });
  }
}

// Loads a .safetensors file into a new network of the kind and sizes it holds: a model file
// (serializeModel: the architecture inside) or the weights of one of the book's networks. The
// current one stays if anything is wrong with the file.
function load(bytes: Uint8Array, fileName: string): void {
  const { metadata, arrays } = deserialize(bytes, fileName);
  let net: Sequential;
  let model: ModelName;
  if (metadata.architecture) {
    net = deserializeModel(bytes, fileName);
    model = net.architecture.kind as ModelName;
    if (!(model in RECIPES) || net.inputShape.join() !== RECIPES[model].inputShape.join()) {
      net.dispose();
      throw new Error(`${fileName}: the demo runs ${Object.keys(RECIPES).join(', ')} on MNIST images; this file holds a ${model} of input [${net.inputShape.join(', ')}]`);
    }
  } else {
    model = metadata.network as ModelName;
    if (!model || !(model in RECIPES) || model === 'Sequential') {
      throw new Error(`${fileName}: the demo runs ${Object.keys(RECIPES).join(', ')}; this file holds ${model ? `a ${model}` : 'no network name'}`);
    }
    const shapes = Object.fromEntries(Object.entries(arrays).map(([name, a]) => [name, a.shape]));
    net = RECIPES[model].network(shapes);
    try {
      deserializeParams(net, bytes, fileName);
    } catch (e) {
      net.dispose();
      throw e;
    }
  }
  const iteration = Number(metadata.iterations) || 0;
  start(model, net, iteration);
  post({ type: 'loaded', model, fileName, iteration });
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'reset':
      // built before the current network goes, so that bad layers leave it as it was
      start(message.model, message.model === 'Sequential' ? customNetwork(message.layers) : RECIPES[message.model].network(), 0, message.training);
      break;
    case 'training':
      session?.setTraining(message.training);
      break;
    case 'probe':
      if (!session) break;
      session.probe = message.index;
      session.postInside();
      break;
    case 'start':
      running = true;
      // NOTE: a 'stop' then 'start' within one slice finds the loop still there and keeps it
      loop ??= train().catch(report).finally(() => (loop = undefined));
      break;
    case 'stop':
      running = false;
      break;
    case 'predict': {
      const { rgba, width, height } = message;
      const pixels = preprocessDigit(rgbaToGray(rgba, width, height), width, height);
      const { probabilities, maps } = session!.predict(pixels);
      post({ type: 'prediction', pixels, probabilities, maps }, maps.map((m) => m.data.buffer));
      break;
    }
    case 'save': {
      const s = session!;
      const bytes = serializeModel(s.net, { metadata: { iterations: String(s.iteration) } });
      post({ type: 'saved', bytes, fileName: `${s.model.toLowerCase()}-${s.iteration}.safetensors` }, [bytes.buffer]);
      break;
    }
    case 'load':
      load(message.bytes, message.fileName);
      break;
  }
}

const report = (e: unknown): void => post({ type: 'error', message: e instanceof Error ? e.message : String(e) });

// Messages that arrive while the data loads wait for it, in order.
const ready = (async () => {
  // two kernel threads where the page is cross-origin isolated and two measure faster than one
  await initThreads();
  data = await loadData();
})();
scope.onmessage = (event) => {
  ready.then(() => handle(event.data)).catch(report);
};
