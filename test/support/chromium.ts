/**
 * Debian's Chromium, driven by playwright-core (which downloads no browser of its own). Where it is
 * missing the browser tests are skipped with the reason; under CI (CI=true) a missing browser is a
 * failure, since .ci/run installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM = existsSync(EXECUTABLE) ? EXECUTABLE : null;
export const CHROMIUM_SKIP_REASON = `Chromium is not installed at ${EXECUTABLE} (apt-get install chromium, or set CHROMIUM_PATH); CI installs it and runs these tests`;

if (!CHROMIUM && process.env.CI) throw new Error(`CI must run the browser tests, but ${CHROMIUM_SKIP_REASON}`);
if (!CHROMIUM) console.warn(`\n*** Skipping the browser tests: ${CHROMIUM_SKIP_REASON}. ***\n`);

/**
 * Headless, in a fresh profile (Playwright's `launch` makes a new user-data-dir and deletes it on
 * close), with Chromium's own background traffic off: this machine has no network, and Chromium's
 * update, sync and safe-browsing requests would fail at every start.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM ?? EXECUTABLE,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
