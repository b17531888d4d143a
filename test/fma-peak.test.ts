// bench/fma-peak.ts writes its wasm module byte by byte: check that it is valid and computes what
// it times, fused and unfused.
import { expect, test } from 'vitest';
import { init, usesFma } from '../src/index.js';
import { multiplyAddLoop } from '../bench/fma-peak.js';

await init(); // turns relaxed SIMD on where the engine has it, as the bench does

const check = (fused: boolean) => {
  const peak = multiplyAddLoop(fused);
  expect(peak(3, 1.5, 2)).toBe(108);
  expect(peak(1, -2, 0.25)).toBe(-6);
  expect(peak(1000, 1, 1)).toBe(12_000);
};

test('the unfused loop: n iterations of 12 chains give 12·n·a·b', () => check(false));
test.runIf(usesFma())('the fused loop: n iterations of 12 chains give 12·n·a·b', () => check(true));
