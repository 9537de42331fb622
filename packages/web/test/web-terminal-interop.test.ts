/**
 * The browser client and the terminal client's SDK (TacetClient on an
 * encrypted SQLite profile, in Node) talk to each other through one server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientEvent, TacetClient } from '@tacet/client';
import { nodeWebSocket, openSqliteStore } from '@tacet/client/node';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { ensureDist } from './support/build-dist.js';
import { type RunningTestServer, startTacetServer } from './support/tacet-server.js';
import { WebPerson } from './support/web-person.js';

let browser: Browser;
let server: RunningTestServer;
let web: WebPerson;
let terminal: TacetClient;
let profileDir: string;
const events: ClientEvent[] = [];

beforeAll(async () => {
  profileDir = mkdtempSync(join(tmpdir(), 'tacet-web-terminal-'));
  [browser, server] = await Promise.all([launchChromium(), ensureDist().then(startTacetServer)]);
  const store = await openSqliteStore({ dir: profileDir, passphrase: 'terminal pass', logN: 14 });
  [web, terminal] = await Promise.all([
    WebPerson.register(browser, server.url),
    TacetClient.register({ store, webSocket: nodeWebSocket, serverUrl: server.url }),
  ]);
  terminal.on((e) => events.push(e));
  await terminal.connect();
});

afterAll(async () => {
  await terminal?.close();
  await browser?.close();
  await server?.close();
  rmSync(profileDir, { recursive: true, force: true });
});

function received(body: string): boolean {
  return events.some((e) => e.type === 'message' && e.message.direction === 'in' && e.message.body === body);
}

it('a terminal client and a browser exchange messages both ways, with receipts', async () => {
  await terminal.addContact(web.id, 'webby');
  await web.addContact(terminal.accountId, 'term');
  await web.openChat('term');

  await terminal.send('webby', 'hello from the terminal');
  await web.message('hello from the terminal').waitFor();

  await web.send('hello from the browser');
  await expect.poll(() => received('hello from the browser'), { timeout: 10_000 }).toBe(true);
  await web.message('hello from the browser').locator('[data-status="delivered"]').waitFor();
  await expect
    .poll(async () => (await terminal.messages('webby')).find((m) => m.direction === 'out')?.status, {
      timeout: 10_000,
    })
    .toBe('delivered');
});
