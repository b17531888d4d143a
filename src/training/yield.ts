// Handing the thread back to the event loop between training iterations: on a page's main thread
// so it stays responsive, anywhere so an AbortSignal fired by a timer or an event gets to fire.

/** The default of the Trainer's yieldEvery (ms): on a page's main thread 50 ms, the length at
 *  which browsers call a task long; elsewhere 100 ms when a signal may need to fire, else never. */
export function defaultYieldEvery(hasSignal: boolean): number {
  if (typeof (globalThis as { document?: unknown }).document !== 'undefined') return 50;
  return hasSignal ? 100 : 0;
}

/** Resolves on a later turn of the event loop, after pending timers and events had their turn. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { scheduler?: { yield?: () => Promise<void> }; setImmediate?: (f: () => void) => unknown };
  if (typeof g.scheduler?.yield === 'function') return g.scheduler.yield();
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  // NOTE: a MessageChannel message is not clamped to 4 ms as nested setTimeout calls are
  if (typeof MessageChannel !== 'undefined') {
    const channel = new MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
