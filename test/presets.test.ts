// The book's networks are presets of Sequential: the same options and seed give the parameters,
// buffers and first losses recorded from the classes they replaced (test/fixtures/preset-initial-params.json),
// bit for bit.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  createRng, DeepConvNet, init, MultiLayerNet, MultiLayerNetExtend, randn, Sequential, setBackend, SimpleConvNet, tensor, TwoLayerNet,
} from '../src/index.js';
import type { Tensor } from '../src/index.js';

const NETS = { TwoLayerNet, MultiLayerNet, MultiLayerNetExtend, SimpleConvNet, DeepConvNet } as const;
interface Recorded {
  network: keyof typeof NETS;
  options: Record<string, unknown>;
  params: Record<string, string>;
  trainLoss: number;
  testLoss: number;
}
const recorded: Recorded[] = JSON.parse(readFileSync(new URL('./fixtures/preset-initial-params.json', import.meta.url), 'utf8'));

function fingerprint(t: Tensor): string {
  const d = t.data;
  return `${t.shape.join('x')}:${createHash('sha256').update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest('hex').slice(0, 16)}`;
}

// NOTE: the losses were recorded with every convolution on the im2col path; Winograd, the default
// for DeepConvNet's 3×3 convolutions since, rounds differently (checked last, within a bound).
beforeAll(async () => {
  await init({ winograd: false });
  setBackend('wasm');
});

describe.each(recorded.map((r, i) => [`${r.network} #${i}`, r] as const))('%s', (_name, r) => {
  test('is a Sequential with the recorded initial parameters and first losses', () => {
    const net = new NETS[r.network](r.options as never);
    expect(net).toBeInstanceOf(Sequential);
    const state = { ...net.params, ...net.buffers };
    expect(Object.keys(state).sort()).toEqual(Object.keys(r.params).sort());
    for (const [name, t] of Object.entries(state)) expect(fingerprint(t), name).toBe(r.params[name]);
    const x = randn([4, ...net.inputShape], createRng(100));
    const classes = (r.options.outputSize as number | undefined) ?? 10;
    const t = tensor([0, 1, 2, 3].map((i) => i % classes), [4]);
    expect(net.loss(x, t, true)).toBe(r.trainLoss);
    expect(net.loss(x, t, false)).toBe(r.testLoss);
    net.dispose();
  });
});

test('with Winograd (the default for 3×3 convolutions of 8+ channels) DeepConvNet\'s first losses agree to 1e-6', async () => {
  await init({ winograd: true });
  try {
    for (const r of recorded.filter((c) => c.network === 'DeepConvNet')) {
      const net = new DeepConvNet(r.options as never);
      const x = randn([4, ...net.inputShape], createRng(100));
      const t = tensor([0, 1, 2, 3]);
      expect(Math.abs(net.loss(x, t, true) - r.trainLoss)).toBeLessThan(1e-6 * r.trainLoss);
      expect(Math.abs(net.loss(x, t, false) - r.testLoss)).toBeLessThan(1e-6 * r.testLoss);
      net.dispose();
    }
  } finally {
    await init({ winograd: false });
  }
});
