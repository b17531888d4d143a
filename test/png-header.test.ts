// predict reads a PNG's declared size from its header and refuses a picture larger than 4096 a
// side before decoding it (a 100-byte file may declare 40 000 × 40 000). The command line's own
// refusal is in cli.test.ts.
import { expect, test } from 'vitest';
import { PNG } from 'pngjs';
import { checkPngSize } from '../src/cli/png-header.js';
import { preprocessDigit, rgbaToGray } from '../src/index.js';
import { pngHeader } from './helpers.js';

test.each([[40_000, 40_000], [12_000, 12_000], [4097, 1], [1, 4097], [2 ** 32 - 1, 2 ** 32 - 1], [0, 10], [10, 0]])(
  'a PNG declaring %i×%i is refused before decoding', (width, height) => {
    expect(() => checkPngSize('big.png', pngHeader(width, height))).toThrow(
      `big.png declares ${width}×${height} pixels; predict takes images of 1 to 4096 pixels a side`);
  });

test('the sizes up to the limit pass, read from a real PNG too', () => {
  expect(checkPngSize('a.png', pngHeader(4096, 4096))).toEqual({ width: 4096, height: 4096 });
  const png = new PNG({ width: 30, height: 20 });
  expect(checkPngSize('b.png', PNG.sync.write(png))).toEqual({ width: 30, height: 20 });
});

test('bytes that are not a PNG header are refused', () => {
  expect(() => checkPngSize('x.txt', new TextEncoder().encode('{"name": "not a png", "padding": "...."}'))).toThrow(/^x\.txt is not a PNG image that can be read/);
  expect(() => checkPngSize('short.png', pngHeader(10, 10).subarray(0, 20))).toThrow(/is not a PNG image/);
});

test('preprocessDigit and rgbaToGray refuse pictures past 4096 a side', () => {
  expect(() => rgbaToGray(new Uint8Array(4), 5000, 1)).toThrow(/^rgbaToGray: width must be at most 4096 pixels, got 5000$/);
  expect(() => preprocessDigit(new Float32Array(1), 1, 4097)).toThrow(/^preprocessDigit: height must be at most 4096 pixels, got 4097$/);
});
