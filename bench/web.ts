/**
 * Web client size and speed (issue 5, deliverable 7): the gzipped JavaScript
 * of the production bundle, and the time to the first usable screen on
 * loopback, in real Chromium against a real server. Baselines measured in
 * the same run: the goals (200 KB gz JS, 1 s to an interactive chat list)
 * and the load of a trivial same-server page (browser + server floor).
 *
 * Run: `npm run bench:web`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '@tacet/testkit/chromium';
import type { Browser, Page } from 'playwright-core';
import { ensureDist } from '../packages/web/test/support/build-dist.js';
import { startTacetServer } from '../packages/web/test/support/tacet-server.js';
import { WebPerson } from '../packages/web/test/support/web-person.js';

const GOAL_JS_GZ = 200 * 1024;
const GOAL_CHAT_LIST_MS = 1000;
const RUNS = 5;

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KB`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function sizes(dist: string): void {
  const files = [
    ...readdirSync(join(dist, 'assets')).map((f) => join('assets', f)),
    ...readdirSync(dist).filter((f) => f.endsWith('.js')),
  ].filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  let jsGz = 0;
  let entryGz = 0;
  console.log('file                                   raw        gzip');
  for (const f of files.sort()) {
    const raw = readFileSync(join(dist, f));
    const gz = gzipSync(raw, { level: 9 }).length;
    if (f.endsWith('.js')) jsGz += gz;
    if (/^assets\/index-.*\.js$/.test(f)) entryGz += gz;
    console.log(`${f.padEnd(38)} ${kb(raw.length).padStart(9)}  ${kb(gz).padStart(9)}`);
  }
  console.log(
    `entry JS (first screen)  gzip ${kb(entryGz)}   ratio vs 200 KB goal ${(entryGz / GOAL_JS_GZ).toFixed(2)}`,
  );
  console.log(
    `all JS (entry+worker+sw) gzip ${kb(jsGz)}   ratio vs 200 KB goal ${(jsGz / GOAL_JS_GZ).toFixed(2)}`,
  );
}

async function timeTo(page: Page, url: string, ready: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await page.goto(url);
  await ready();
  return performance.now() - t0;
}

async function firstVisit(browser: Browser, url: string): Promise<{ trivial: number; welcome: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const trivial = await timeTo(page, `${url}/icon.svg`, () => page.locator('svg').waitFor());
  const welcome = await timeTo(page, url, () =>
    page.getByRole('button', { name: 'Create account' }).waitFor(),
  );
  await context.close();
  return { trivial, welcome };
}

/** A returning person: reload (served by the pinned service worker), unlock, chat list ready. */
async function returning(
  person: WebPerson,
  url: string,
): Promise<{ unlockScreen: number; unlock: number; kdf: number }> {
  const { page } = person;
  const unlockScreen = await timeTo(page, url, () => page.getByRole('button', { name: 'Unlock' }).waitFor());
  await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
  const t0 = performance.now();
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.locator('[data-contact="peer"]').waitFor();
  const unlock = performance.now() - t0;
  const kdf = await page.evaluate(
    () => performance.getEntriesByName('tacet:open-store').at(-1)?.duration ?? Number.NaN,
  );
  return { unlockScreen, unlock, kdf };
}

async function main(): Promise<void> {
  const dist = await ensureDist();
  sizes(dist);
  const [browser, server] = await Promise.all([launchChromium(), startTacetServer(dist)]);
  try {
    const firsts = [];
    for (let i = 0; i < RUNS; i++) firsts.push(await firstVisit(browser, server.url));
    const [a, b] = await Promise.all([
      WebPerson.register(browser, server.url),
      WebPerson.register(browser, server.url),
    ]);
    await a.addContact(b.id, 'peer');
    const backs = [];
    for (let i = 0; i < RUNS; i++) backs.push(await returning(a, server.url));
    const kdf = median(backs.map((r) => r.kdf));
    const trivial = median(firsts.map((f) => f.trivial));
    const welcome = median(firsts.map((f) => f.welcome));
    const unlockScreen = median(backs.map((r) => r.unlockScreen));
    const unlock = median(backs.map((r) => r.unlock));
    console.log(`\nmedians of ${RUNS} runs on loopback (Chromium ${browser.version()})`);
    console.log(`trivial same-server page (baseline)      ${trivial.toFixed(0)} ms`);
    console.log(
      `first visit -> interactive welcome form  ${welcome.toFixed(0)} ms   ratio vs baseline ${(welcome / trivial).toFixed(1)}`,
    );
    console.log(
      `returning -> interactive unlock form     ${unlockScreen.toFixed(0)} ms   ratio vs baseline ${(unlockScreen / trivial).toFixed(1)}`,
    );
    console.log(`unlock -> chat list                      ${unlock.toFixed(0)} ms`);
    console.log(`  of which store unlock (scrypt 2^17)    ${kdf.toFixed(0)} ms`);
    console.log(`  the app's own share                    ${(unlock - kdf).toFixed(0)} ms`);
    const total = unlockScreen + unlock;
    console.log(
      `returning -> interactive chat list       ${total.toFixed(0)} ms   ratio vs 1 s goal ${(total / GOAL_CHAT_LIST_MS).toFixed(2)}`,
    );
    const noKdf = total - kdf;
    console.log(
      `  without the KDF                        ${noKdf.toFixed(0)} ms   ratio vs 1 s goal ${(noKdf / GOAL_CHAT_LIST_MS).toFixed(2)}`,
    );
    await Promise.all([a.close(), b.close()]);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
