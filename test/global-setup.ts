// Runs once before the test files: makes sure the browser the browser tests use is on disk.
import { chromiumPath } from './chromium.js';

export default async function setup(): Promise<void> {
  await chromiumPath();
}
