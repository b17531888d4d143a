// Handing the thread back to the event loop between training iterations: on a page's main thread
// so it stays responsive, anywhere so an AbortSignal fired by a timer or an event gets to fire.

/** The default of the Trainer's yieldEvery (ms): on a page's main thread 40 ms, below the 50 ms
 *  at which browsers call a task long, with room for the iteration that crosses it; elsewhere
 *  100 ms when a signal may need to fire, else never. */
export function defaultYieldEvery(hasSignal: boolean): number {
  if (typeof (globalThis as { document?: unknown }).document !== 'undefined') return 40;
  return hasSignal ? 100 : 0;
}

/** Yields to the event loop when `every` ms (0: never) have passed since it last did. */
export class Pacer {
  #last = Date.now();

  constructor(readonly every: number) {}

  async pace(): Promise<void> {
    if (this.every > 0 && Date.now() - this.#last >= this.every) {
      await yieldToEventLoop();
      this.#last = Date.now();
    }
  }
}

/** Resolves on a later turn of the event loop, after pending timers and events had their turn. */
export function yieldToEventLoop(): Promise<void> {
  // NOTE: a timer, not scheduler.yield() or a MessageChannel message: chromium runs their
  // continuations before a page's due timers (AbortSignal.timeout among them), which then ran
  // never (scheduler.yield) or at every other yield (MessageChannel, gaps of 156 ms); behind a
  // setTimeout(0) every due timer gets its turn (measured in test/trainer-browser.test.ts). The
  // 4 ms minimum of nested timers costs at most 10% at the default of one yield per 40 ms.
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}
