/**
 * Launches Debian's Chromium through playwright-core. A missing browser is a
 * test failure, not a skip: CI installs it (.ci/run), and a skipped browser
 * suite would hide a broken web client.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Where Debian puts Chromium; TACET_CHROMIUM overrides it. */
export const CHROMIUM_PATH = process.env.TACET_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts a headless Chromium; each `newContext()` is a separate person with an empty profile. */
export async function launchChromium(): Promise<Browser> {
  assertChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/** Starts Chromium on a real profile directory (`--user-data-dir`), for what only a disk profile shows. */
export async function launchWithProfile(userDataDir: string): Promise<BrowserContext> {
  assertChromium();
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, args: ARGS });
}

function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium)`);
  }
}
