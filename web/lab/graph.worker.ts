// Page 1's worker: the book's apple-and-orange graph on the library's MulLayer and AddLayer, and a
// sigmoid built from its four nodes, checked against the library's Sigmoid layer.
import { AddLayer, MulLayer, Sigmoid, tensor } from 'scratchnet';
import { serve } from './worker-base.js';

export interface Prices { apple: number; appleNum: number; orange: number; orangeNum: number; tax: number }
/** Forward value and backward gradient of each edge, by the edge's name. */
export type Edges = Record<string, { value: number; grad: number }>;

export type ToWorker = { type: 'compute'; run: number; prices: Prices; x: number; chain: { x: number; y: number } };
export type FromWorker = { type: 'computed'; run: number; apple: Edges; sigmoid: Edges; library: { y: number; dx: number }; chain: Edges };

// buy_apple_orange.py: (apple × appleNum + orange × orangeNum) × tax, then backward(1)
function appleOrange(p: Prices): Edges {
  const [mulApple, mulOrange, add, mulTax] = [new MulLayer(), new MulLayer(), new AddLayer(), new MulLayer()];
  const applePrice = mulApple.forward(p.apple, p.appleNum);
  const orangePrice = mulOrange.forward(p.orange, p.orangeNum);
  const allPrice = add.forward(applePrice, orangePrice);
  const price = mulTax.forward(allPrice, p.tax);
  const [dAllPrice, dTax] = mulTax.backward(1);
  const [dApplePrice, dOrangePrice] = add.backward(dAllPrice);
  const [dApple, dAppleNum] = mulApple.backward(dApplePrice);
  const [dOrange, dOrangeNum] = mulOrange.backward(dOrangePrice);
  return {
    apple: { value: p.apple, grad: dApple }, appleNum: { value: p.appleNum, grad: dAppleNum },
    orange: { value: p.orange, grad: dOrange }, orangeNum: { value: p.orangeNum, grad: dOrangeNum },
    tax: { value: p.tax, grad: dTax }, applePrice: { value: applePrice, grad: dApplePrice },
    orangePrice: { value: orangePrice, grad: dOrangePrice }, allPrice: { value: allPrice, grad: dAllPrice },
    price: { value: price, grad: 1 },
  };
}

// Figure 5-19: y = 1 / (1 + exp(−x)) as ×(−1), exp, +1 and 1/x; each node's backward multiplies
// the gradient from its right by its local derivative.
function sigmoidNodes(x: number): Edges {
  const negate = new MulLayer(), plusOne = new AddLayer();
  const a = negate.forward(x, -1);
  const b = Math.exp(a);
  const c = plusOne.forward(b, 1);
  const y = 1 / c;
  const dc = 1 * (-1 / (c * c)); // (1/c)' = −1/c² = −y²
  const [db] = plusOne.backward(dc);
  const da = db * b; // exp' = exp
  const [dx] = negate.backward(da);
  return { x: { value: x, grad: dx }, a: { value: a, grad: da }, b: { value: b, grad: db }, c: { value: c, grad: dc }, y: { value: y, grad: 1 } };
}

// The chain rule (§5.2): z = t², t = x + y, so ∂z/∂x = ∂z/∂t · ∂t/∂x = 2t · 1. The square is a
// MulLayer of t by itself: its backward gives t's gradient through each of its two inputs, which add.
function chainRule(x: number, y: number): Edges {
  const add = new AddLayer(), square = new MulLayer();
  const t = add.forward(x, y);
  const z = square.forward(t, t);
  const [dt1, dt2] = square.backward(1);
  const dt = dt1 + dt2;
  const [dx, dy] = add.backward(dt);
  return { x: { value: x, grad: dx }, y: { value: y, grad: dy }, t: { value: t, grad: dt }, z: { value: z, grad: 1 } };
}

// The library's Sigmoid layer (float32, one element), forward then backward(1).
function librarySigmoid(x: number): { y: number; dx: number } {
  const layer = new Sigmoid();
  const input = tensor([x], [1, 1]), dout = tensor([1], [1, 1]);
  const y = layer.forward(input).data[0];
  const dx = layer.backward(dout).data[0];
  for (const t of [input, dout]) t.dispose();
  layer.dispose();
  return { y, dx };
}

const post = serve<ToWorker, FromWorker>((m) => {
  post({ type: 'computed', run: m.run, apple: appleOrange(m.prices), sigmoid: sigmoidNodes(m.x), library: librarySigmoid(m.x), chain: chainRule(m.chain.x, m.chain.y) });
});
