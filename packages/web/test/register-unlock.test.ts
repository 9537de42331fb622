/**
 * Registration at a real difficulty: the proof-of-work runs in a Web Worker,
 * the page shows progress and stays responsive; later the account opens
 * again with its passphrase (and not with another).
 */

import { launchChromium } from '@tacet/testkit/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ensureDist } from './support/build-dist.js';
import { type RunningTestServer, startTacetServer } from './support/tacet-server.js';

// Real browsers on a shared 2-core CI machine: every step waits for its event
// (progress rendered, an alert, the connection up) with one generous bound that
// only a hang reaches; the passphrase KDF and the proof-of-work have no fixed
// duration under load, so no step gets a margin sized to them.
const EVENT = 120_000;
vi.setConfig({ testTimeout: 4 * EVENT, hookTimeout: EVENT });

/** A difficulty no test run solves (2^30 hashes expected): the work is still running whenever we look. */
const UNSOLVABLE_POW_BITS = 30;
let browser: Browser;
/** Where registration never finishes, to watch the page while the proof-of-work runs. */
let slowServer: RunningTestServer;
let server: RunningTestServer;

beforeAll(async () => {
  const dist = ensureDist();
  [browser, slowServer, server] = await Promise.all([
    launchChromium(),
    dist.then((d) => startTacetServer(d, UNSOLVABLE_POW_BITS)),
    dist.then((d) => startTacetServer(d)),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([slowServer?.close(), server?.close()]);
});

/**
 * Makes the order a loaded machine produces at random happen every time: the
 * screen's effects (preact runs them from a 35 ms timer or the next animation
 * frame after rendering) wait until the WebSocket has opened, so the
 * connection is up before the screen subscribes to connection changes. The
 * status must still say "Connected" (it once stayed at "Connecting…").
 */
async function holdEffectsUntilSocketOpens(page: Page): Promise<void> {
  await page.evaluate(() => {
    const held: Array<() => void> = [];
    let opened = false;
    const realSetTimeout = window.setTimeout.bind(window);
    window.requestAnimationFrame = () => 0;
    window.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
      if (ms !== 35 || opened || typeof handler !== 'function') return realSetTimeout(handler, ms, ...args);
      held.push(() => handler(...args));
      return 0;
    }) as typeof window.setTimeout;
    const RealWebSocket = window.WebSocket;
    window.WebSocket = class extends RealWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('open', () => {
          opened = true;
          // A task after `open`: the SDK has reported the connection up by then.
          realSetTimeout(() => {
            for (const run of held.splice(0)) run();
          });
        });
      }
    };
  });
}

async function startRegistering(page: Page): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill('a long passphrase');
  await page.getByLabel('Passphrase again').fill('a long passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
}

it('runs the proof-of-work in a worker, showing progress while the page keeps handling events', async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(EVENT); // loads, fills and clicks too
  const page = await context.newPage();
  await page.goto(slowServer.url);
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
  await startRegistering(page);
  const bar = page.getByTestId('pow-progress');
  const progress = async () => Number(await bar.getAttribute('value'));
  await expect.poll(progress, { timeout: EVENT }).toBeGreaterThan(0);
  const first = await progress();
  // While the work goes on, the main thread runs timers and renders further progress.
  const ticks = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let n = 0;
        const tick = () => (++n === 5 ? resolve(n) : setTimeout(tick, 0));
        setTimeout(tick, 0);
      }),
  );
  expect(ticks).toBe(5);
  await expect.poll(progress, { timeout: EVENT }).toBeGreaterThan(first);
  expect(await progress()).toBeLessThan(0.99); // still working: all of this happened during the proof-of-work
  expect(workers.some((p) => /^\/assets\/pow-worker-.*\.js$/.test(p))).toBe(true);
  await context.close();
});

it('registers, then unlocks only with the passphrase', async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(EVENT); // loads, fills and clicks too
  const page = await context.newPage();
  await page.goto(server.url);
  await startRegistering(page);
  await page.getByTestId('connection').getByText('Connected').waitFor({ timeout: EVENT });

  await page.reload();
  await page.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page
    .getByRole('alert')
    .getByText('That passphrase is not right. Check it and try again.')
    .waitFor({ timeout: EVENT });
  await page.getByLabel('Passphrase', { exact: true }).fill('a long passphrase');
  await holdEffectsUntilSocketOpens(page);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByTestId('connection').getByText('Connected').waitFor({ timeout: EVENT });
  await context.close();
});
