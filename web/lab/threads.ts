// The kernels for a lab worker, with the library's default thread count: two where the page is
// cross-origin isolated and the device has two cores or more, the second taking work only where
// init()'s short measurement finds that it saves time (on a loaded 2-core machine it may not).
import { init, threadCount } from 'scratchnet';

/** Starts the kernels; returns the threads the work is split for. */
export async function initThreads(): Promise<number> {
  await init();
  return threadCount();
}
