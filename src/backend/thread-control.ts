// The control block the calling thread and the kernel threads share: one 256-byte slot per kernel
// thread (its own cache lines, so the threads never write the same line), holding a job counter,
// the counter of the last job done, an error flag, the kernel's index, the counter of the last job
// claimed, whether the thread is ready, and its numeric arguments. NOTE: whoever claims a job first runs it: the kernel thread
// when it is awake, else the caller once its own part is done, so a kernel thread the system has
// not scheduled (a busy machine) delays nothing. Either runs the same kernel on the same arguments.
export const SLOT_BYTES = 256;
export const SEQ = 0; // Int32 index within a slot: raised by the caller to post a job; -1 = stop
export const DONE = 1; // set by the kernel thread to the job counter it finished
export const ERROR = 2; // 1 when the job threw (a wasm trap)
export const KERNEL = 3; // index into the sorted export names
export const ARGC = 4;
export const CLAIM = 5; // the last job counter claimed (compare-exchange): by the kernel thread, or by the caller
export const READY = 6; // set to 1 by the kernel thread once it has its kernels and waits for jobs

export const ARGS_BYTE = 64; // Float64 arguments start here within a slot
export const MAX_ARGS = (SLOT_BYTES - ARGS_BYTE) / 8;

/** Int32 and Float64 views of one slot. */
export function slotViews(control: SharedArrayBuffer, slot: number): { ints: Int32Array; args: Float64Array } {
  const base = slot * SLOT_BYTES;
  return {
    ints: new Int32Array(control, base, ARGS_BYTE / 4),
    args: new Float64Array(control, base + ARGS_BYTE, MAX_ARGS),
  };
}

/** What a kernel thread receives once, before its first job. */
export interface ThreadStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  slot: number;
  names: string[];
  gemmKernels: [number, number]; // gemm_set_kernel's ids (fewRows, manyRows): the same on every thread
}
