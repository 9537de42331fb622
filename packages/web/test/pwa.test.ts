/**
 * Installable as a PWA, and the installed app keeps working from its pinned
 * bundle while the server is unreachable. Runs on a real --user-data-dir:
 * Chromium does not offer installation in incognito contexts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWithProfile } from '@tacet/testkit/chromium';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ensureDist } from './support/build-dist.js';
import { type RunningTestServer, startTacetServer } from './support/tacet-server.js';

// Real browsers on a shared 2-core CI machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const profileDir = mkdtempSync(join(tmpdir(), 'tacet-web-pwa-'));
let server: RunningTestServer;

beforeAll(async () => {
  server = await startTacetServer(await ensureDist());
});
afterAll(async () => {
  await server?.close();
  rmSync(profileDir, { recursive: true, force: true });
});

it('is installable, and loads from its pinned bundle while the server is down', async () => {
  const context = await launchWithProfile(profileDir);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const { errors } = await cdp.send('Page.getAppManifest');
    expect(errors).toEqual([]);

    await server.stop();
    await page.reload();
    await page.getByRole('button', { name: /Create account|Unlock/ }).waitFor();
  } finally {
    await context.close();
    await server.start();
  }
});
