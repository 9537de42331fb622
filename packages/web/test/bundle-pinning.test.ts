/**
 * Anti-trojan pinning in real Chromium: once installed, the client keeps
 * running the bundle it pinned; when the server starts offering other code
 * the page warns with the old and the new hash, and switches only when the
 * person accepts.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '@tacet/testkit/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { sha256Hex, writeAssetManifest } from '../tools/asset-manifest.js';
import { ensureDist } from './support/build-dist.js';
import { type RunningTestServer, startTacetServer } from './support/tacet-server.js';

// Real browsers on a shared 2-core CI machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let browser: Browser;
let server: RunningTestServer;
let siteDir: string;

beforeAll(async () => {
  siteDir = mkdtempSync(join(tmpdir(), 'tacet-web-site-'));
  cpSync(await ensureDist(), siteDir, { recursive: true });
  [browser, server] = await Promise.all([launchChromium(), startTacetServer(siteDir)]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(siteDir, { recursive: true, force: true });
});

function entryScript(): string {
  const html = readFileSync(join(siteDir, 'index.html'), 'utf8');
  const entry = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('no entry script in index.html');
  return join(siteDir, entry);
}

/** Simulates a new (or trojaned) release: one asset changes and the manifest follows it. */
function serveChangedBundle(marker = '__tacetChangedBundle'): string {
  appendFileSync(entryScript(), `\n;globalThis.${marker} = true;\n`);
  return writeAssetManifest(siteDir);
}

async function runsChangedCode(page: Page): Promise<boolean> {
  return page.evaluate(
    () => (globalThis as { __tacetChangedBundle?: boolean }).__tacetChangedBundle === true,
  );
}

it('keeps the pinned bundle and shows both hashes until the person accepts the new code', async () => {
  const pinned = sha256Hex(readFileSync(join(siteDir, 'asset-manifest.json')));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  const offered = serveChangedBundle();
  expect(offered).not.toBe(pinned);
  await page.reload();
  const warning = page.getByTestId('pin-warning');
  await warning.waitFor();
  expect(await page.getByTestId('pin-old').textContent()).toBe(pinned);
  expect(await page.getByTestId('pin-new').textContent()).toBe(offered);
  expect(await runsChangedCode(page)).toBe(false);

  await page.reload(); // still pinned, still warning: nothing changes without consent
  await warning.waitFor();
  expect(await runsChangedCode(page)).toBe(false);

  await Promise.all([page.waitForEvent('load'), warning.getByRole('button').click()]);
  await page.waitForFunction(
    () => (globalThis as { __tacetChangedBundle?: boolean }).__tacetChangedBundle === true,
  );
  expect(await warning.count()).toBe(0);
  await context.close();
});

it('refuses offered code whose files do not match its own manifest, and stays pinned', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  serveChangedBundle('__tacetSecondRelease');
  appendFileSync(entryScript(), '\n;globalThis.__tacetTampered = true;\n'); // after the manifest: a mismatch
  await page.reload();
  const warning = page.getByTestId('pin-warning');
  await warning.waitFor();
  await warning.getByRole('button').click();
  await warning.getByText(/failed verification/).waitFor();
  await page.reload();
  await warning.waitFor();
  expect(
    await page.evaluate(() => '__tacetTampered' in globalThis || '__tacetSecondRelease' in globalThis),
  ).toBe(false);
  await context.close();
});
