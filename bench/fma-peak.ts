// The most one thread can do with 128-bit wasm SIMD on this machine: 12 independent chains of
// f32x4 multiply-adds (fused, as the FMA build's kernels, or a multiply then an add, as the unfused
// build's), no loads. It is the ceiling every kernel of the library is measured against: a GEMM
// target above it cannot be met on this CPU, whatever the kernel. The module is written out byte
// by byte below (it is 120 bytes) so the bench needs no compiler.

const CHAINS = 12;

/** Best-of GFLOP/s of the multiply-add loop on this thread, fused or not (fused needs relaxed SIMD,
 *  which init() turns on where the engine has it). */
export function fmaPeakGflops(fused: boolean, { iterations = 2_000_000, repeats = 7 } = {}): number {
  const peak = multiplyAddLoop(fused);
  peak(1000, 1, 1); // compiled by the optimizing tier before it is timed
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    peak(iterations, 1.0000001, 0.9999999);
    best = Math.min(best, performance.now() - t);
  }
  return (iterations * CHAINS * 8) / best / 1e6;
}

/** The timed loop: peak(n, a, b) returns 12·n·a·b (exactly, for small integers). */
export function multiplyAddLoop(fused: boolean): (n: number, a: number, b: number) => number {
  return new WebAssembly.Instance(new WebAssembly.Module(peakModule(fused))).exports.peak as (n: number, a: number, b: number) => number;
}

// (func (export "peak") (param $n i32) (param $a f32) (param $b f32) (result f32)): splats a and
// b, then n times: acc_i = a·b + acc_i for the 12 accumulators; returns lane 0 of their sum.
function peakModule(fused: boolean): Uint8Array<ArrayBuffer> {
  const simd = (op: number) => [0xfd, ...leb(op)];
  const [n, a, b, acc0] = [0, 1, 2, 5]; // locals: 3 = splat(a), 4 = splat(b), 5… accumulators
  const va = 3, vb = 4;
  const body: number[] = [
    0x20, a, ...simd(0x13), 0x21, va, // f32x4.splat
    0x20, b, ...simd(0x13), 0x21, vb,
    0x03, 0x40, // loop
  ];
  for (let i = 0; i < CHAINS; i++) {
    const acc = acc0 + i;
    if (fused) body.push(0x20, va, 0x20, vb, 0x20, acc, ...simd(0x105), 0x21, acc); // f32x4.relaxed_madd
    else body.push(0x20, acc, 0x20, va, 0x20, vb, ...simd(0xe6), ...simd(0xe4), 0x21, acc); // f32x4.mul, f32x4.add
  }
  body.push(0x20, n, 0x41, 1, 0x6b, 0x22, n, 0x0d, 0, 0x0b); // n -= 1; br_if n != 0; end
  body.push(0x20, acc0);
  for (let i = 1; i < CHAINS; i++) body.push(0x20, acc0 + i, ...simd(0xe4));
  body.push(...simd(0x1f), 0, 0x0b); // f32x4.extract_lane 0; end
  const func = [1, 2 + CHAINS, 0x7b, ...body]; // one group of locals: 2 + CHAINS v128
  const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 3, 0x7f, 0x7d, 0x7d, 1, 0x7d]), // type: (i32, f32, f32) -> f32
    ...section(3, [1, 0]),
    ...section(7, [1, 4, ...[...'peak'].map((c) => c.charCodeAt(0)), 0, 0]),
    ...section(10, [1, ...leb(func.length), ...func]),
  ]);
}

function leb(x: number): number[] {
  const out: number[] = [];
  do {
    const byte = x & 0x7f;
    x >>>= 7;
    out.push(x ? byte | 0x80 : byte);
  } while (x);
  return out;
}
