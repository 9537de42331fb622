/**
 * Registration at a real difficulty: the proof-of-work runs in a Web Worker,
 * the page shows progress and stays responsive; later the account opens
 * again with its passphrase (and not with another).
 */

import { launchChromium } from '@tacet/testkit/chromium';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ensureDist } from './support/build-dist.js';
import { type RunningTestServer, startTacetServer } from './support/tacet-server.js';

// Real browsers on a shared 2-core CI machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const POW_BITS = 18; // ~260k hashes: long enough to watch, short enough for a test
let browser: Browser;
let server: RunningTestServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    ensureDist().then((d) => startTacetServer(d, POW_BITS)),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('shows proof-of-work progress while the page stays responsive, then unlocks only with the passphrase', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByLabel('Passphrase', { exact: true }).fill('a long passphrase');
  await page.getByLabel('Passphrase again').fill('a long passphrase');
  // Longest gap between main-thread timer ticks while the proof-of-work runs (the progress bar moving).
  await page.evaluate(() => {
    const w = globalThis as unknown as { maxGap: number; last: number };
    w.maxGap = 0;
    w.last = performance.now();
    const tick = () => {
      const now = performance.now();
      const bar = document.querySelector<HTMLProgressElement>('[data-testid="pow-progress"]');
      if (bar && bar.value > 0 && bar.value < 0.99) w.maxGap = Math.max(w.maxGap, now - w.last);
      w.last = now;
      setTimeout(tick, 10);
    };
    setTimeout(tick, 10);
  });
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
  await page.getByRole('button', { name: 'Create account' }).click();
  const bar = page.getByTestId('pow-progress');
  await bar.waitFor();
  await expect
    .poll(async () => Number(await bar.getAttribute('value')), { timeout: 20_000 })
    .toBeGreaterThan(0);
  await page.getByTestId('connection').getByText('Connected').waitFor({ timeout: 60_000 });
  const maxGap = await page.evaluate(() => (globalThis as unknown as { maxGap: number }).maxGap);
  expect(maxGap).toBeLessThan(500); // timer ticks, not frozen (CI machines are busy)
  expect(workers.some((p) => /^\/assets\/pow-worker-.*\.js$/.test(p))).toBe(true);

  await page.reload();
  await page.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page
    .getByRole('alert')
    .getByText(/wrong passphrase/i)
    .waitFor({ timeout: 20_000 });
  await page.getByLabel('Passphrase', { exact: true }).fill('a long passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByTestId('connection').getByText('Connected').waitFor({ timeout: 20_000 });
  await context.close();
});
