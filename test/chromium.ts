// The browser the browser tests drive: a system Chromium when one is installed, otherwise the
// headless Chromium that `npm install` brings inside the @sparticuz/chromium tarball (nothing is
// downloaded at install or at test time).
import { statSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
// No --single-process (@sparticuz/chromium's own default): the pages run workers and threads.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

// A path hidden by binding /dev/null over it (as the fresh-machine check does) is not a browser.
const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/**
 * The Chromium executable: $CHROMIUM_PATH if set, else the system's, else the bundled one
 * (decompressed once into the temporary folder; test/global-setup.ts does that before the
 * test files run, so parallel files never decompress it at the same time).
 */
export async function chromiumPath(): Promise<string> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return chosen;
  const system = SYSTEM.find(isFile);
  if (system) return system;
  // the package holds one build: Linux on x86-64
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`no Chromium found at ${SYSTEM.join(', ')}, and @sparticuz/chromium has no build for ` +
      `${process.platform}-${process.arch}: set CHROMIUM_PATH to a Chromium or Chrome executable`);
  }
  const { default: bundled } = await import('@sparticuz/chromium');
  return bundled.executablePath();
}

/** Launches the browser headless, without a sandbox (the tests run as root in CI containers). */
export async function launchChromium(): Promise<Browser> {
  // Under LANG=C (containers) the headless shell's default language is 'en-US@posix', which
  // Intl rejects as a language tag, so pages that format with the default locale throw.
  return chromium.launch({ executablePath: await chromiumPath(), args: ARGS, env: { ...process.env, LANG: 'en_US.UTF-8' } });
}
