/**
 * The browser client and the terminal client's SDK (TacetClient on an
 * encrypted SQLite profile, in Node) talk to each other through one server,
 * and a browser links as a second device of a `tacet` command account.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientEvent, TacetClient } from '@tacet/client';
import { nodeWebSocket, openSqliteStore } from '@tacet/client/node';
import { IdentityKeyPair } from '@tacet/protocol';
import { launchChromium } from '@tacet/testkit/chromium';
import { parseAccountId } from '@tacet/wire';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ensureDist } from './support/build-dist.js';
import { startLinkingBrowser } from './support/new-device.js';
import { tacet, tacetAsking } from './support/tacet-cli.js';
import { type RunningTestServer, startTacetServer } from './support/tacet-server.js';
import { WebPerson } from './support/web-person.js';

// Real browsers on a shared 2-core CI machine: generous, but still bounded.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let browser: Browser;
let server: RunningTestServer;
let web: WebPerson;
let terminal: TacetClient;
let profileDir: string;
let events: ClientEvent[] = [];

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
  rmSync(`${profileDir}-new`, { recursive: true, force: true });
  rmSync(`${profileDir}-cli`, { recursive: true, force: true });
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

it('the terminal and the browser compute the same safety number', async () => {
  const fromBrowser = await web.safetyNumber();
  await web.page.getByTestId('safety-dialog').getByRole('button', { name: 'Close' }).click();
  expect((await terminal.safetyNumber('webby')).digits).toBe(fromBrowser);
});

it('a new key claiming a contact is held apart until accepted in a warning card', async () => {
  // The terminal's account comes back with a new identity key, which the server now lists (a reinstall).
  const account = (await terminal.store.getRecord('self', 'account')) as Uint8Array;
  await terminal.close();
  const newKey = IdentityKeyPair.generate();
  const db = new Database(join(server.dataDir, 'tacet.sqlite'));
  db.pragma('busy_timeout = 5000');
  db.prepare('UPDATE accounts SET identity_key = ? WHERE id = ?').run(
    newKey.publicKey.serialize(),
    parseAccountId(terminal.accountId),
  );
  db.close();
  const store = await openSqliteStore({ dir: `${profileDir}-new`, passphrase: 'terminal pass', logN: 14 });
  await store.apply({
    records: [
      { ns: 'self', key: 'account', value: account },
      { ns: 'self', key: 'identity-key-pair', value: newKey.serialize() },
      { ns: 'self', key: 'registration-id', value: new Uint8Array([0, 0, 0, 7]) },
    ],
  });
  terminal = await TacetClient.open({ store, webSocket: nodeWebSocket });
  events = [];
  terminal.on((e) => events.push(e));
  await terminal.addContact(web.id, 'webby');
  await terminal.connect();
  await terminal.send('webby', 'new device, same id');

  const warning = web.page.getByTestId('identity-claim');
  await warning.waitFor({ timeout: 10_000 });
  expect(await warning.textContent()).toContain('A new key claims to be term');
  expect(await web.page.getByText('new device, same id').count()).toBe(0);

  await warning.getByRole('button', { name: 'Accept the new key' }).click();
  await warning.waitFor({ state: 'detached' });
  await web.message('new device, same id').waitFor();
  await web.send('welcome back');
  await expect.poll(() => received('welcome back'), { timeout: 10_000 }).toBe(true);
});

it('the `tacet` command and the browser talk to each other', async () => {
  const cli = `${profileDir}-cli`;
  const registered = await tacet(cli, ['register', '--server', server.url]);
  expect(registered.code, registered.stderr).toBe(0);
  const cliId = registered.stdout.trim().split('\n').at(-1) as string;

  await web.addContact(cliId, 'cli');
  const added = await tacet(cli, ['add', web.id, 'webby']);
  expect(added.code, added.stderr).toBe(0);
  const sent = await tacet(cli, ['send', 'webby', 'hello from the tacet command']);
  expect(sent.code, sent.stderr).toBe(0);
  await web.message('hello from the tacet command').waitFor();

  await web.send('hello back, tacet command');
  const got = await tacet(cli, ['receive', '--wait', '20', '--json']);
  expect(got.code, got.stderr).toBe(0);
  const lines = got.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { body?: string });
  expect(lines.map((l) => l.body)).toContain('hello back, tacet command');
});

it("a browser links as a second device of the `tacet` command's account, after both confirm the comparison code", async () => {
  const cli = `${profileDir}-cli`; // registered in the test before, with the browser person as "webby"
  const {
    context,
    page: linked,
    code,
  } = await startLinkingBrowser(browser, server.url, 'linked browser pass');

  const linking = tacetAsking(cli, ['devices', 'link', code]);
  const asked = await linking.asked(/Type the comparison code/);
  const shown = ((await linked.getByTestId('comparison-code').textContent()) ?? '').trim();
  expect(asked).toContain(`Comparison code: ${shown}`);
  linking.answer(shown); // the person types what the browser shows
  await linked.getByRole('button', { name: 'They match — link it' }).click();
  const result = await linking.done;
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.trim()).toBe('2');
  await linked.getByTestId('connection').getByText('Connected').waitFor({ timeout: 60_000 });

  // The linked browser is the command's account: its contact came along, and messages to it arrive here.
  await linked.locator('[data-contact="webby"]').click();
  await web.page.locator('[data-contact="cli"]').click();
  await web.send('to every device of the cli account');
  await linked
    .getByTestId('messages')
    .locator('li', { hasText: 'to every device of the cli account' })
    .waitFor();
  const listed = await tacet(cli, ['devices']);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout.trim().split('\n')).toEqual(['1  (this device)', '2']);
  await context.close();
});
