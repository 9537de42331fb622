/**
 * A group member's modified client signs an add with its own, non-admin key
 * and sends it to a member in the browser: the browser ignores it and says so
 * in the group, naming who sent it, and the member list stays as the admin
 * made it. Admin and forger are SDK clients (Node, SQLite) on the same server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TacetClient } from '@tacet/client';
import { nodeWebSocket, openSqliteStore } from '@tacet/client/node';
import { IdentityKeyPair } from '@tacet/protocol';
import { launchChromium } from '@tacet/testkit/chromium';
import { formatAccountId } from '@tacet/wire';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadGroup } from '../../client/src/groups/group-book.js';
import { encodeSignedGroupChange } from '../../client/src/groups/group-codec.js';
import { signGroupChange } from '../../client/src/groups/group-transition.js';
import { ProtocolStores } from '../../client/src/sessions/protocol-stores.js';
import { fromHex } from '../../client/src/util.js';
import { ensureDist } from './support/build-dist.js';
import { type RunningTestServer, startTacetServer } from './support/tacet-server.js';
import { WebPerson } from './support/web-person.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

let browser: Browser;
let server: RunningTestServer;
let carol: WebPerson;
const clients: TacetClient[] = [];
const dirs: string[] = [];

async function nodeClient(): Promise<TacetClient> {
  const dir = mkdtempSync(join(tmpdir(), 'tacet-web-group-'));
  dirs.push(dir);
  const store = await openSqliteStore({ dir, passphrase: 'node pass', logN: 14 });
  const client = await TacetClient.register({ store, webSocket: nodeWebSocket, serverUrl: server.url });
  clients.push(client);
  await client.connect();
  return client;
}

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), ensureDist().then(startTacetServer)]);
  carol = await WebPerson.register(browser, server.url);
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await browser?.close();
  await server?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it('a forged add from a non-admin member is ignored in the browser, with a warning naming the sender', async () => {
  const alice = await nodeClient();
  const bob = await nodeClient();
  await alice.addContact(bob.accountId, 'bob');
  await alice.addContact(carol.id, 'carol');
  await carol.addContact(bob.accountId, 'bob');
  const desk = await alice.groups.create('desk', ['bob', 'carol']);
  await carol.page.locator('[data-group="desk"]').click();
  const group = carol.page.getByRole('region', { name: 'Group desk' });
  await group.waitFor();
  await expect.poll(() => group.getByText('3 members').count()).toBe(1);

  // bob's modified client signs an add of mallory with his own key and sends it to carol.
  const held = await loadGroup(new ProtocolStores(bob.store), fromHex(desk.id));
  const state = held?.log.state;
  if (!state) throw new Error('bob holds no group');
  const mallory = {
    accountId: formatAccountId(crypto.getRandomValues(new Uint8Array(16))),
    identityKey: IdentityKeyPair.generate().publicKey.serialize(),
  };
  const forged = signGroupChange(state, state.id, bob.accountId, (await bob.identityKey()).privateKey, {
    type: 'add',
    members: [mallory],
  });
  await bob.groups.sendControl(carol.id, { type: 'change', change: encodeSignedGroupChange(forged) });

  const warning = group.getByTestId('group-warning');
  await warning.locator('[data-reason="not-admin"]').waitFor();
  expect(await warning.textContent()).toContain('It came from bob; nothing in the group changed.');
  await group.getByRole('button', { name: 'Members' }).click();
  const members = carol.page.getByTestId('members-dialog');
  await members.locator('[data-member="bob"]').waitFor();
  expect(await members.locator('li[data-member]').count()).toBe(3);
  await members.getByRole('button', { name: 'Close' }).click();
  await warning.getByRole('button', { name: 'Dismiss' }).click();
  await warning.waitFor({ state: 'detached' });
});
