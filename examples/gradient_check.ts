// The book's gradient_check.py: backprop against numerical gradients of TwoLayerNet on the first
// three MNIST training images. See numericalGradient for why float32 needs h = 1e-3.
import { gradientCheck, init, loadMnist, tensor, TwoLayerNet } from 'scratchnet';

await init();
const { xTrain, tTrain } = await loadMnist({ oneHotLabel: true });
const x = tensor(xTrain.data.subarray(0, 3 * 784), [3, 784]);
const t = tensor(tTrain.data.subarray(0, 3 * 10), [3, 10]);
const network = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10, seed: 0 });

const result = gradientCheck(network, x, t);
console.log('param  mean |diff|  max |diff| / max |grad|  ‖diff‖ / (‖a‖ + ‖n‖)');
for (const [name, r] of Object.entries(result)) {
  console.log(`${name.padEnd(5)}  ${r.meanAbsDiff.toExponential(2).padStart(10)}  ${r.maxRelError.toExponential(2).padStart(23)}  ${r.relError.toExponential(2).padStart(21)}`);
}
