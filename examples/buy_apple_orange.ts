// The book's chapter-5 example: 2 apples and 3 oranges with 10% tax, forward and backward
// through a graph of MulLayer and AddLayer nodes.
import { AddLayer, MulLayer } from 'scratchnet';

const apple = 100, appleNum = 2, orange = 150, orangeNum = 3, tax = 1.1;

const mulAppleLayer = new MulLayer();
const mulOrangeLayer = new MulLayer();
const addAppleOrangeLayer = new AddLayer();
const mulTaxLayer = new MulLayer();

const applePrice = mulAppleLayer.forward(apple, appleNum);
const orangePrice = mulOrangeLayer.forward(orange, orangeNum);
const allPrice = addAppleOrangeLayer.forward(applePrice, orangePrice);
const price = mulTaxLayer.forward(allPrice, tax);

const dprice = 1;
const [dallPrice, dtax] = mulTaxLayer.backward(dprice);
const [dapplePrice, dorangePrice] = addAppleOrangeLayer.backward(dallPrice);
const [dorange, dorangeNum] = mulOrangeLayer.backward(dorangePrice);
const [dapple, dappleNum] = mulAppleLayer.backward(dapplePrice);

// NOTE: 650 · 1.1 is 715.0000000000001 in binary floating point; 10 significant digits hide that.
const show = (v: number) => String(Number(v.toPrecision(10)));
console.log('price:', show(price));
console.log('dApple:', show(dapple));
console.log('dApple_num:', show(dappleNum));
console.log('dOrange:', show(dorange));
console.log('dOrange_num:', show(dorangeNum));
console.log('dTax:', show(dtax));
