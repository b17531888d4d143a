// What every lab page's worker shares: the kernels started once (threads.ts: two threads only where
// the page is cross-origin isolated and two measure faster), the page's messages handled in order once they are,
// errors sent to the page, and runs that a newer run or a stop cancels.
import { initThreads } from './threads.js';

// The DOM lib types `self` as a Window; in a worker it is the worker's global scope.
const scope = self as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
};

// NOTE: setTimeout(0) is clamped to 4 ms once nested; a message to ourselves is not. Posted
// messages run in the order they arrive, so the page's waiting messages are handled first.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
/** Resolves after the messages already waiting (the page's stop, a new setting) are handled. */
export const nextTask = (): Promise<void> => new Promise((resolve) => {
  waiting.push(resolve);
  channel.port2.postMessage(null);
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends an error to the page, whose connect() shows it in its error box. */
export const report = (e: unknown): void => scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });

/** Handles the page's messages in order, after init(); returns the function that posts to the page. */
export function serve<In, Out>(handle: (message: In) => void | Promise<void>, prepare?: () => Promise<void>): (message: Out, transfer?: Transferable[]) => void {
  const ready = (async () => {
    await initThreads();
    await prepare?.();
  })();
  let queue = ready;
  scope.onmessage = (event) => {
    queue = queue.then(() => handle(event.data as In)).catch(report);
  };
  return (message, transfer = []) => scope.postMessage(message, transfer);
}

/**
 * Runs that cancel each other: start() aborts the current run (its `live()` turns false, its
 * signal fires, e.g. for a Trainer's `signal`) and starts `body` (not awaited, so the page's next
 * messages are handled while it runs).
 */
export class Runs {
  #controller: AbortController | undefined;

  start(body: (live: () => boolean, signal: AbortSignal) => Promise<void>): void {
    this.stop();
    const { signal } = (this.#controller = new AbortController());
    body(() => !signal.aborted, signal).catch(report);
  }

  stop(): void {
    this.#controller?.abort();
  }
}
