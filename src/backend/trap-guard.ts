// A wasm trap (an out-of-bounds access, an unreachable) surfaces in JS as WebAssembly.RuntimeError,
// which says nothing about what was called. The host checks every size before a kernel runs, so a
// trap is a bug in those checks: this names the kernel and its arguments, as a ScratchnetError
// with code 'ERR_INTERNAL'.
import { ScratchnetError } from '../errors.js';
import type { Kernels } from './kernels.js';

/** `kernels` with every function wrapped so that a trap becomes an Error naming the kernel. */
export function guardTraps<K extends Partial<Kernels>>(kernels: K, names: readonly string[]): K {
  const guarded: Record<string, unknown> = {};
  const source = kernels as unknown as Record<string, (...args: number[]) => unknown>;
  for (const name of names) {
    const kernel = source[name];
    if (typeof kernel !== 'function') continue;
    const wrapped = (...args: number[]) => {
      try {
        return kernel(...args);
      } catch (e) {
        throw trapError(name, args, e);
      }
    };
    // the kernel's arity, as its callers and tests see it
    guarded[name] = Object.defineProperty(wrapped, 'length', { value: kernel.length });
  }
  return Object.setPrototypeOf(guarded, kernels) as K;
}

/** The ScratchnetError ('ERR_INTERNAL') a trap in kernel `name` becomes (other errors pass unchanged). */
export function trapError(name: string, args: readonly number[], e: unknown): unknown {
  if (!(e instanceof WebAssembly.RuntimeError)) return e;
  return new ScratchnetError(`scratchnet: kernel ${name}(${args.join(', ')}) trapped (${e.message}); ` +
    'the arguments passed the host\'s checks, so this is a bug in scratchnet: please report it', 'ERR_INTERNAL');
}
