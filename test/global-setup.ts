// Runs once before the test files: makes sure the browser the browser tests use is on disk. A
// machine without one still runs every other test; the browser tests then fail, saying why.
import { chromiumPath } from './chromium.js';

export default async function setup(): Promise<void> {
  try {
    await chromiumPath();
  } catch {
    // launchChromium() throws the same error in the tests that need a browser
  }
}
