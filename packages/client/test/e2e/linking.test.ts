/**
 * Linking and unlinking devices through a real server (issue 13 items 1, 2,
 * 6; docs/provisioning.md): a second device gets the account — identity,
 * contacts, verification marks, timers — and its own login, a message to the
 * person reaches both devices, a relay swapping the channel's ephemeral key
 * is caught by the comparison code and by the sealed confirmation, a
 * declined comparison links nothing, and an unlinked device gets nothing.
 */
import { join } from 'node:path';
import { KeyPair } from '@tacet/protocol';
import { parseAccountId } from '@tacet/wire';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientError, type ClientEvent, TacetClient } from '../../src/index.js';
import { nodeWebSocket, openSqliteStore } from '../../src/index.node.js';
import { Harness, until } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = new Harness();
});
afterEach(async () => {
  await h.dispose();
});

function serverDb<T>(f: (db: Database.Database) => T): T {
  const db = new Database(join(h.serverDir, 'tacet.sqlite'));
  db.pragma('busy_timeout = 5000');
  try {
    return f(db);
  } finally {
    db.close();
  }
}

const deviceIdsOnServer = (accountId: string) =>
  serverDb((db) =>
    (
      db
        .prepare('SELECT device_id FROM devices WHERE account_id = ? ORDER BY device_id')
        .all(parseAccountId(accountId)) as { device_id: number }[]
    ).map((r) => r.device_id),
  );

const texts = (events: ClientEvent[]) =>
  events.flatMap((e) => (e.type === 'message' && e.message.direction === 'in' ? [e.message.body] : []));

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ClientError,
  );

describe('linking a device', { timeout: 90_000 }, () => {
  it('gives the new device the account, and a message to the person reaches both devices', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const carol = await h.register('carol');
    await alice.client.addContact(carol.client.accountId, 'carol');
    await alice.client.safetyNumber('carol');
    await alice.client.verify('carol');
    await alice.client.connect();
    await alice.client.setTimer('carol', 3600);

    const second = await h.link(alice.client, 'alice-laptop');
    expect(second.codes[0]).toMatch(/^\d{3} \d{3}$/);
    expect(second.codes[1]).toBe(second.codes[0]);
    const laptop = second.client;
    expect(laptop.accountId).toBe(alice.client.accountId);
    expect(laptop.account.deviceId).toBe(2);
    expect(laptop.account.credential).not.toBe(alice.client.account.credential);
    expect((await laptop.identityKey()).publicKey.equals((await alice.client.identityKey()).publicKey)).toBe(
      true,
    );
    // Contacts, the verification mark and the timer came along.
    const carolThere = await laptop.contacts.get('carol');
    expect(carolThere.timerSeconds).toBe(3600);
    expect((await laptop.safetyNumber('carol')).verified).toBe(true);
    expect(await laptop.devices()).toEqual([
      { deviceId: 1, registrationId: expect.any(Number), current: false },
      { deviceId: 2, registrationId: expect.any(Number), current: true },
    ]);
    expect((await alice.client.devices()).map((d) => d.deviceId)).toEqual([1, 2]);
    expect(deviceIdsOnServer(alice.client.accountId)).toEqual([1, 2]);

    // Bob, a new contact, writes: both of Alice's devices get it.
    const bob = await h.register('bob');
    await bob.client.addContact(alice.client.accountId, 'alice');
    await bob.client.connect();
    await laptop.connect();
    await bob.client.send('alice', 'hello both of you');
    await until(() => texts(alice.events).includes('hello both of you'), 20_000, 'device 1');
    await until(() => texts(second.events).includes('hello both of you'), 20_000, 'device 2');
    // The laptop answers with its own sessions and login.
    await laptop.renameContact(bob.client.accountId, 'bob');
    await laptop.send('bob', 'from the laptop');
    await until(() => texts(bob.events).includes('from the laptop'), 20_000, 'reply');

    // Unlinking: the list without device 2 is signed, the server revokes it; the laptop gets nothing more.
    await alice.client.removeDevice(2);
    expect((await alice.client.devices()).map((d) => d.deviceId)).toEqual([1]);
    expect(deviceIdsOnServer(alice.client.accountId)).toEqual([1]);
    await bob.client.send('alice', 'only device 1 now');
    await until(() => texts(alice.events).includes('only device 1 now'), 20_000, 'after removal');
    expect(texts(second.events)).not.toContain('only device 1 now');
    const queued = serverDb(
      (db) =>
        db
          .prepare('SELECT count(*) AS n FROM envelopes WHERE account_id = ? AND device_id = 2')
          .get(parseAccountId(alice.client.accountId)) as { n: number },
    );
    expect(queued.n).toBe(0);
    // Its credential is revoked: it cannot come back.
    await h.closeClient(laptop);
    const again = await h.reopen(second.dir, 'alice-laptop');
    const refused = await failure(again.client.connect());
    expect(refused?.code).toBe('NotRegistered');
  });

  it('links nothing when the person declines the comparison code', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const dir = h.tempDir('declined');
    const store = await openSqliteStore({ dir, passphrase: 'pw', logN: 14 });
    const link = await TacetClient.beginLink({ store, webSocket: nodeWebSocket, serverUrl: h.server.url });
    const theirs = await alice.client.linkDevice(link.code);
    expect(await link.comparison()).toBe(theirs.comparison);
    theirs.cancel();
    await link.cancel();
    expect(deviceIdsOnServer(alice.client.accountId)).toEqual([1]);
    expect((await alice.client.devices()).map((d) => d.deviceId)).toEqual([1]);
    const err = await failure(TacetClient.open({ store, webSocket: nodeWebSocket }));
    expect(err?.code).toBe('NotRegistered');
    await store.close();
  });

  it('catches a server that swaps the existing device’s ephemeral key in the channel', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const dir = h.tempDir('mitm');
    const store = await openSqliteStore({ dir, passphrase: 'pw', logN: 14 });
    const link = await TacetClient.beginLink({ store, webSocket: nodeWebSocket, serverUrl: h.server.url });
    const theirs = await alice.client.linkDevice(link.code);
    // The relay replaces the hello with its own key, to sit between the two devices.
    const relayKey = KeyPair.generate().publicKey.serialize().subarray(1);
    const swapped = serverDb(
      (db) =>
        db
          .prepare('UPDATE provisioning_slots SET blob = ? WHERE slot = 1')
          .run(Buffer.from([0x01, ...relayKey])).changes,
    );
    expect(swapped).toBe(1);
    const shownOnNew = await link.comparison();
    expect(shownOnNew).not.toBe(theirs.comparison);
    // Even if the person confirmed anyway, the existing device cannot open the confirmation: nothing is shared.
    const onNew = failure(link.confirm());
    const onExisting = await failure(theirs.confirm());
    expect(onExisting?.code).toBe('LinkTampered');
    await link.cancel();
    expect((await onNew)?.code).toMatch(/^Link(Refused|Expired)$/);
    expect(deviceIdsOnServer(alice.client.accountId)).toEqual([1]);
    expect((await alice.client.devices()).map((d) => d.deviceId)).toEqual([1]);
    await store.close();
  });

  it('refuses a code that is not a link code', async () => {
    await h.startServer();
    const alice = await h.register('alice');
    const err = await failure(alice.client.linkDevice('AAAA-not-a-code'));
    expect(err?.code).toBe('InvalidLinkCode');
  });
});
